package gui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// userStatus is a user row's state, in the order the Status column sorts.
type userStatus int

const (
	statusUnmapped userStatus = iota
	statusSuggested
	statusStale
	statusMapped
)

var statusText = [...]string{"unmapped", "suggested", "stale", "mapped"}

// Colours: success = mapped, warning = suggested or stale, plain = unmapped.
var statusImportance = [...]widget.Importance{widget.MediumImportance, widget.WarningImportance,
	widget.WarningImportance, widget.SuccessImportance}

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

// mappingScreen maps the profile's 1stream users (left, a table) to the
// Halo agents of the last sync (right, a draggable list).
type mappingScreen struct {
	u       *UI
	profile *storage.Profile

	// Data of the current profile. agents are sorted by name; the agent
	// index and the view slices hold indexes into agents and rows.
	users     []storage.User
	agents    []halo.Agent
	pulledAt  time.Time
	agentPos  map[int]int // agent ID → index in agents
	index     *mapping.AgentIndex
	maps      map[int64]storage.Mapping // by user ID
	holder    map[int]int64             // agent ID → user ID
	sugg      map[int64]mapping.Suggestion
	rows      []userRow
	byUser    map[int64]int // user ID → index in rows
	badges    []string      // per agent: the user it is mapped to, or why it cannot be
	agentSubs []string      // per agent: "team · email", the row's second line
	stale     []int         // rows whose mapping is stale

	view      []int // rows shown, filtered and sorted
	agentView []int // agents shown
	sortCol   int
	sortDesc  bool

	selUser  int64 // 0: none
	selCol   int   // column of the table's selected cell
	selAgent int   // agent ID, 0: none
	hoverRow int   // view row under a drag, -1: none
	syncing  bool  // selection changed by code, not by the user
	busy     bool  // a change is being saved
	loading  bool  // the profile's data is being read
	loadSeq  int   // every load; a users reload applies only if still the latest
	fullSeq  int   // full loads (agents too)

	history undoStack
	// session changes whenever another profile is shown: a change saved
	// for an earlier one must not touch this one's history.
	session int
	// colW are the users table's column widths now (fitColumns), for a
	// table tableW wide; need is what the typical values of each text
	// column need to show on two lines (rebuild).
	colW   [numCols]float32
	tableW float32
	need   [numCols]float32

	// onRunCheck re-runs the systems check (the "Not seeing Halo users?"
	// state); it defaults to the check dialog.
	onRunCheck func()

	// Widgets, exposed to tests.
	root, main, noProfile  fyne.CanvasObject
	body                   *fyne.Container
	table                  *usersTable
	target                 *dropTarget
	dnd                    *dragManager
	headers                map[int]*headerButton
	agentList              *agentsList
	agentRows              map[*dragSource]*agentCells
	agentPane, agentHead   *fyne.Container
	agentListPane          fyne.CanvasObject
	agentsInfo             *widget.Label
	emptyAgents            fyne.CanvasObject
	emptyDetail            *widget.Label
	rerunBtn               *widget.Button
	userSearch, agentQuery *shortcutEntry
	statusFilter           *widget.Select
	showDisabled           *widget.Check
	counters, status       *widget.Label
	staleBox               *fyne.Container
	staleText              *widget.Label

	mapBtn, unmapBtn, undoBtn, redoBtn             *widget.Button
	suggestBtn, acceptBtn, exportBtn, importMapBtn *widget.Button
	importUsersBtn, addUserBtn, editUserBtn        *widget.Button
	delUserBtn                                     *widget.Button

	colNone, colHover, colSel color.Color

	// Dialogs, kept for tests.
	conflictDlg  dialog.Dialog
	confirm      *dialog.ConfirmDialog
	importDlg    *usersImportDialog
	userDlg      *userDialog
	exportDlg    *exportDialog
	mapImportDlg *mappingImportDialog

	changes *changesPanel // changes since the last export, and the record
}

func newMappingScreen(u *UI) *mappingScreen {
	s := &mappingScreen{u: u, hoverRow: -1, headers: map[int]*headerButton{}, agentRows: map[*dragSource]*agentCells{},
		maps: map[int64]storage.Mapping{}, holder: map[int]int64{}, sugg: map[int64]mapping.Suggestion{},
		agentPos: map[int]int{}, byUser: map[int64]int{}, index: mapping.NewAgentIndex(nil)}
	s.onRunCheck = u.runSystemsCheck
	s.themeColors()
	s.build()
	return s
}

func (s *mappingScreen) title() string              { return "Mapping" }
func (s *mappingScreen) icon() fyne.Resource        { return theme.GridIcon() }
func (s *mappingScreen) content() fyne.CanvasObject { return s.root }

func (s *mappingScreen) profileChanged(p *storage.Profile) {
	if p != nil && s.profile != nil && p.ID == s.profile.ID {
		s.profile = p
		return
	}
	s.profile = p
	s.session++
	s.history.clear()
	s.busy = false
	s.selUser, s.selAgent = 0, 0
	s.sugg = map[int64]mapping.Suggestion{}
	s.loading = p != nil
	s.setData(nil, halo.Snapshot{}, time.Time{}, nil, nil)
	if p == nil {
		s.body.Objects = []fyne.CanvasObject{s.noProfile}
		s.body.Refresh()
		return
	}
	s.body.Objects = []fyne.CanvasObject{s.main}
	s.body.Refresh()
	s.reload()
}

// checkFinished reloads the agents after a systems check or sync of the
// current profile stored a new snapshot.
func (s *mappingScreen) checkFinished(profileID int64) {
	if s.profile != nil && s.profile.ID == profileID {
		s.reload()
	}
}

// ---- building ----

func (s *mappingScreen) build() {
	s.buildTable()
	s.buildAgents()

	s.counters = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	s.importUsersBtn = widget.NewButtonWithIcon("Import users…", theme.UploadIcon(), s.showImportUsers)
	s.addUserBtn = widget.NewButtonWithIcon("Add user…", theme.ContentAddIcon(), s.showAddUser)
	s.editUserBtn = widget.NewButtonWithIcon("Edit user…", theme.DocumentCreateIcon(), s.showEditUser)
	s.delUserBtn = widget.NewButtonWithIcon("Delete user…", theme.DeleteIcon(), s.deleteSelectedUser)
	s.suggestBtn = widget.NewButtonWithIcon("Suggest matches", theme.SearchIcon(), s.suggest)
	s.acceptBtn = widget.NewButtonWithIcon("Accept all confident", theme.ConfirmIcon(), s.acceptConfident)
	s.undoBtn = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), s.undo)
	s.redoBtn = widget.NewButtonWithIcon("Redo", theme.ContentRedoIcon(), s.redo)
	s.exportBtn = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), s.showExport)
	s.importMapBtn = widget.NewButtonWithIcon("Import mappings…", theme.FolderOpenIcon(), s.showImportMappings)
	s.mapBtn = widget.NewButtonWithIcon("Map selected (Ctrl+M)", theme.NavigateBackIcon(), s.mapSelected)
	s.mapBtn.Importance = widget.HighImportance
	s.unmapBtn = widget.NewButtonWithIcon("Unmap (Delete)", theme.ContentClearIcon(), s.unmapSelected)

	s.userSearch = newShortcutEntry(s)
	s.userSearch.SetPlaceHolder("Search users")
	s.userSearch.OnChanged = func(string) { s.applyView() }
	s.statusFilter = widget.NewSelect([]string{filterAll, filterUnmapped, filterSuggested, filterStale, filterMapped},
		func(string) { s.applyView() })
	s.statusFilter.Selected = filterAll

	s.staleText = wrapped("")
	review := widget.NewButton("Review", func() { s.statusFilter.SetSelected(filterStale) })
	s.staleBox = container.NewStack(canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 0x40)),
		container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(theme.WarningIcon())),
			container.NewCenter(review), s.staleText))
	s.staleBox.Hide()

	s.changes = newChangesPanel(s)
	tools := container.NewHBox(s.importUsersBtn, s.addUserBtn, s.editUserBtn, s.delUserBtn,
		widget.NewSeparator(), s.exportBtn, s.importMapBtn)
	tools2 := container.NewHBox(s.suggestBtn, s.acceptBtn, widget.NewSeparator(), s.undoBtn, s.redoBtn,
		widget.NewSeparator(), s.changes.toggle, s.changes.recordBtn)
	top := container.NewVBox(
		container.NewBorder(nil, nil, heading("Map 1stream users to Halo agents"), nil, s.counters),
		wrapped("Drag a Halo agent from the right onto a 1stream user, or select both and press Map (Ctrl+M). "+
			"Delete unmaps the selected user; Ctrl+Z undoes, Ctrl+Shift+Z redoes."),
		tools, tools2, s.staleBox, s.changes.box)

	left := container.NewBorder(container.NewBorder(nil, nil, nil, s.statusFilter, s.userSearch), nil, nil, nil, s.table)
	split := container.NewHSplit(left, s.agentPane)
	// The users table's columns fit at the default window size; the agent
	// list lays its rows out on two lines to fit the rest.
	split.Offset = 0.66
	bottom := container.NewBorder(nil, nil, container.NewHBox(s.mapBtn, s.unmapBtn), nil, s.status)
	s.main = container.NewBorder(top, bottom, nil, nil, split)
	s.noProfile = container.NewCenter(container.NewVBox(heading("No profile selected"),
		widget.NewLabel("Create or select a profile on the Profiles screen first.")))
	s.body = container.NewStack(s.noProfile)
	// The ghost layer goes over the whole screen so the ghost can follow the
	// pointer from the agent list to the users table.
	s.root = container.NewStack(s.body, s.dnd.layer)
	s.updateButtons()
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

// agentCells are the labels of one recycled agent row: the name, the
// extension and what the agent is mapped to on the first line, the team
// and email below the name.
type agentCells struct {
	name, ext, badge, sub *widget.Label
}

// agentsList is the agent list with Enter bound to Map and Delete to Unmap.
type agentsList struct {
	widget.List
	s *mappingScreen
}

func (l *agentsList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		l.s.mapSelected()
	case fyne.KeyDelete, fyne.KeyBackspace:
		l.s.unmapSelected()
	default:
		l.List.TypedKey(ev)
	}
}

// agentColumns lays out an agent row — and the header with the same
// columns, so they line up: the name gets what the fixed-width Ext. and
// "Mapped to" columns leave, and an optional fourth object (team and
// email) a second line under the name and extension, overlapping the
// first line's bottom padding. Two lines keep the name, team and mapping
// readable in the pane's width at the default window size.
type agentColumns struct{}

const (
	agentExtWidth   = 52
	agentBadgeWidth = 96
)

func (agentColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) < 3 {
		return
	}
	nameW := max(size.Width-agentExtWidth-agentBadgeWidth, 0)
	lineH := objs[0].MinSize().Height
	place := func(o fyne.CanvasObject, x, y, w, h float32) {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
		// A label fitted (fitLabel) at its old width would overflow into
		// the next column after the pane got narrower, or keep an
		// ellipsis it no longer needs: fit it to the new width.
		if l, ok := o.(*widget.Label); ok {
			fitLabel(l, l.Text, l.Importance, w)
		}
	}
	place(objs[0], 0, 0, nameW, lineH)
	place(objs[1], nameW, 0, agentExtWidth, lineH)
	place(objs[2], nameW+agentExtWidth, 0, agentBadgeWidth, lineH)
	if len(objs) > 3 {
		place(objs[3], 0, lineH-agentLineOverlap(), nameW+agentExtWidth, objs[3].MinSize().Height)
	}
}

// agentLineOverlap is how far the second line moves up into the first
// line's bottom padding.
func agentLineOverlap() float32 { return 2*theme.InnerPadding() - 2 }

func (agentColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.Size{}
	}
	h := objs[0].MinSize().Height
	if len(objs) > 3 {
		h += objs[3].MinSize().Height - agentLineOverlap()
	}
	return fyne.NewSize(200, h)
}

func truncLabel(text string, bold bool) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

func (s *mappingScreen) buildAgents() {
	l := &agentsList{s: s}
	l.Length = func() int { return len(s.agentView) }
	l.CreateItem = func() fyne.CanvasObject {
		c := &agentCells{name: truncLabel("Agent name", true), ext: truncLabel("101", false),
			badge: truncLabel("", false), sub: truncLabel("Team · agent@example.com", false)}
		src := newDragSource(s.dnd, container.New(agentColumns{}, c.name, c.ext, c.badge, c.sub))
		s.agentRows[src] = c
		return src
	}
	l.UpdateItem = s.updateAgent
	l.OnSelected = func(i widget.ListItemID) {
		if s.syncing || i < 0 || i >= len(s.agentView) || s.agentView[i] >= len(s.agents) {
			return
		}
		s.selAgent = s.agents[s.agentView[i]].ID
		s.updateButtons()
	}
	l.ExtendBaseWidget(l)
	s.agentList = l

	s.agentQuery = newShortcutEntry(s)
	// Short enough for the pane at the default window size; the search
	// covers name, email, team and extension.
	s.agentQuery.SetPlaceHolder("Search agents")
	s.agentQuery.OnChanged = func(string) { s.filterAgents() }
	s.showDisabled = widget.NewCheck("Show disabled", func(bool) { s.filterAgents() })
	s.agentsInfo = widget.NewLabel("")
	s.agentsInfo.Truncation = fyne.TextTruncateEllipsis

	// "Agent", not "Halo agent": the pane is the Halo side already, and
	// the shorter header fits at the default window size.
	s.agentHead = container.New(agentColumns{}, truncLabel("Agent · team · email", true), truncLabel("Ext.", true),
		truncLabel("Mapped to", true))
	s.agentListPane = container.NewBorder(container.NewVBox(
		container.NewBorder(nil, nil, nil, s.showDisabled, s.agentQuery), s.agentsInfo, s.agentHead), nil, nil, nil, s.agentList)

	s.emptyDetail = wrapped("")
	s.rerunBtn = widget.NewButtonWithIcon("Re-run the systems check", theme.ViewRefreshIcon(), func() {
		if s.onRunCheck != nil {
			s.onRunCheck()
		}
	})
	s.rerunBtn.Importance = widget.HighImportance
	s.emptyAgents = container.NewVScroll(container.NewVBox(
		heading("Not seeing Halo users?"),
		s.emptyDetail,
		wrapped("The API agent (the Halo agent the application logs in as) only sees the agents of the "+
			"departments and teams it belongs to. In Halo, open Configuration › Teams & Agents › Agents, "+
			"edit the API agent and:"),
		wrapped("1. On Departments & Teams, add it to every department and every team whose agents take calls."),
		wrapped("2. Set its Default Team to one of those teams — without a Default Team it cannot see other agents."),
		wrapped("3. With multi-tenancy, check the organisation restrictions: it must be allowed to see the "+
			"organisations the agents belong to (\"Allow use of all Customers\")."),
		wrapped("Then re-run the systems check to pull the agents again."),
		container.NewHBox(s.rerunBtn),
	))
	s.agentPane = container.NewStack(s.agentListPane)
}

func (s *mappingScreen) updateAgent(i widget.ListItemID, o fyne.CanvasObject) {
	src := o.(*dragSource)
	c := s.agentRows[src]
	// The view can briefly hold indexes of data being replaced; a row
	// drawn then stays as it is until the list refreshes.
	if c == nil || i < 0 || i >= len(s.agentView) {
		return
	}
	ai := s.agentView[i]
	if ai < 0 || ai >= len(s.agents) || ai >= len(s.badges) || ai >= len(s.agentSubs) {
		return
	}
	src.item = ai
	a := &s.agents[ai]
	fitLabel(c.name, a.Name, widget.MediumImportance, c.name.Size().Width)
	fitLabel(c.ext, a.Extension, widget.MediumImportance, c.ext.Size().Width)
	fitLabel(c.sub, s.agentSubs[ai], widget.MediumImportance, c.sub.Size().Width)
	badge := widget.MediumImportance
	if _, held := s.holder[a.ID]; held {
		badge = widget.SuccessImportance
	}
	fitLabel(c.badge, s.badges[ai], badge, c.badge.Size().Width)
}

// setLabel changes a label's text only when it differs, so re-showing the
// same row costs nothing.
func setLabel(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// fitLabel sets a recycled cell label of the given width, with an ellipsis
// only when the text does not fit. Fyne shapes an ellipsis label's text
// again on every refresh (a new HarfBuzz font each time), which made a
// screenful of scrolling cost ~15 ms; measuring is cached per string.
func fitLabel(l *widget.Label, text string, imp widget.Importance, width float32) {
	trunc := fyne.TextTruncateOff
	if text != "" && width > 0 &&
		fyne.MeasureText(text, theme.TextSize(), l.TextStyle).Width > width-2*theme.InnerPadding() {
		trunc = fyne.TextTruncateEllipsis
	}
	if l.Text != text || l.Truncation != trunc || l.Importance != imp {
		l.Text, l.Truncation, l.Importance = text, trunc, imp
		l.Refresh()
	}
}

// measureText is fyne.MeasureText; tests count its calls.
var measureText = fyne.MeasureText

// fitCell is text as a users-table cell of the given width shows it: as it
// is when it fits on one line; for a two-line column, else, broken in two
// (breakAt), or inside a word when no break lets the first line fit; the
// last line ends in "…" when it still does not fit.
// Fitting here, once per row and width, keeps Fyne from shaping an
// ellipsis label again on every refresh.
func fitCell(text string, width float32, twoLines bool) string {
	avail := width - 2*theme.InnerPadding()
	fits := func(t string) bool { return measureText(t, theme.TextSize(), fyne.TextStyle{}).Width <= avail }
	if text == "" || width <= 0 || fits(text) {
		return text
	}
	if !twoLines {
		return ellipsize(text, fits)
	}
	// The last break that fits both lines, preferring a space or "@"
	// (names break between words, emails before the domain); else the
	// last one that fits the first line.
	first, rest := "", ""
	for _, strong := range []bool{true, false} {
		for i := len(text) - 1; i > 0 && first == ""; i-- {
			if a, b, ok := breakAt(text, i); ok && (!strong || text[i] == ' ' || text[i] == '@') && fits(a) && fits(b) {
				first, rest = a, b
			}
		}
	}
	for i := len(text) - 1; i > 0 && first == ""; i-- {
		if a, b, ok := breakAt(text, i); ok && fits(a) {
			first, rest = a, b
		}
	}
	if first == "" {
		// No break point fits: break inside the word, at a rune.
		runes := []rune(text)
		n := sort.Search(len(runes), func(n int) bool { return !fits(string(runes[:n+1])) })
		if n == 0 {
			return ellipsize(text, fits)
		}
		first, rest = string(runes[:n]), string(runes[n:])
	}
	if !fits(rest) {
		rest = ellipsize(rest, fits)
	}
	return first + "\n" + rest
}

// ellipsize cuts text to the longest start that fits with "…" after it.
func ellipsize(text string, fits func(string) bool) string {
	runes := []rune(text)
	n := sort.Search(len(runes), func(n int) bool { return !fits(string(runes[:n]) + "…") })
	if n == 0 {
		return "…"
	}
	return string(runes[:n-1]) + "…"
}

// shortcutEntry is a search box that passes Ctrl+M, and undo and redo of
// the mappings, on to the screen: an entry with focus receives every
// shortcut and would swallow them.
type shortcutEntry struct {
	widget.Entry
	s *mappingScreen
}

func newShortcutEntry(s *mappingScreen) *shortcutEntry {
	e := &shortcutEntry{s: s}
	e.ExtendBaseWidget(e)
	return e
}

func (e *shortcutEntry) TypedShortcut(sc fyne.Shortcut) {
	switch sc.ShortcutName() {
	case mapShortcut.ShortcutName():
		e.s.mapSelected()
	case (&fyne.ShortcutUndo{}).ShortcutName():
		e.s.undo()
	case (&fyne.ShortcutRedo{}).ShortcutName(), redoShortcut.ShortcutName():
		e.s.redo()
	default:
		e.Entry.TypedShortcut(sc)
	}
}

// ---- loading ----

type mappingData struct {
	profileID int64
	snap      halo.Snapshot
	pulledAt  time.Time
	users     []storage.User
	maps      []storage.Mapping
	index     *mapping.AgentIndex
}

// reload reads the agents of the last sync, the users and the mappings of
// the current profile. The check and sync dialogs call it (through
// checkFinished) after storing a new snapshot.
func (s *mappingScreen) reload() {
	if s.profile == nil {
		return
	}
	id := s.profile.ID
	s.changes.loadBaseline()
	s.loadSeq++
	s.fullSeq++
	seq, full := s.loadSeq, s.fullSeq
	runAsync(s.u, func(ctx context.Context) (mappingData, error) {
		d := mappingData{profileID: id}
		var err error
		if d.snap, d.pulledAt, err = s.u.env.DB.Snapshot(ctx, id); err != nil {
			return d, err
		}
		sortAgents(d.snap.Agents)
		d.index = mapping.NewAgentIndex(d.snap.Agents) // off the UI goroutine: 10,000 agents take a moment
		if d.users, err = s.u.env.DB.Users(ctx, id); err != nil {
			return d, err
		}
		d.maps, err = s.u.env.DB.Mappings(ctx, id)
		return d, err
	}, func(d mappingData, err error) {
		if s.profile == nil || s.profile.ID != d.profileID || full != s.fullSeq {
			return
		}
		s.loading = false
		if err != nil {
			s.updateAgentPane()
			s.u.showError("Loading the mapping data failed", err)
			return
		}
		s.setData(d.users, d.snap, d.pulledAt, d.maps, d.index)
		if seq != s.loadSeq {
			s.reloadUsers(nil) // users or mappings changed while this load ran
		}
	})
}

// reloadUsers reads the users and mappings again after a change, keeping
// the agents; done runs afterwards on the UI goroutine.
func (s *mappingScreen) reloadUsers(done func()) {
	if s.profile == nil {
		return
	}
	id := s.profile.ID
	s.loadSeq++
	seq := s.loadSeq
	runAsync(s.u, func(ctx context.Context) (mappingData, error) {
		d := mappingData{profileID: id}
		var err error
		if d.users, err = s.u.env.DB.Users(ctx, id); err != nil {
			return d, err
		}
		d.maps, err = s.u.env.DB.Mappings(ctx, id)
		return d, err
	}, func(d mappingData, err error) {
		if done != nil {
			defer done() // also when superseded, so "busy" always clears
		}
		if s.profile == nil || s.profile.ID != d.profileID || seq != s.loadSeq {
			return
		}
		if err != nil {
			s.u.showError("Loading the users failed", err)
			return
		}
		s.users = d.users
		s.setMappings(d.maps)
	})
}

func sortAgents(agents []halo.Agent) {
	keys := make([]string, len(agents))
	for i := range agents {
		keys[i] = strings.ToLower(mapping.AgentDisplayName(agents[i]))
	}
	idx := make([]int, len(agents))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	sorted := make([]halo.Agent, len(agents))
	for i, j := range idx {
		sorted[i] = agents[j]
	}
	copy(agents, sorted)
}

// setData replaces everything the screen shows. agents must be sorted
// (sortAgents) and index built from them.
func (s *mappingScreen) setData(users []storage.User, snap halo.Snapshot, pulledAt time.Time, maps []storage.Mapping, index *mapping.AgentIndex) {
	// A drag started on the old data would drop the wrong agent.
	s.dnd.cancel()
	s.users = users
	s.agents = snap.Agents
	// The agent view holds indexes into the old agents, and the list can
	// redraw (when updateAgentPane swaps the pane) before rebuild filters
	// the new ones.
	s.agentView = s.agentView[:0]
	s.pulledAt = pulledAt
	s.agentSubs = make([]string, len(s.agents))
	for i := range s.agents {
		a := &s.agents[i]
		switch {
		case a.Team != "" && a.Email != "":
			s.agentSubs[i] = a.Team + " · " + a.Email
		case a.Team != "":
			s.agentSubs[i] = a.Team
		default:
			s.agentSubs[i] = a.Email
		}
	}
	if index == nil {
		index = mapping.NewAgentIndex(s.agents)
	}
	s.index = index
	s.agentPos = make(map[int]int, len(s.agents))
	for i, a := range s.agents {
		if _, dup := s.agentPos[a.ID]; !dup {
			s.agentPos[a.ID] = i
		}
	}
	s.updateAgentPane()
	s.setMappings(maps)
}

func (s *mappingScreen) setMappings(maps []storage.Mapping) {
	s.maps = make(map[int64]storage.Mapping, len(maps))
	s.holder = make(map[int]int64, len(maps))
	for _, m := range maps {
		s.maps[m.UserID] = m
		s.holder[m.AgentID] = m.UserID
	}
	// Suggestions for users that got mapped meanwhile, or whose agent was
	// taken, are no longer useful.
	for uid, sg := range s.sugg {
		if _, mapped := s.maps[uid]; mapped {
			delete(s.sugg, uid)
		} else if _, taken := s.holder[sg.AgentID]; taken && sg.AgentID != 0 {
			delete(s.sugg, uid)
		}
	}
	s.rebuild()
}

// realAgents counts the agents that are people: not the API agent.
func (s *mappingScreen) realAgents() int {
	n := 0
	for i := range s.agents {
		if !s.agents[i].IsAPIAgent {
			n++
		}
	}
	return n
}

func (s *mappingScreen) updateAgentPane() {
	var hidden int
	for i := range s.agents {
		if s.agents[i].IsDisabled || s.agents[i].IsAPIAgent {
			hidden++
		}
	}
	when := s.pulledAt.Local().Format("2 Jan 2006 15:04")
	info := "No agents pulled yet."
	switch {
	case s.loading:
		info = "Loading …"
	case !s.pulledAt.IsZero():
		// Short enough for the pane at the default window size.
		info = plural(len(s.agents), "agent", "agents")
		if hidden > 0 {
			info += fmt.Sprintf(" · %d disabled/API", hidden)
		}
		info += " · synced " + shortWhen(s.pulledAt)
	}
	s.agentsInfo.SetText(info)

	pane := s.agentListPane
	// While the data loads the (empty) list shows, not the fix for a
	// sync that brought no agents.
	if s.profile != nil && !s.loading && s.realAgents() == 0 {
		pane = s.emptyAgents
		switch {
		case s.pulledAt.IsZero():
			s.emptyDetail.SetText("No Halo agents have been pulled for this profile yet. Run the systems check " +
				"once the connection is saved: it pulls the agents. If it passes but brings no agents back, " +
				"the API agent cannot see them.")
		case len(s.agents) == 0:
			s.emptyDetail.SetText(fmt.Sprintf("The last sync (%s) returned no agents at all. "+
				"This almost always means the API agent cannot see the other agents.", when))
		default:
			s.emptyDetail.SetText(fmt.Sprintf("The last sync (%s) returned only the API agent. "+
				"This almost always means the API agent cannot see the other agents.", when))
		}
	}
	if s.agentPane.Objects[0] != pane {
		s.agentPane.Objects = []fyne.CanvasObject{pane}
		s.agentPane.Refresh()
	}
}

// shortWhen is a time for a narrow label: the year only when it is not
// this year's.
func shortWhen(t time.Time) string {
	t = t.Local()
	if t.Year() == time.Now().Year() {
		return t.Format("2 Jan 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ---- view ----

var statusKeys = [...]string{"0", "1", "2", "3"}

// rebuild recomputes the rows, badges, stale list and counters from the
// data, then the view.
func (s *mappingScreen) rebuild() {
	if cap(s.rows) < len(s.users) {
		s.rows = make([]userRow, 0, len(s.users))
	}
	s.rows = s.rows[:0]
	s.byUser = make(map[int64]int, len(s.users))
	s.stale = s.stale[:0]
	for i, u := range s.users {
		r := userRow{user: u}
		r.cells[colExt], r.cells[colName], r.cells[colEmail] = u.Extension, u.Name, u.Email
		if m, mapped := s.maps[u.ID]; mapped {
			r.cells[colHow] = string(m.MatchedBy)
			name := m.AgentName
			pos, present := s.agentPos[m.AgentID]
			if present {
				if n := mapping.AgentDisplayName(s.agents[pos]); n != "" {
					name = n
				}
			}
			if name == "" {
				name = fmt.Sprintf("agent %d", m.AgentID)
			}
			switch {
			case !present:
				r.status, name = statusStale, name+" (no longer in Halo)"
			case s.agents[pos].IsDisabled:
				r.status, name = statusStale, name+" (disabled in Halo)"
			default:
				r.status = statusMapped
			}
			r.cells[colAgent] = name
		} else if sg, ok := s.sugg[u.ID]; ok {
			r.status = statusSuggested
			r.cells[colHow] = string(sg.Method)
			r.cells[colAgent] = s.describeSuggestion(sg)
		}
		r.cells[colStatus] = statusText[r.status]
		for c := 0; c < numCols; c++ {
			r.keys[c] = strings.ToLower(r.cells[c])
		}
		r.keys[colStatus] = statusKeys[r.status]
		r.search = r.keys[colExt] + "\x00" + r.keys[colName] + "\x00" + r.keys[colEmail] + "\x00" + r.keys[colAgent]
		s.rows = append(s.rows, r)
		s.byUser[u.ID] = i
		if r.status == statusStale {
			s.stale = append(s.stale, i)
		}
	}

	s.badges = make([]string, len(s.agents))
	for i := range s.agents {
		a := &s.agents[i]
		switch uid, held := s.holder[a.ID]; {
		case held:
			if ri, ok := s.byUser[uid]; ok {
				s.badges[i] = "→ " + shortUser(s.rows[ri].user)
			}
		case a.IsAPIAgent:
			s.badges[i] = "API agent"
		case a.IsDisabled:
			s.badges[i] = "disabled"
		}
	}
	s.updateStale()
	s.changes.update()
	s.updateCounters()
	s.applyView()
	s.filterAgents()
	s.measureNeeds() // after applyView: a new column width redraws the view
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

// twoLineWidth is the narrowest cell (padding included) that shows text
// on at most two lines broken where fitCell breaks it.
func twoLineWidth(text string) float32 {
	if text == "" {
		return 0
	}
	w := func(t string) float32 { return measureText(t, theme.TextSize(), fyne.TextStyle{}).Width }
	best := w(text)
	for i := 1; i < len(text); i++ {
		if a, b, ok := breakAt(text, i); ok {
			best = min(best, max(w(a), w(b)))
		}
	}
	return float32(math.Ceil(float64(best + 2*theme.InnerPadding())))
}

// breakAt splits text into two lines at byte i when a line may break
// there: at a space (dropped), before an "@" (so an email's domain goes on
// the second line), or after a ".", "-" or ",". These are all ASCII, so i
// never falls inside a multi-byte rune.
func breakAt(text string, i int) (first, second string, ok bool) {
	switch text[i] {
	case ' ':
		first, second = text[:i], text[i+1:]
	case '@':
		first, second = text[:i], text[i:]
	case '.', '-', ',':
		first, second = text[:i+1], text[i+1:]
	default:
		return "", "", false
	}
	return first, second, first != "" && second != ""
}

// describeSuggestion is the Halo agent cell of a suggested user: the agent,
// or the candidates to choose from when none stands out.
func (s *mappingScreen) describeSuggestion(sg mapping.Suggestion) string {
	if sg.AgentID != 0 {
		return s.agentName(sg.AgentID) + "?"
	}
	names := make([]string, 0, 3)
	for _, id := range sg.Candidates {
		if len(names) == 3 {
			break
		}
		names = append(names, s.agentName(id))
	}
	text := "choose: " + strings.Join(names, ", ")
	if more := len(sg.Candidates) - len(names); more > 0 {
		text += fmt.Sprintf(" +%d more", more)
	}
	return text
}

func (s *mappingScreen) agentName(id int) string {
	if pos, ok := s.agentPos[id]; ok {
		if n := mapping.AgentDisplayName(s.agents[pos]); n != "" {
			return n
		}
	}
	return fmt.Sprintf("agent %d", id)
}

// shortUser names a user briefly: the extension, else the name or email.
func shortUser(u storage.User) string {
	switch {
	case u.Extension != "":
		return u.Extension
	case u.Name != "":
		return u.Name
	}
	return u.Email
}

// describeUser names a user in messages.
func describeUser(u storage.User) string {
	switch {
	case u.Extension != "" && u.Name != "":
		return "ext. " + u.Extension + " " + u.Name
	case u.Extension != "":
		return "ext. " + u.Extension
	case u.Name != "":
		return u.Name
	}
	return u.Email
}

func (s *mappingScreen) updateStale() {
	if len(s.stale) == 0 {
		s.staleBox.Hide()
		return
	}
	parts := make([]string, 0, 4)
	for _, ri := range s.stale {
		if len(parts) == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(s.stale)-3))
			break
		}
		r := &s.rows[ri]
		parts = append(parts, describeUser(r.user)+" → "+r.cells[colAgent])
	}
	s.staleText.SetText(fmt.Sprintf("%s to review: the Halo agent was removed or disabled since it was mapped "+
		"(%s). Drag another agent onto the user, or unmap it.",
		plural(len(s.stale), "mapping", "mappings"), strings.Join(parts, "; ")))
	s.staleBox.Show()
}

func (s *mappingScreen) updateCounters() {
	mapped, suggested, stale, _ := s.counts()
	text := fmt.Sprintf("Mapped %d / %d", mapped, len(s.rows))
	if stale > 0 {
		text += fmt.Sprintf(" · %d stale", stale)
	}
	if suggested > 0 {
		text += fmt.Sprintf(" · %d suggested", suggested)
	}
	s.counters.SetText(text)
}

// counts returns how many users have each status.
func (s *mappingScreen) counts() (mapped, suggested, stale, unmapped int) {
	for i := range s.rows {
		switch s.rows[i].status {
		case statusMapped:
			mapped++
		case statusSuggested:
			suggested++
		case statusStale:
			stale++
		default:
			unmapped++
		}
	}
	return
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

// filterAgents applies the search box and "Show disabled" to the agents.
func (s *mappingScreen) filterAgents() {
	s.agentView = s.index.Filter(s.agentQuery.Text, s.showDisabled.Checked, s.agentView)
	s.agentList.Refresh()
	s.syncAgentSelection()
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

func (s *mappingScreen) agentViewIndex(agentID int) int {
	pos, ok := s.agentPos[agentID]
	if !ok {
		return -1
	}
	for i, v := range s.agentView {
		if v == pos {
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

func (s *mappingScreen) syncAgentSelection() {
	s.syncing = true
	defer func() { s.syncing = false }()
	i := -1
	if s.selAgent != 0 {
		i = s.agentViewIndex(s.selAgent)
	}
	if i < 0 {
		s.selAgent = 0
		s.agentList.UnselectAll()
		s.updateButtons()
		return
	}
	s.agentList.Select(i)
	s.updateButtons()
}

// selectUser makes the user the selected one. A suggested user with a
// single proposed agent also selects that agent when none is selected, so
// Ctrl+M accepts the suggestion.
func (s *mappingScreen) selectUser(userID int64) {
	s.selUser = userID
	if sg, ok := s.sugg[userID]; ok {
		if sg.AgentID != 0 && s.selAgent == 0 {
			s.selAgent = sg.AgentID
			s.syncAgentSelection()
		}
		msg := "Suggested by " + string(sg.Method) + ": " + s.describeSuggestion(sg)
		if sg.Note != "" {
			msg += " — " + sg.Note
		}
		s.status.SetText(msg)
	}
	s.table.Refresh()
	s.updateButtons()
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (s *mappingScreen) updateButtons() {
	has := s.profile != nil
	ready := has && !s.busy
	_, selMapped := s.maps[s.selUser]
	confident := false
	for _, sg := range s.sugg {
		if sg.Confident && sg.AgentID != 0 {
			confident = true
			break
		}
	}
	enable(s.mapBtn, ready && s.selUser != 0 && s.selAgent != 0)
	enable(s.unmapBtn, ready && s.selUser != 0 && selMapped)
	enable(s.undoBtn, ready && s.history.canUndo())
	enable(s.redoBtn, ready && s.history.canRedo())
	enable(s.suggestBtn, ready && len(s.users) > 0 && s.realAgents() > 0)
	enable(s.acceptBtn, ready && confident)
	enable(s.exportBtn, has && len(s.users) > 0)
	enable(s.importMapBtn, ready && len(s.users) > 0 && len(s.agents) > 0)
	enable(s.importUsersBtn, has)
	enable(s.addUserBtn, has)
	enable(s.editUserBtn, has && s.selUser != 0)
	enable(s.delUserBtn, ready && s.selUser != 0)
}

// ---- mapping changes ----

// onDrop maps the agent agents[agentIdx] to the user shown on table row
// row. Dropping an agent and the keyboard path (Map, Ctrl+M, Enter) both
// end here.
func (s *mappingScreen) onDrop(agentIdx, row int) {
	if agentIdx < 0 || agentIdx >= len(s.agents) || row < 0 || row >= len(s.view) {
		return
	}
	s.assign(s.rows[s.view[row]].user.ID, s.agents[agentIdx].ID)
}

// mapSelected maps the selected agent to the selected user.
func (s *mappingScreen) mapSelected() {
	if s.profile == nil {
		return
	}
	row := s.viewRowOf(s.selUser)
	pos, ok := s.agentPos[s.selAgent]
	if s.selUser == 0 || s.selAgent == 0 || row < 0 || !ok {
		s.status.SetText("Select a 1stream user on the left and a Halo agent on the right, then press Map.")
		return
	}
	s.onDrop(pos, row)
}

// assign maps the agent to the user, replacing the user's mapping. An agent
// mapped to another user moves only after the user agrees.
func (s *mappingScreen) assign(userID int64, agentID int) {
	if s.profile == nil {
		return
	}
	if s.busy {
		s.status.SetText("Still saving the previous change; try again in a moment.")
		return
	}
	pos, ok := s.agentPos[agentID]
	ri, uok := s.byUser[userID]
	if !ok || !uok {
		return
	}
	a := s.agents[pos]
	u := s.rows[ri].user
	name := mapping.AgentDisplayName(a)
	switch {
	case a.IsAPIAgent:
		s.status.SetText(name + " is the API agent the integration signs in as, not a person to map.")
		return
	case a.IsDisabled:
		s.status.SetText(name + " is disabled in Halo. Enable the agent in Halo and sync again, or pick another agent.")
		return
	}
	cur, mapped := s.maps[userID]
	if mapped && cur.AgentID == agentID {
		s.status.SetText(describeUser(u) + " is already mapped to " + name + ".")
		return
	}
	method := mapping.MethodManual
	if sg, ok := s.sugg[userID]; ok && sg.AgentID == agentID {
		method = sg.Method
	}
	m := storage.Mapping{ProfileID: s.profile.ID, UserID: userID, AgentID: agentID, AgentName: name,
		AgentEmail: a.Email, MatchedBy: method, MappedAt: time.Now()}
	step := undoStep{label: "map " + describeUser(u) + " to " + name,
		changes: []mappingChange{{userID: userID, before: mappingPtr(cur, mapped), after: &m}}}

	holderID, held := s.holder[agentID]
	if !held || holderID == userID {
		s.save(step, "Mapped "+describeUser(u)+" to "+name+".", func(ctx context.Context) error {
			return s.u.env.DB.SetMapping(ctx, m)
		})
		return
	}
	prev := s.maps[holderID]
	hi, ok := s.byUser[holderID]
	if !ok {
		return
	}
	other := s.rows[hi].user
	step.label = "move " + name + " from " + describeUser(other) + " to " + describeUser(u)
	step.changes = append(step.changes, mappingChange{userID: holderID, before: &prev})
	s.confirm = dialog.NewConfirm("Move the agent?",
		fmt.Sprintf("%s is already mapped to %s.\n\nMove it to %s? %s will be left unmapped.",
			name, describeUser(other), describeUser(u), describeUser(other)),
		func(ok bool) {
			if !ok {
				return
			}
			if s.busy || s.profile == nil || s.profile.ID != m.ProfileID {
				s.status.SetText("Nothing was moved: the mappings changed meanwhile. Drop the agent again.")
				return
			}
			s.save(step, "Moved "+name+" from "+describeUser(other)+" to "+describeUser(u)+".",
				func(ctx context.Context) error { return s.u.env.DB.MoveMapping(ctx, m) })
		}, s.u.win)
	s.confirm.SetConfirmText("Move")
	s.confirm.Show()
}

func mappingPtr(m storage.Mapping, ok bool) *storage.Mapping {
	if !ok {
		return nil
	}
	return &m
}

// unmapSelected removes the selected user's mapping.
func (s *mappingScreen) unmapSelected() {
	if s.profile == nil {
		return
	}
	if s.busy {
		s.status.SetText("Still saving the previous change; try again in a moment.")
		return
	}
	ri, ok := s.byUser[s.selUser]
	cur, mapped := s.maps[s.selUser]
	if s.selUser == 0 || !ok || !mapped {
		s.status.SetText("Select a mapped 1stream user to unmap.")
		return
	}
	u := s.rows[ri].user
	pid, uid := s.profile.ID, s.selUser
	step := undoStep{label: "unmap " + describeUser(u), changes: []mappingChange{{userID: uid, before: &cur}}}
	s.save(step, "Unmapped "+describeUser(u)+" (was "+cur.AgentName+").", func(ctx context.Context) error {
		return s.u.env.DB.DeleteMapping(ctx, pid, uid)
	})
}

// save runs a mapping change off the UI goroutine, records it for undo and
// reloads the mappings.
func (s *mappingScreen) save(step undoStep, done string, work func(ctx context.Context) error) {
	session := s.session
	s.busy = true
	s.updateButtons()
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, work(ctx)
	}, func(_ struct{}, err error) {
		if session != s.session {
			s.earlierProfile(err)
			return
		}
		if err != nil {
			s.u.showError("Saving the mapping failed", err)
		} else {
			s.history.push(step)
			s.status.SetText(done)
		}
		s.reloadUsers(func() { s.busy = false; s.updateButtons() })
	})
}

// Audit actions the screen records besides storage's own; history.go
// names them.
const (
	actionMappingUndo = "mapping.undo"
	actionMappingRedo = "mapping.redo"
)

// earlierProfile handles the end of a change saved for a profile that is
// no longer shown: its history was dropped with the switch, so only a
// failure is worth telling.
func (s *mappingScreen) earlierProfile(err error) {
	if err != nil {
		s.u.showError("A mapping change of the previously shown profile failed", err)
	}
}

// What the screen says when storage.ApplyMappings finds that the mappings
// a step was computed from changed meanwhile (storage.ErrConflict).
const (
	conflictUndoText  = "The mappings were changed elsewhere (another window or a command); undo history cleared."
	conflictApplyText = "The mappings were changed elsewhere (another window or a command), so nothing was applied. " +
		"The list now shows the current mappings: check them and try again."
)

// tellConflict says that nothing was written because the mappings changed
// elsewhere; the reload that follows every apply shows what they are now.
func (s *mappingScreen) tellConflict(text string) {
	s.status.SetText(text)
	s.conflictDlg = dialog.NewInformation("Mappings changed elsewhere", text, s.u.win)
	s.conflictDlg.Show()
	s.u.escapable(s.conflictDlg.Hide)
}

// apply saves one step's mappings (undo, redo, bulk changes) in one
// transaction that writes only the users in set and unmap: every other
// user's mapping stays as stored, so changes another window or the CLI
// (`halo-assistant map set`) made meanwhile survive. expect is the agent
// (0: none) each touched user must still have — what the step was
// computed from; when another window or command changed one of them,
// nothing is written and done gets an error wrapping storage.ErrConflict.
// Storage writes its own audit event; action and detail, when set, add one
// saying why (undo, redo).
func (s *mappingScreen) apply(set []storage.Mapping, unmap []int64, expect map[int64]int, action, detail string, done func(error)) {
	pid, session := s.profile.ID, s.session
	changes := make([]storage.Mapping, 0, len(set))
	for _, m := range set {
		if _, ok := s.byUser[m.UserID]; ok { // users deleted since are left out
			m.ProfileID = pid
			changes = append(changes, m)
		}
	}
	drop := make([]int64, 0, len(unmap))
	for _, uid := range unmap {
		if _, ok := s.byUser[uid]; ok {
			drop = append(drop, uid)
		}
	}
	want := make(map[int64]int, len(expect))
	for uid, agent := range expect {
		if _, ok := s.byUser[uid]; ok {
			want[uid] = agent
		}
	}
	s.busy = true
	s.updateButtons()
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		if err := s.u.env.DB.ApplyMappings(ctx, pid, changes, drop, want); err != nil {
			return struct{}{}, err
		}
		if action != "" {
			return struct{}{}, s.u.env.DB.AppendAudit(ctx, storage.AuditEvent{ProfileID: pid, Action: action, Detail: detail})
		}
		return struct{}{}, nil
	}, func(_ struct{}, err error) {
		if session != s.session {
			if !errors.Is(err, storage.ErrConflict) {
				s.earlierProfile(err)
			}
			return
		}
		done(err)
		s.reloadUsers(func() { s.busy = false; s.updateButtons() })
	})
}

func (s *mappingScreen) undo() { s.travel(true) }
func (s *mappingScreen) redo() { s.travel(false) }

// travel undoes or redoes the last step.
func (s *mappingScreen) travel(undo bool) {
	if s.profile == nil {
		return
	}
	if s.busy {
		s.status.SetText("Still saving the previous change; try again in a moment.")
		return
	}
	step, ok := s.history.peekRedo()
	verb, done, action := "redo", "Redid", actionMappingRedo
	if undo {
		step, ok = s.history.peekUndo()
		verb, done, action = "undo", "Undid", actionMappingUndo
	}
	if !ok {
		s.status.SetText("Nothing to " + verb + ".")
		return
	}
	set, unmap := step.result(undo)
	// Undo expects every user as the step left it, redo as it found them:
	// a mapping changed elsewhere since is never overwritten.
	s.apply(set, unmap, step.agents(!undo), action, done+": "+step.label, func(err error) {
		switch {
		case errors.Is(err, storage.ErrConflict):
			s.history.clear()
			s.tellConflict(conflictUndoText)
			return
		case err != nil:
			s.u.showError("Could not "+verb, err)
			return
		}
		if undo {
			s.history.undid()
			// "Accept all confident" undone: its suggestions are open
			// again (the reload keeps those still unmapped).
			for _, sg := range step.sugg {
				s.sugg[sg.UserID] = sg
			}
		} else {
			s.history.redid()
		}
		s.status.SetText(done + ": " + step.label + ".")
	})
}

// ---- auto-match ----

func (s *mappingScreen) mappingUsers() []mapping.User {
	out := make([]mapping.User, len(s.users))
	for i, u := range s.users {
		out[i] = mapping.User{ID: u.ID, Extension: u.Extension, Name: u.Name, Email: u.Email}
	}
	return out
}

func (s *mappingScreen) mappingMappings() []mapping.Mapping {
	out := make([]mapping.Mapping, 0, len(s.maps))
	for _, u := range s.users {
		if m, ok := s.maps[u.ID]; ok {
			out = append(out, mapping.Mapping{UserID: m.UserID, AgentID: m.AgentID, AgentName: m.AgentName,
				AgentEmail: m.AgentEmail, MatchedBy: mapping.Method(m.MatchedBy), MappedAt: m.MappedAt})
		}
	}
	return out
}

// suggest proposes agents for the unmapped users (mapping.Suggest).
func (s *mappingScreen) suggest() {
	if s.profile == nil {
		return
	}
	pid := s.profile.ID
	users, agents, existing := s.mappingUsers(), s.agents, s.mappingMappings()
	s.suggestBtn.Disable()
	runAsync(s.u, func(context.Context) ([]mapping.Suggestion, error) {
		return mapping.Suggest(users, agents, existing), nil
	}, func(res []mapping.Suggestion, _ error) {
		if s.profile == nil || s.profile.ID != pid {
			return
		}
		s.sugg = make(map[int64]mapping.Suggestion, len(res))
		confident := 0
		for _, sg := range res {
			s.sugg[sg.UserID] = sg
			if sg.Confident && sg.AgentID != 0 {
				confident++
			}
		}
		s.rebuild()
		switch {
		case len(res) == 0:
			s.status.SetText("No suggestions: every user is mapped, or no agent matches by email, extension or name.")
		default:
			s.status.SetText(fmt.Sprintf("%s: %d confident, which “Accept all confident” applies; %d to review.",
				plural(len(res), "suggestion", "suggestions"), confident, len(res)-confident))
		}
	})
}

// acceptConfident applies the confident suggestions in one step.
func (s *mappingScreen) acceptConfident() {
	if s.profile == nil || s.busy {
		return
	}
	list := make([]mapping.Suggestion, 0, len(s.sugg))
	for _, u := range s.users { // in table order, so the result is repeatable
		if sg, ok := s.sugg[u.ID]; ok {
			list = append(list, sg)
		}
	}
	target := make(map[int64]storage.Mapping, len(s.maps))
	taken := make(map[int]bool, len(s.maps))
	for uid, m := range s.maps {
		target[uid] = m
		taken[m.AgentID] = true
	}
	step := undoStep{}
	now := time.Now()
	for _, sg := range mapping.Confident(list) {
		pos, ok := s.agentPos[sg.AgentID]
		if _, mapped := target[sg.UserID]; mapped || !ok || taken[sg.AgentID] {
			continue
		}
		a := s.agents[pos]
		if a.IsDisabled || a.IsAPIAgent {
			continue
		}
		m := storage.Mapping{ProfileID: s.profile.ID, UserID: sg.UserID, AgentID: a.ID, AgentName: mapping.AgentDisplayName(a),
			AgentEmail: a.Email, MatchedBy: sg.Method, MappedAt: now}
		target[sg.UserID] = m
		taken[a.ID] = true
		step.changes = append(step.changes, mappingChange{userID: sg.UserID, after: &m})
		step.sugg = append(step.sugg, sg)
	}
	if len(step.changes) == 0 {
		s.status.SetText("No confident suggestions to accept.")
		return
	}
	step.label = "accept " + plural(len(step.changes), "confident suggestion", "confident suggestions")
	set, _ := step.result(false)
	// Computed from the mappings on screen: every user it maps must still
	// be unmapped, and every agent free.
	s.apply(set, nil, step.agents(true), "", "", func(err error) {
		switch {
		case errors.Is(err, storage.ErrConflict):
			s.tellConflict(conflictApplyText)
			return
		case err != nil:
			s.u.showError("Accepting the suggestions failed", err)
			return
		}
		s.history.push(step)
		left := len(s.sugg) - len(step.changes)
		s.status.SetText(fmt.Sprintf("Accepted %s; %d left to review.",
			plural(len(step.changes), "confident suggestion", "confident suggestions"), left))
	})
}

// mapShortcut is Ctrl+M (Cmd+M on macOS).
var mapShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyM, Modifier: fyne.KeyModifierShortcutDefault}

// ---- CSV out and back in ----

// exportDialog asks how and where to write the mappings file.
type exportDialog struct {
	*saveDialog
	bom, unmapped *widget.Check
}

func (s *mappingScreen) showExport() {
	if s.profile == nil {
		return
	}
	e := &exportDialog{}
	e.bom = widget.NewCheck("Excel-friendly (adds a byte order mark so Excel reads accents correctly)", nil)
	e.bom.SetChecked(true)
	e.unmapped = widget.NewCheck("Include unmapped users (with the agent columns empty)", nil)
	mapped, _, stale, _ := s.counts()
	intro := fmt.Sprintf("Writes a CSV with one row per user: extension, 1stream name and email, Halo agent ID, "+
		"name and email, how it was matched and when. %s mapped (%d of them stale).",
		plural(mapped+stale, "user is", "users are"), stale)
	e.saveDialog = s.u.showSaveDialog("Export mappings for upload", intro, "Export", fileSafe(s.profile.Name)+"-halo-mappings.csv",
		".csv", []fyne.CanvasObject{e.bom, e.unmapped}, func(path string, done func(error)) {
			s.exportTo(path, mapping.ExportOptions{BOM: e.bom.Checked, IncludeUnmapped: e.unmapped.Checked}, done)
		})
	s.exportDlg = e
}

// fileSafe makes a profile name usable as a file name.
func fileSafe(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ' {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		return "profile"
	}
	return name
}

// exportTo writes the mappings file off the UI goroutine. mapping.WriteCSVFile
// replaces path only once the new file is complete. done, when set, hears
// how it went (the save dialog shows a failure); else a failure shows in a
// dialog of its own.
func (s *mappingScreen) exportTo(path string, opt mapping.ExportOptions, done func(error)) {
	if s.profile == nil {
		if done != nil {
			done(errors.New("no profile is selected"))
		}
		return
	}
	users, maps := s.mappingUsers(), s.mappingMappings()
	type result struct{ auditErr error }
	runAsync(s.u, func(ctx context.Context) (result, error) {
		if err := mapping.WriteCSVFile(path, users, maps, opt); err != nil {
			return result{}, err
		}
		return result{s.changes.recordExport(ctx, path, users, maps, opt)}, nil
	}, func(r result, err error) {
		if done != nil {
			done(err)
		}
		if err != nil {
			if done == nil {
				s.u.showError("Exporting the mappings failed (an existing file of that name is unchanged)", err)
			}
			return
		}
		msg := fmt.Sprintf("Exported %s to %s.", plural(len(maps), "mapping", "mappings"), path)
		if r.auditErr != nil {
			s.u.env.Log.Error("remembering the export failed", "err", r.auditErr)
			msg += " " + r.auditErr.Error()
		}
		s.status.SetText(msg)
		s.changes.loadBaseline()
	})
}

// mappingImportDialog shows what a mappings file will change, and the rows
// that cannot be used (agent gone, user not found, …), before applying it.
type mappingImportDialog struct {
	d        *dialog.ConfirmDialog
	summary  *widget.Label
	problems []mapping.Rejected
	step     undoStep
}

// importCounts compares the users' mappings before an import with the
// result: new (had none), changed (another agent), unmapped (their agent
// went to another user in the file).
func importCounts(before map[int64]storage.Mapping, set []storage.Mapping, unmap []int64) (added, changed, unmapped int) {
	for _, m := range set {
		switch prev, had := before[m.UserID]; {
		case !had:
			added++
		case prev.AgentID != m.AgentID:
			changed++
		}
	}
	for _, uid := range unmap {
		if _, had := before[uid]; had {
			unmapped++
		}
	}
	return added, changed, unmapped
}

func (s *mappingScreen) showImportMappings() {
	if s.profile == nil {
		return
	}
	fd := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			s.u.showError("The file could not be opened", err)
			return
		}
		if rc == nil {
			return
		}
		s.importMappingsFrom(rc.URI().Name(), rc)
	}, s.u.win)
	fd.SetFilter(fynestorage.NewExtensionFileFilter([]string{".csv", ".tsv", ".txt"}))
	fd.Resize(fyne.NewSize(800, 560))
	fd.Show()
}

// importMappingsFrom reads a mappings file (mapping.ReadMappingsCSV),
// resolves it against the current users and agents and asks before
// applying it. It closes rc.
func (s *mappingScreen) importMappingsFrom(name string, rc io.ReadCloser) {
	if s.profile == nil {
		rc.Close()
		return
	}
	pid := s.profile.ID
	users, agents := s.mappingUsers(), s.agents
	type result struct {
		ok       []mapping.Mapping
		problems []mapping.Rejected
	}
	runAsync(s.u, func(context.Context) (result, error) {
		defer rc.Close()
		recs, bad, err := mapping.ReadMappingsCSV(rc)
		if err != nil {
			return result{}, err
		}
		ok, problems := mapping.ResolveMappings(recs, users, agents)
		all := append(bad, problems...)
		sort.SliceStable(all, func(i, j int) bool { return all[i].Line < all[j].Line })
		return result{ok, all}, nil
	}, func(r result, err error) {
		if s.profile == nil || s.profile.ID != pid {
			return
		}
		if err != nil {
			s.u.showError("Cannot import "+name, err)
			return
		}
		s.confirmMappingImport(name, r.ok, r.problems)
	})
}

func (s *mappingScreen) confirmMappingImport(name string, ok []mapping.Mapping, problems []mapping.Rejected) {
	md := &mappingImportDialog{problems: problems}
	// The file is applied row by row to a working copy, so every change
	// records the state it replaced and undo can walk them back.
	work := make(map[int64]storage.Mapping, len(s.maps))
	for uid, m := range s.maps {
		work[uid] = m
	}
	holder := make(map[int]int64, len(s.holder))
	for a, u := range s.holder {
		holder[a] = u
	}
	same := 0
	for _, m := range ok {
		if prev, had := s.maps[m.UserID]; had && prev.AgentID == m.AgentID {
			same++
		}
		cur, had := work[m.UserID]
		if had && cur.AgentID == m.AgentID {
			continue
		}
		// The file wins: an agent it gives to this user leaves its current one.
		if other, held := holder[m.AgentID]; held && other != m.UserID {
			prev := work[other]
			delete(work, other)
			md.step.changes = append(md.step.changes, mappingChange{userID: other, before: &prev})
		}
		if had {
			delete(holder, cur.AgentID)
		}
		nm := storage.Mapping{ProfileID: s.profile.ID, UserID: m.UserID, AgentID: m.AgentID, AgentName: m.AgentName,
			AgentEmail: m.AgentEmail, MatchedBy: m.MatchedBy, MappedAt: m.MappedAt}
		if nm.MappedAt.IsZero() {
			nm.MappedAt = time.Now()
		}
		work[m.UserID] = nm
		holder[m.AgentID] = m.UserID
		md.step.changes = append(md.step.changes, mappingChange{userID: m.UserID, before: mappingPtr(cur, had), after: &nm})
	}
	md.step.label = "import mappings from " + name
	set, unmap := md.step.result(false)
	// Counted against the mappings before the import: a user whose agent
	// an earlier row took and a later row replaced was changed, not new.
	added, changed, unmapped := importCounts(s.maps, set, unmap)

	text := fmt.Sprintf("%s: %d new, %d changed, %d already as in the file.", name, added, changed, same)
	if unmapped > 0 {
		text += fmt.Sprintf(" %s left unmapped: the file gives their agent to another user.",
			plural(unmapped, "user is", "users are"))
	}
	if len(problems) > 0 {
		text += fmt.Sprintf(" %s cannot be used (listed below).", plural(len(problems), "row", "rows"))
	}
	md.summary = wrapped(text)
	list := previewTable([]string{"Line", "Problem", "Row"}, []float32{60, 320, 300},
		func() int { return len(md.problems) },
		func(row, col int) string {
			p := md.problems[row]
			switch col {
			case 0:
				return strconv.Itoa(p.Line)
			case 1:
				return p.Reason
			}
			return p.Raw
		})
	var content fyne.CanvasObject = md.summary
	if len(problems) > 0 {
		content = container.NewBorder(md.summary, nil, nil, nil, list)
	}
	session := s.session
	md.d = dialog.NewCustomConfirm("Import mappings", "Apply", "Cancel", content, func(yes bool) {
		if !yes || len(md.step.changes) == 0 || session != s.session || s.profile == nil {
			return
		}
		if s.busy {
			s.status.SetText("Still saving the previous change; import the file again in a moment.")
			return
		}
		// The plan was made from the mappings on screen: every user it
		// touches must still have the agent it had then.
		s.apply(set, unmap, md.step.agents(true), "", "", func(err error) {
			switch {
			case errors.Is(err, storage.ErrConflict):
				s.tellConflict(conflictApplyText)
				return
			case err != nil:
				s.u.showError("Importing the mappings failed", err)
				return
			}
			s.history.push(md.step)
			msg := fmt.Sprintf("Imported mappings from %s: %d new, %d changed", name, added, changed)
			if unmapped > 0 {
				msg += fmt.Sprintf(", %d unmapped", unmapped)
			}
			s.status.SetText(msg + fmt.Sprintf("; %s skipped.", plural(len(problems), "row", "rows")))
		})
	}, s.u.win)
	if len(problems) > 0 {
		md.d.Resize(fyne.NewSize(760, 480))
	}
	md.d.Show()
	s.mapImportDlg = md
}

// redoShortcut is Ctrl+Shift+Z (Ctrl+Y arrives as fyne.ShortcutRedo).
var redoShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// mappingShown reports whether the mapping screen is the one on display.
func (u *UI) mappingShown() bool {
	return u.mapping != nil && u.active >= 0 && u.active < len(u.screens) && u.screens[u.active] == screen(u.mapping)
}
