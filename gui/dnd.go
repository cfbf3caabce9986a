package gui

// Drag-to-map. Fyne 2.7 has no drop-target API, so this file builds the
// small piece the mapping screen needs:
//
//   - dragSource: a row of the agent list that implements fyne.Draggable.
//     The GLFW driver sends every Dragged event of a drag to the row where
//     it started, with the pointer in window-canvas coordinates.
//   - dropTarget: remembers which recycled cell of the users table shows
//     which row, and turns a window position into a row with the pure
//     hitTest function.
//   - dragManager: moves a ghost label in a no-layout layer stacked over the
//     screen (not a PopUp, which would become the top overlay and swallow
//     hit-testing), reports the hovered row for highlighting, and calls one
//     drop callback that the keyboard "Map" path uses as well.

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
)

// rect is an axis-aligned rectangle in window-canvas coordinates.
type rect struct {
	pos  fyne.Position
	size fyne.Size
}

func (r rect) contains(p fyne.Position) bool {
	return p.X >= r.pos.X && p.Y >= r.pos.Y && p.X < r.pos.X+r.size.Width && p.Y < r.pos.Y+r.size.Height
}

func (r rect) intersects(o rect) bool {
	return r.pos.X < o.pos.X+o.size.Width && o.pos.X < r.pos.X+r.size.Width &&
		r.pos.Y < o.pos.Y+o.size.Height && o.pos.Y < r.pos.Y+r.size.Height
}

// rowRect is where one cell showing a data row is drawn.
type rowRect struct {
	rect
	row int
}

// hitTest returns the row drawn under pos. bounds is the visible viewport
// of the rows: cells scrolled partly out of view extend beyond it, so a
// position outside bounds never hits. Rows span the whole width of the
// viewport, so only the vertical extent of a cell counts: the gaps between
// columns and the space right of the last column still belong to the row.
func hitTest(bounds rect, cells []rowRect, pos fyne.Position) (int, bool) {
	if !bounds.contains(pos) {
		return -1, false
	}
	for _, c := range cells {
		if c.row >= 0 && pos.Y >= c.pos.Y && pos.Y < c.pos.Y+c.size.Height {
			return c.row, true
		}
	}
	return -1, false
}

// dropTarget maps window positions to the rows of a virtualised table.
type dropTarget struct {
	obj fyne.CanvasObject
	// length is the number of rows the table has now.
	length func() int
	// inset is the height of the header strip above the rows' viewport.
	inset float32
	// gap is the separator between rows; it counts as part of the row
	// above so the highlight does not flicker between rows.
	gap float32

	// cells maps each recycled cell object to the row it shows now. A
	// cell the table has taken out of view keeps its last row, and its
	// position is that row's position in the table's content, so it stays
	// correct geometry for hit-testing.
	cells map[fyne.CanvasObject]int
	last  fyne.CanvasObject
	buf   []rowRect
}

func newDropTarget(obj fyne.CanvasObject, inset float32, length func() int) *dropTarget {
	return &dropTarget{obj: obj, inset: inset, length: length, gap: theme.Padding(), cells: map[fyne.CanvasObject]int{}}
}

// bind records that cell now shows row; call it from UpdateCell.
func (t *dropTarget) bind(cell fyne.CanvasObject, row int) {
	t.cells[cell] = row
	t.last = cell
}

// viewport is the rows' visible area in window coordinates.
func (t *dropTarget) viewport() rect {
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(t.obj)
	return rect{origin.AddXY(0, t.inset), t.obj.Size().SubtractWidthHeight(0, t.inset)}
}

// rowAt returns the row under the window position abs.
func (t *dropTarget) rowAt(abs fyne.Position) (int, bool) {
	view := t.viewport()
	if !view.contains(abs) || len(t.cells) == 0 {
		return -1, false
	}
	// All data cells share one parent (the table's cell container). Finding
	// one on the canvas gives the parent's position, and from there every
	// cell's position, with a single tree walk. A cell that is on the
	// canvas overlaps the viewport; one that is not comes back at the
	// driver's "not found" position, which does not.
	d := fyne.CurrentApp().Driver()
	anchor, ok := t.last, false
	var parent fyne.Position
	try := func(c fyne.CanvasObject) bool {
		a := d.AbsolutePositionForObject(c)
		if !view.intersects(rect{a, c.Size()}) {
			return false
		}
		parent = a.Subtract(c.Position())
		return true
	}
	if anchor != nil {
		ok = try(anchor)
	}
	for c := range t.cells {
		if ok {
			break
		}
		if c != anchor {
			ok = try(c)
		}
	}
	if !ok {
		return -1, false
	}
	t.buf = t.buf[:0]
	n := t.length()
	for c, row := range t.cells {
		if row >= n {
			continue // a recycled cell of a row the table no longer has
		}
		size := c.Size()
		size.Height += t.gap
		t.buf = append(t.buf, rowRect{rect{parent.Add(c.Position()), size}, row})
	}
	return hitTest(view, t.buf, abs)
}

// dragManager runs one drag at a time from dragSources to a dropTarget.
type dragManager struct {
	target *dropTarget
	// layer is stacked over the screen's content; the ghost moves in it.
	layer *fyne.Container
	ghost *fyne.Container
	text  *canvas.Text
	bg    *canvas.Rectangle

	label func(item int) string // ghost text for a source item
	hover func(row int)         // the highlighted row changed (-1: none)
	drop  func(item, row int)   // dropped item on row

	active      bool
	item, row   int
	layerOrigin fyne.Position
	// cancelled ignores the rest of a drag whose data went away; the next
	// DragEnd clears it.
	cancelled bool
}

func newDragManager(target *dropTarget) *dragManager {
	m := &dragManager{target: target, row: -1}
	m.text = canvas.NewText("", theme.Color(theme.ColorNameForegroundOnPrimary))
	m.text.TextStyle = fyne.TextStyle{Bold: true}
	m.bg = canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	m.bg.CornerRadius = theme.InputRadiusSize()
	m.ghost = container.NewStack(m.bg, container.NewPadded(m.text))
	m.ghost.Hide()
	m.layer = container.NewWithoutLayout(m.ghost)
	return m
}

// ghostOffset keeps the ghost beside the pointer rather than under it.
var ghostOffset = fyne.NewPos(14, 10)

func (m *dragManager) dragged(src *dragSource, ev *fyne.DragEvent) {
	if m.cancelled {
		return
	}
	d := fyne.CurrentApp().Driver()
	abs := ev.AbsolutePosition
	if abs.IsZero() {
		// Synthetic events (test.Drag) carry no absolute position.
		abs = d.AbsolutePositionForObject(src).Add(ev.Position)
	}
	if !m.active {
		m.active, m.item, m.row = true, src.item, -1
		m.layerOrigin = d.AbsolutePositionForObject(m.layer)
		m.text.Text = m.label(m.item)
		m.text.Color = theme.Color(theme.ColorNameForegroundOnPrimary)
		m.bg.FillColor = withAlpha(theme.Color(theme.ColorNamePrimary), 0xd0)
		m.bg.Refresh()
		m.ghost.Resize(m.ghost.MinSize())
		m.ghost.Show()
	}
	m.ghost.Move(abs.Subtract(m.layerOrigin).Add(ghostOffset))
	m.ghost.Refresh()

	row, ok := m.target.rowAt(abs)
	if !ok {
		row = -1
	}
	if row != m.row {
		m.row = row
		m.hover(row)
	}
}

func (m *dragManager) dragEnd() {
	m.cancelled = false
	if !m.active {
		return
	}
	item, row := m.item, m.row
	m.active, m.row = false, -1
	m.ghost.Hide()
	m.hover(-1)
	if row >= 0 {
		m.drop(item, row)
	}
}

// viewChanged forgets the hovered row when the target's rows move
// (filter, sort, reload): the row number under the pointer now shows
// another user, so a release without moving drops nothing, and the next
// pointer move highlights the row that is really there.
func (m *dragManager) viewChanged() {
	if m.active {
		m.row = -1
	}
}

// cancel ends a drag at once, without dropping, and ignores the rest of
// it: the source rows now show other data.
func (m *dragManager) cancel() {
	if !m.active {
		return
	}
	m.active, m.row, m.cancelled = false, -1, true
	m.ghost.Hide()
	m.hover(-1)
}

var (
	_ fyne.Draggable     = (*dragSource)(nil)
	_ desktop.Cursorable = (*dragSource)(nil)
)

// highlightColor is the drop-target row background while dragging: the
// success colour, as the row is about to become mapped, and distinct from
// the selection.
func highlightColor() color.Color { return withAlpha(theme.Color(theme.ColorNameSuccess), 0x70) }
