package gui

import (
	"image/color"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// Columns of the users table; Status comes before Match so it stays
// in view in a narrow window.
const (
	colExt = iota
	colName
	colEmail
	colAgent
	colStatus
	colHow
	numCols
)

var (
	colTitles = [numCols]string{"Ext.", "Name", "Email", "Halo agent", "Status", "Match"}
	// Ext., Status and Match (how the user was matched) fit their header
	// with the sort arrow and their longest value ("extension"). The text
	// columns (flexible) start at these widths until the table is laid
	// out, then share what the others leave (fitColumns).
	colWidths = [numCols]float32{58, 110, 100, 110, 90, 84}
	// flexible marks the text columns: they share the table's spare width
	// and show long values on two lines (fitCell).
	flexible = [numCols]bool{colName: true, colEmail: true, colAgent: true}
)

// needSample bounds how many rows rebuild measures to size the text
// columns: enough for typical values, constant with 10,000 users.
const needSample = 64

// Filters of the users table.
const (
	filterAll       = "All users"
	filterUnmapped  = "Unmapped"
	filterSuggested = "Suggested"
	filterStale     = "Stale"
	filterMapped    = "Mapped"
)

// userRow is what the users table shows for one user, computed when the
// data changes so that UpdateCell only copies strings into recycled cells.
type userRow struct {
	user   mapping.User
	cells  [numCols]string
	keys   [numCols]string // lower-case sort keys
	search string          // lower-case text the user filter searches
	status userStatus
	// shown is cells fitted to the column (fitCell) at width fitW: it is
	// measured the first time the row is drawn at that width, so
	// scrolling back over a row only copies strings into the cell.
	shown [numCols]string
	fitW  [numCols]float32
}

// usersTable is the users table with Delete bound to Unmap (a table does
// not pass keys it ignores on to the window).
type usersTable struct {
	widget.Table
	s *mappingScreen // the rows, the selected user, Unmap

	view     []int // rows shown, filtered and sorted
	sortCol  int
	sortDesc bool
	selCol   int // column of the selected cell
	hoverRow int // view row under a drag, -1: none
	// colW are the column widths now (fitColumns), for a table tableW
	// wide; need is what the typical values of each text column need to
	// show on two lines (measureNeeds).
	colW   [numCols]float32
	tableW float32
	need   [numCols]float32

	headers                   map[int]*headerButton
	target                    *dropTarget // where agents are dropped
	colNone, colHover, colSel color.Color
}

// Resize shares the new width among the text columns before the table
// lays its cells out.
func (t *usersTable) Resize(size fyne.Size) {
	t.fitColumns(size.Width)
	t.Table.Resize(size)
}

// fitColumns gives the text columns (flexible) what the fixed columns and
// the separators leave of width: each at least its header with the sort
// arrow, then towards what its typical values need on two lines
// (t.need); what is left over after that is shared in the same
// proportions, and a shortfall too. The cells re-fit their text (fitCell)
// when their width changes.
func (t *usersTable) fitColumns(width float32) {
	if width <= 0 {
		return
	}
	t.tableW = width
	bold := fyne.TextStyle{Bold: true}
	cols := make([]colFit, numCols)
	for c := range numCols {
		if !flexible[c] {
			cols[c] = colFit{min: colWidths[c], want: colWidths[c], fixed: true}
			continue
		}
		lo := t.s.measure(headerTitles[c][2], theme.TextSize(), bold).Width + 2*theme.InnerPadding()
		cols[c] = colFit{min: lo, want: max(lo, t.need[c])}
	}
	var w [numCols]float32
	copy(w[:], shareColumns(width, theme.Padding(), cols))
	if w == t.colW {
		return
	}
	t.colW = w
	for c, cw := range w {
		t.SetColumnWidth(c, cw)
	}
}

func (t *usersTable) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyDelete, fyne.KeyBackspace:
		t.s.unmapSelected()
	default:
		t.Table.TypedKey(ev)
	}
}

func (t *usersTable) newHeader() fyne.CanvasObject {
	b := &headerButton{col: -1}
	b.Importance = widget.LowImportance
	b.Alignment = widget.ButtonAlignLeading
	b.Text = "Status ▲" // a template for the header height; UpdateHeader sets the title
	b.OnTapped = func() { t.sortBy(b.col) }
	b.ExtendBaseWidget(b)
	return b
}

// headerTitles[col][0] is the plain title, [1] ascending, [2] descending;
// precomputed so header updates do not build strings.
var headerTitles = func() (t [numCols][3]string) {
	for i, title := range colTitles {
		t[i] = [3]string{title, title + " ▲", title + " ▼"}
	}
	return t
}()

// newUsersTable builds the table over s's rows; the view starts empty.
func newUsersTable(s *mappingScreen) *usersTable {
	t := &usersTable{s: s, hoverRow: -1, headers: map[int]*headerButton{}}
	t.Length = t.length
	t.CreateCell = t.createCell
	t.UpdateCell = t.updateCell
	t.ShowHeaderRow = true
	t.CreateHeader = t.newHeader
	t.UpdateHeader = t.updateHeader
	t.OnSelected = func(id widget.TableCellID) {
		if s.syncing || id.Row < 0 || id.Row >= len(t.view) {
			return
		}
		t.selCol = id.Col
		s.selectUser(s.rows[t.view[id.Row]].user.ID)
	}
	t.ExtendBaseWidget(t)
	t.colW = colWidths
	for i, w := range t.colW {
		t.SetColumnWidth(i, w)
	}
	t.target = newDropTarget(t, t.newHeader().MinSize().Height, t.rowCount)
	t.themeColors()
	return t
}

func (t *usersTable) rowCount() int { return len(t.view) }

func (t *usersTable) length() (int, int) { return len(t.view), numCols }

func (t *usersTable) createCell() fyne.CanvasObject {
	// Two lines high: long names, emails and agents take a second line
	// instead of an ellipsis (fitCell).
	l := widget.NewLabel("template\ntext")
	return container.NewStack(canvas.NewRectangle(color.Transparent), l)
}

func (t *usersTable) updateHeader(id widget.TableCellID, o fyne.CanvasObject) {
	b := o.(*headerButton)
	if id.Col < 0 || id.Col >= numCols {
		return
	}
	b.col = id.Col
	t.headers[id.Col] = b
	title := headerTitles[id.Col][0]
	if id.Col == t.sortCol {
		title = headerTitles[id.Col][1]
		if t.sortDesc {
			title = headerTitles[id.Col][2]
		}
	}
	if b.Text != title {
		b.SetText(title)
	}
}

// themeColors picks the row backgrounds from the current theme; it runs
// whenever the view is rebuilt, so a theme change shows on the next one.
func (t *usersTable) themeColors() {
	t.colNone = color.Transparent
	t.colHover = highlightColor()
	t.colSel = withAlpha(theme.Color(theme.ColorNameSelection), 0x80)
}

// updateCell fills a recycled cell; it runs for every cell scrolled into
// view, so it only copies precomputed strings and colours.
func (t *usersTable) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	bg := c.Objects[0].(*canvas.Rectangle)
	l := c.Objects[1].(*widget.Label)
	t.target.bind(o, id.Row)
	if id.Row < 0 || id.Row >= len(t.view) || id.Col < 0 || id.Col >= numCols || t.view[id.Row] >= len(t.s.rows) {
		return
	}
	r := &t.s.rows[t.view[id.Row]]
	imp := widget.MediumImportance
	if id.Col == colStatus {
		imp = statusImportance[r.status]
	}
	if w := o.Size().Width; r.fitW[id.Col] != w {
		r.shown[id.Col] = t.s.fitter().fitCell(r.cells[id.Col], w, flexible[id.Col])
		r.fitW[id.Col] = w
	}
	if l.Text != r.shown[id.Col] || l.Importance != imp {
		l.Text, l.Importance = r.shown[id.Col], imp
		l.Refresh()
	}
	fill := t.colNone
	switch {
	case id.Row == t.hoverRow:
		fill = t.colHover
	case r.user.ID == t.s.selUser:
		fill = t.colSel
	}
	if bg.FillColor != fill {
		bg.FillColor = fill
		bg.Refresh()
	}
}

// measureNeeds estimates what each text column needs so that its values
// show on two lines without an ellipsis: the 90th percentile over a
// sample of at most needSample rows, so the cost does not grow with the
// users. The columns are fitted again when it changed.
func (t *usersTable) measureNeeds() {
	var need [numCols]float32
	step := max(1, len(t.s.rows)/needSample)
	widths := make([]float32, 0, needSample+1)
	fit := t.s.fitter()
	for c := range numCols {
		if !flexible[c] {
			continue
		}
		widths = widths[:0]
		for i := 0; i < len(t.s.rows); i += step {
			widths = append(widths, fit.twoLineWidth(t.s.rows[i].cells[c]))
		}
		if len(widths) == 0 {
			continue
		}
		slices.Sort(widths)
		need[c] = widths[(len(widths)*9)/10]
	}
	if need == t.need {
		return
	}
	t.need = need
	t.fitColumns(t.tableW)
}

func filterMatches(filter string, st userStatus) bool {
	switch filter {
	case filterUnmapped:
		return st == statusUnmapped || st == statusSuggested
	case filterSuggested:
		return st == statusSuggested
	case filterStale:
		return st == statusStale
	case filterMapped:
		return st == statusMapped
	}
	return true
}

// fitter measures with the screen's measure in the cells' text style.
func (s *mappingScreen) fitter() textFitter {
	return textFitter{pad: 2 * theme.InnerPadding(), width: s.cellTextWidth}
}

func (s *mappingScreen) cellTextWidth(text string) float32 {
	return s.measure(text, theme.TextSize(), fyne.TextStyle{}).Width
}

// applyView filters and sorts the users table.
func (s *mappingScreen) applyView() {
	s.table.setView(s.statusFilter.Selected, strings.ToLower(strings.TrimSpace(s.userSearch.Text)))
	s.dnd.viewChanged()
	s.table.syncUserSelection()
	s.updateButtons()
}

// setView shows the rows the status filter and the lower-case query q
// match, in the sort order.
func (t *usersTable) setView(filter, q string) {
	rows := t.s.rows
	t.view = t.view[:0]
	for i := range rows {
		r := &rows[i]
		if !filterMatches(filter, r.status) || (q != "" && !strings.Contains(r.search, q)) {
			continue
		}
		t.view = append(t.view, i)
	}
	col, desc := t.sortCol, t.sortDesc
	if col == colExt {
		// Users are loaded in extension order (numeric where possible).
		if desc {
			for i, j := 0, len(t.view)-1; i < j; i, j = i+1, j-1 {
				t.view[i], t.view[j] = t.view[j], t.view[i]
			}
		}
	} else {
		sort.SliceStable(t.view, func(a, b int) bool {
			ka, kb := rows[t.view[a]].keys[col], rows[t.view[b]].keys[col]
			if desc {
				return ka > kb
			}
			return ka < kb
		})
	}
	t.hoverRow = -1
	t.themeColors()
	t.Refresh()
}

// sortBy sorts by col; the same column again reverses the order.
func (t *usersTable) sortBy(col int) {
	if col < 0 || col >= numCols {
		return
	}
	if t.sortCol == col {
		t.sortDesc = !t.sortDesc
	} else {
		t.sortCol, t.sortDesc = col, false
	}
	t.s.applyView()
}

// viewRowOf returns the table row showing the user, or -1.
func (t *usersTable) viewRowOf(userID int64) int {
	ri, ok := t.s.byUser[userID]
	if !ok {
		return -1
	}
	for i, v := range t.view {
		if v == ri {
			return i
		}
	}
	return -1
}

// syncUserSelection keeps the table's selection on the selected user as
// rows move, or clears it when the user is no longer shown.
func (t *usersTable) syncUserSelection() {
	t.s.syncing = true
	defer func() { t.s.syncing = false }()
	row := -1
	if t.s.selUser != 0 {
		row = t.viewRowOf(t.s.selUser)
	}
	if row < 0 {
		t.s.selUser = 0
		t.UnselectAll()
		return
	}
	// Same cell as selected: the table neither changes nor scrolls, so a
	// drop far below the selected row does not jump back to it.
	t.Select(widget.TableCellID{Row: row, Col: t.selCol})
}

// Compile-time check: usersTable is a Fyne widget.
var _ fyne.Widget = (*usersTable)(nil)
