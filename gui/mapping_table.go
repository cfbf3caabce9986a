package gui

import (
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
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
	user   storage.User
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

// headerButton is a column header of the users table; tapping it sorts.
type headerButton struct {
	widget.Button
	col int
}

// usersTable is the users table with Delete bound to Unmap (a table does
// not pass keys it ignores on to the window).
type usersTable struct {
	widget.Table
	s *mappingScreen
}

// Resize shares the new width among the text columns before the table
// lays its cells out.
func (t *usersTable) Resize(size fyne.Size) {
	t.s.fitColumns(size.Width)
	t.Table.Resize(size)
}

// fitColumns gives the text columns (flexible) what the fixed columns and
// the separators leave of width: each at least its header with the sort
// arrow, then towards what its typical values need on two lines
// (s.need); what is left over after that is shared in the same
// proportions, and a shortfall too. The cells re-fit their text (fitCell)
// when their width changes.
func (s *mappingScreen) fitColumns(width float32) {
	if width <= 0 || s.table == nil {
		return
	}
	s.tableW = width
	bold := fyne.TextStyle{Bold: true}
	avail := width - float32(numCols)*theme.Padding()
	var minW, want [numCols]float32
	var sumMin, sumWant float32
	for c := range numCols {
		if !flexible[c] {
			avail -= colWidths[c]
			continue
		}
		minW[c] = measureText(headerTitles[c][2], theme.TextSize(), bold).Width + 2*theme.InnerPadding()
		want[c] = max(minW[c], s.need[c])
		sumMin += minW[c]
		sumWant += want[c]
	}
	w := colWidths
	for c := range numCols {
		if !flexible[c] {
			continue
		}
		switch {
		case avail >= sumWant:
			w[c] = want[c] + (avail-sumWant)*want[c]/sumWant
		case avail > sumMin:
			w[c] = minW[c] + (avail-sumMin)*(want[c]-minW[c])/(sumWant-sumMin)
		default:
			w[c] = minW[c] // the table scrolls sideways
		}
		w[c] = float32(math.Floor(float64(w[c])))
	}
	if w == s.colW {
		return
	}
	s.colW = w
	for c, cw := range w {
		s.table.SetColumnWidth(c, cw)
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

func (s *mappingScreen) newHeader() fyne.CanvasObject {
	b := &headerButton{col: -1}
	b.Importance = widget.LowImportance
	b.Alignment = widget.ButtonAlignLeading
	b.Text = "Status ▲" // a template for the header height; UpdateHeader sets the title
	b.OnTapped = func() { s.sortBy(b.col) }
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

func (s *mappingScreen) buildTable() {
	t := &usersTable{s: s}
	t.Length = func() (int, int) { return len(s.view), numCols }
	t.CreateCell = func() fyne.CanvasObject {
		// Two lines high: long names, emails and agents take a second
		// line instead of an ellipsis (fitCell).
		l := widget.NewLabel("template\ntext")
		return container.NewStack(canvas.NewRectangle(color.Transparent), l)
	}
	t.UpdateCell = s.updateCell
	t.ShowHeaderRow = true
	t.CreateHeader = s.newHeader
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*headerButton)
		if id.Col < 0 || id.Col >= numCols {
			return
		}
		b.col = id.Col
		s.headers[id.Col] = b
		title := headerTitles[id.Col][0]
		if id.Col == s.sortCol {
			title = headerTitles[id.Col][1]
			if s.sortDesc {
				title = headerTitles[id.Col][2]
			}
		}
		if b.Text != title {
			b.SetText(title)
		}
	}
	t.OnSelected = func(id widget.TableCellID) {
		if s.syncing || id.Row < 0 || id.Row >= len(s.view) {
			return
		}
		s.selCol = id.Col
		s.selectUser(s.rows[s.view[id.Row]].user.ID)
	}
	t.ExtendBaseWidget(t)
	s.colW = colWidths
	for i, w := range s.colW {
		t.SetColumnWidth(i, w)
	}
	s.table = t
	s.target = newDropTarget(t, s.newHeader().MinSize().Height, func() int { return len(s.view) })
	s.dnd = newDragManager(s.target)
	s.dnd.label = func(item int) string {
		if item < 0 || item >= len(s.agents) {
			return ""
		}
		return "Map to " + mapping.AgentDisplayName(s.agents[item])
	}
	s.dnd.hover = func(row int) {
		s.hoverRow = row
		s.table.Refresh()
	}
	s.dnd.drop = s.onDrop
}

// themeColors picks the row backgrounds from the current theme; it runs
// whenever the view is rebuilt, so a theme change shows on the next one.
func (s *mappingScreen) themeColors() {
	s.colNone = color.Transparent
	s.colHover = highlightColor()
	s.colSel = withAlpha(theme.Color(theme.ColorNameSelection), 0x80)
}

// updateCell fills a recycled cell; it runs for every cell scrolled into
// view, so it only copies precomputed strings and colours.
func (s *mappingScreen) updateCell(id widget.TableCellID, o fyne.CanvasObject) {
	c := o.(*fyne.Container)
	bg := c.Objects[0].(*canvas.Rectangle)
	l := c.Objects[1].(*widget.Label)
	s.target.bind(o, id.Row)
	if id.Row < 0 || id.Row >= len(s.view) || id.Col < 0 || id.Col >= numCols || s.view[id.Row] >= len(s.rows) {
		return
	}
	r := &s.rows[s.view[id.Row]]
	imp := widget.MediumImportance
	if id.Col == colStatus {
		imp = statusImportance[r.status]
	}
	if w := o.Size().Width; r.fitW[id.Col] != w {
		r.shown[id.Col] = fitCell(r.cells[id.Col], w, flexible[id.Col])
		r.fitW[id.Col] = w
	}
	if l.Text != r.shown[id.Col] || l.Importance != imp {
		l.Text, l.Importance = r.shown[id.Col], imp
		l.Refresh()
	}
	fill := s.colNone
	switch {
	case id.Row == s.hoverRow:
		fill = s.colHover
	case r.user.ID == s.selUser:
		fill = s.colSel
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
func (s *mappingScreen) measureNeeds() {
	var need [numCols]float32
	step := max(1, len(s.rows)/needSample)
	widths := make([]float32, 0, needSample+1)
	for c := range numCols {
		if !flexible[c] {
			continue
		}
		widths = widths[:0]
		for i := 0; i < len(s.rows); i += step {
			widths = append(widths, twoLineWidth(s.rows[i].cells[c]))
		}
		if len(widths) == 0 {
			continue
		}
		slices.Sort(widths)
		need[c] = widths[(len(widths)*9)/10]
	}
	if need == s.need {
		return
	}
	s.need = need
	s.fitColumns(s.tableW)
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

// applyView filters and sorts the users table.
func (s *mappingScreen) applyView() {
	q := strings.ToLower(strings.TrimSpace(s.userSearch.Text))
	filter := s.statusFilter.Selected
	s.view = s.view[:0]
	for i := range s.rows {
		r := &s.rows[i]
		if !filterMatches(filter, r.status) || (q != "" && !strings.Contains(r.search, q)) {
			continue
		}
		s.view = append(s.view, i)
	}
	col, desc := s.sortCol, s.sortDesc
	if col == colExt {
		// Users are loaded in extension order (numeric where possible).
		if desc {
			for i, j := 0, len(s.view)-1; i < j; i, j = i+1, j-1 {
				s.view[i], s.view[j] = s.view[j], s.view[i]
			}
		}
	} else {
		sort.SliceStable(s.view, func(a, b int) bool {
			ka, kb := s.rows[s.view[a]].keys[col], s.rows[s.view[b]].keys[col]
			if desc {
				return ka > kb
			}
			return ka < kb
		})
	}
	s.hoverRow = -1
	s.dnd.viewChanged()
	s.themeColors()
	s.table.Refresh()
	s.syncUserSelection()
	s.updateButtons()
}

// sortBy sorts by col; the same column again reverses the order.
func (s *mappingScreen) sortBy(col int) {
	if col < 0 || col >= numCols {
		return
	}
	if s.sortCol == col {
		s.sortDesc = !s.sortDesc
	} else {
		s.sortCol, s.sortDesc = col, false
	}
	s.applyView()
}

// viewRowOf returns the table row showing the user, or -1.
func (s *mappingScreen) viewRowOf(userID int64) int {
	ri, ok := s.byUser[userID]
	if !ok {
		return -1
	}
	for i, v := range s.view {
		if v == ri {
			return i
		}
	}
	return -1
}

// syncUserSelection keeps the table's selection on the selected user as
// rows move, or clears it when the user is no longer shown.
func (s *mappingScreen) syncUserSelection() {
	s.syncing = true
	defer func() { s.syncing = false }()
	row := -1
	if s.selUser != 0 {
		row = s.viewRowOf(s.selUser)
	}
	if row < 0 {
		s.selUser = 0
		s.table.UnselectAll()
		return
	}
	// Same cell as selected: the table neither changes nor scrolls, so a
	// drop far below the selected row does not jump back to it.
	s.table.Select(widget.TableCellID{Row: row, Col: s.selCol})
}
