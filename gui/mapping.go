package gui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
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

// mappingScreen maps the profile's 1stream users (left, a table) to the
// Halo agents of the last sync (right, a draggable list). It holds the
// data and the selection both sides share; the table, the agent list, the
// buttons and the dialogs are types of their own.
type mappingScreen struct {
	u *UI
	profileView

	// Data of the current profile. agents are sorted by name; the agent
	// index and the views hold indexes into agents and rows.
	users     []mapping.User
	agents    []halo.Agent
	pulledAt  time.Time
	agentPos  map[int]int // agent ID → index in agents
	index     *mapping.AgentIndex
	maps      map[int64]mapping.Mapping // by user ID
	holder    map[int]int64             // agent ID → user ID
	sugg      map[int64]mapping.Suggestion
	rows      []userRow
	byUser    map[int64]int // user ID → index in rows
	badges    []string      // per agent: the user it is mapped to, or why it cannot be
	agentSubs []string      // per agent: "team · email", the row's second line
	stale     []int         // rows whose mapping is stale

	selUser  int64 // 0: none
	selAgent int   // agent ID, 0: none
	syncing  bool  // selection changed by code, not by the user
	busy     bool  // a change is being saved
	loading  bool  // the profile's data is being read
	fullSeq  int   // full loads (agents too); loadSeq counts every load

	history undoStack
	// session changes whenever another profile is shown: a change saved
	// for an earlier one must not touch this one's history.
	session int

	// onRunCheck re-runs the systems check (the "Not seeing Halo users?"
	// state); it defaults to the check dialog.
	onRunCheck func()
	// measure is fyne.MeasureText; a test replaces it on its screen to
	// count the calls.
	measure func(text string, size float32, style fyne.TextStyle) fyne.Size

	// Widgets, exposed to tests.
	root         fyne.CanvasObject // the profile view under the drag ghost
	table        *usersTable
	agentList    *agentsList
	dnd          *dragManager
	userSearch   *shortcutEntry
	statusFilter *widget.Select
	counters     *widget.Label
	status       *widget.Label
	staleBox     *fyne.Container
	staleText    *widget.Label
	changes      *changesPanel // changes since the last export, and the record
	mappingButtons
	mappingDialogs
}

// mappingButtons are the screen's buttons; updateButtons enables them.
type mappingButtons struct {
	mapBtn, unmapBtn, undoBtn, redoBtn             *widget.Button
	suggestBtn, acceptBtn, exportBtn, importMapBtn *widget.Button
	importUsersBtn, addUserBtn, editUserBtn        *widget.Button
	delUserBtn                                     *widget.Button
}

// mappingDialogs are the dialogs the screen showed last, kept for tests.
type mappingDialogs struct {
	conflictDlg  dialog.Dialog
	confirm      *dialog.ConfirmDialog
	importDlg    *usersImportDialog
	userDlg      *userDialog
	exportDlg    *exportDialog
	mapImportDlg *mappingImportDialog
}

func newMappingScreen(u *UI) *mappingScreen {
	s := &mappingScreen{u: u, measure: fyne.MeasureText,
		maps: map[int64]mapping.Mapping{}, holder: map[int]int64{}, sugg: map[int64]mapping.Suggestion{},
		agentPos: map[int]int{}, byUser: map[int64]int{}, index: mapping.NewAgentIndex(nil)}
	s.onRunCheck = u.runSystemsCheck
	s.build()
	return s
}

func (s *mappingScreen) title() string       { return "Mapping" }
func (s *mappingScreen) icon() fyne.Resource { return theme.GridIcon() }

func (s *mappingScreen) content() fyne.CanvasObject { return s.root }

func (s *mappingScreen) profileChanged(p *storage.Profile) {
	if p != nil && s.profile != nil && p.ID == s.profile.ID {
		s.profile = p
		return
	}
	s.setProfile(p)
	s.session++
	s.history.clear()
	s.busy = false
	s.selUser, s.selAgent = 0, 0
	s.sugg = map[int64]mapping.Suggestion{}
	s.loading = p != nil
	s.setData(nil, halo.Snapshot{}, time.Time{}, nil, nil)
	if p != nil {
		s.reload()
	}
}

// checkFinished reloads the agents after a systems check or sync of the
// current profile stored a new snapshot.
func (s *mappingScreen) checkFinished(profileID int64) {
	if s.profile != nil && s.profile.ID == profileID {
		s.reload()
	}
}

func (s *mappingScreen) build() {
	s.table = newUsersTable(s)
	s.dnd = newDragManager(s.table.target)
	s.dnd.label = func(item int) string {
		if item < 0 || item >= len(s.agents) {
			return ""
		}
		return "Map to " + mapping.AgentDisplayName(s.agents[item])
	}
	s.dnd.hover = func(row int) {
		s.table.hoverRow = row
		s.table.Refresh()
	}
	s.dnd.drop = s.onDrop
	s.agentList = newAgentsList(s)

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
	split := container.NewHSplit(left, s.agentList.pane)
	// The users table's columns fit at the default window size; the agent
	// list lays its rows out on two lines to fit the rest.
	split.Offset = 0.66
	bottom := container.NewBorder(nil, nil, container.NewHBox(s.mapBtn, s.unmapBtn), nil, s.status)
	s.initProfileView(s.u, "The mappings are kept per profile.", container.NewBorder(top, bottom, nil, nil, split))
	// The ghost layer goes over the whole screen so the ghost can follow the
	// pointer from the agent list to the users table.
	s.root = container.NewStack(s.stack, s.dnd.layer)
	s.updateButtons()
}

// bindings: Ctrl+M maps the selected user and agent, Ctrl+Z undoes,
// Ctrl+Shift+Z (and Ctrl+Y) redoes, Delete unmaps the selected user (the
// table and the agent list handle it themselves while they have focus).
func (s *mappingScreen) bindings() []binding {
	return []binding{
		{shortcut: mapShortcut, run: s.mapSelected},
		{shortcut: &fyne.ShortcutUndo{}, run: s.undo},
		{shortcut: &fyne.ShortcutRedo{}, run: s.redo},
		{shortcut: redoShortcut, run: s.redo},
		{key: fyne.KeyDelete, run: s.unmapSelected},
	}
}

// mapShortcut is Ctrl+M (Cmd+M on macOS).
var mapShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyM, Modifier: fyne.KeyModifierShortcutDefault}

// redoShortcut is Ctrl+Shift+Z (Ctrl+Y arrives as fyne.ShortcutRedo).
var redoShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
