package gui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// mappingScreen maps the profile's 1stream users (left, a table) to the
// Halo agents of the last sync (right, a draggable list). The model
// (mappingModel) holds the data and the selection both sides share and
// does the work; the screen lays out the widgets, which are types of their
// own, turns their events into the model's methods and redraws when the
// model says so.
type mappingScreen struct {
	u *UI
	profileView
	model *mappingModel

	// Widgets, exposed to tests.
	root         fyne.CanvasObject // the profile view under the drag ghost
	table        *usersTable
	agentList    *agentsList
	dnd          *dragManager
	userSearch   *shortcutEntry
	statusFilter *widget.Select
	counters     *widget.Label
	status       *widget.Label
	stale        *staleBanner
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
	s := &mappingScreen{u: u}
	s.model = newMappingModel(mappingDeps{db: u.env.DB, run: uiRunner(u), log: u.env.Log}, s.events())
	s.build()
	return s
}

// uiRunner is runAsync as a model's runner.
func uiRunner(u *UI) runner {
	return func(work func(context.Context) error, done func(error)) {
		runAsync(u, func(ctx context.Context) (struct{}, error) { return struct{}{}, work(ctx) },
			func(_ struct{}, err error) { done(err) })
	}
}

// events are the screen's answers to the model.
func (s *mappingScreen) events() mappingEvents {
	return mappingEvents{
		changed:  s.refresh,
		state:    s.refreshState,
		replaced: func() { s.dnd.cancel() },
		status:   func(text string) { s.status.SetText(text) },
		fail:     func(prefix string, err error) { s.u.showError(prefix, err) },
		conflict: s.tellConflict,
	}
}

func (s *mappingScreen) title() string       { return "Mapping" }
func (s *mappingScreen) icon() fyne.Resource { return theme.GridIcon() }

func (s *mappingScreen) content() fyne.CanvasObject { return s.root }

func (s *mappingScreen) profileChanged(p *storage.Profile) {
	if p != nil && s.showing(p.ID) {
		s.profile = p
	} else {
		s.setProfile(p)
	}
	s.model.setProfile(p)
}

// checkFinished reloads the agents after a systems check or sync of the
// current profile stored a new snapshot.
func (s *mappingScreen) checkFinished(profileID int64) { s.model.checkFinished(profileID) }

func (s *mappingScreen) build() {
	m := s.model
	s.table = newUsersTable(&usersTableDeps{mappingModel: m, measure: fyne.MeasureText,
		unmap: m.unmapSelected, sortBy: func(col int) { m.sortUsersBy(col); s.showUsers() }})
	s.dnd = newDragManager(s.table.target)
	s.dnd.label = func(item int) string {
		if item < 0 || item >= len(m.agents) {
			return ""
		}
		return "Map to " + mapping.AgentDisplayName(m.agents[item])
	}
	s.dnd.hover = s.table.setHover
	s.dnd.drop = func(item, row int) { s.confirmMove(m.mapAt(item, row)) }
	s.agentList = newAgentsList(&agentsListDeps{mappingModel: m, dnd: s.dnd, bindings: s.bindings,
		mapSelected: s.mapSelected, runCheck: s.u.runSystemsCheck})

	s.counters = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.buildButtons()
	s.userSearch = newShortcutEntry(s.bindings)
	s.userSearch.SetPlaceHolder("Search users")
	s.userSearch.OnChanged = func(string) { s.applyView() }
	s.statusFilter = widget.NewSelect([]string{filterAll, filterUnmapped, filterSuggested, filterStale, filterMapped},
		func(string) { s.applyView() })
	s.statusFilter.Selected = filterAll
	s.stale = newStaleBanner(func() { s.statusFilter.SetSelected(filterStale) })
	s.changes = newChangesPanel(s.u, m)

	left := container.NewBorder(container.NewBorder(nil, nil, nil, s.statusFilter, s.userSearch), nil, nil, nil, s.table)
	split := container.NewHSplit(left, s.agentList.pane)
	// The users table's columns fit at the default window size; the agent
	// list lays its rows out on two lines to fit the rest.
	split.Offset = 0.66
	bottom := container.NewBorder(nil, nil, container.NewHBox(s.mapBtn, s.unmapBtn), nil, s.status)
	s.initProfileView(s.u, "The mappings are kept per profile.", container.NewBorder(s.top(), bottom, nil, nil, split))
	// The ghost layer goes over the whole screen so the ghost can follow the
	// pointer from the agent list to the users table.
	s.root = container.NewStack(s.stack, s.dnd.layer)
	s.refresh()
}

func (s *mappingScreen) buildButtons() {
	m := s.model
	s.importUsersBtn = widget.NewButtonWithIcon("Import users…", theme.UploadIcon(), s.showImportUsers)
	s.addUserBtn = widget.NewButtonWithIcon("Add user…", theme.ContentAddIcon(), s.showAddUser)
	s.editUserBtn = widget.NewButtonWithIcon("Edit user…", theme.DocumentCreateIcon(), s.showEditUser)
	s.delUserBtn = widget.NewButtonWithIcon("Delete user…", theme.DeleteIcon(), s.deleteSelectedUser)
	s.suggestBtn = widget.NewButtonWithIcon("Suggest matches", theme.SearchIcon(), s.suggest)
	s.acceptBtn = widget.NewButtonWithIcon("Accept all confident", theme.ConfirmIcon(), m.acceptConfident)
	s.undoBtn = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), m.undo)
	s.redoBtn = widget.NewButtonWithIcon("Redo", theme.ContentRedoIcon(), m.redo)
	s.exportBtn = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), s.showExport)
	s.importMapBtn = widget.NewButtonWithIcon("Import mappings…", theme.FolderOpenIcon(), s.showImportMappings)
	s.mapBtn = widget.NewButtonWithIcon("Map selected (Ctrl+M)", theme.NavigateBackIcon(), s.mapSelected)
	s.mapBtn.Importance = widget.HighImportance
	s.unmapBtn = widget.NewButtonWithIcon("Unmap (Delete)", theme.ContentClearIcon(), m.unmapSelected)
}

// top is the heading, the help line, the two tool rows, the stale banner
// and the changes panel.
func (s *mappingScreen) top() fyne.CanvasObject {
	tools := container.NewHBox(s.importUsersBtn, s.addUserBtn, s.editUserBtn, s.delUserBtn,
		widget.NewSeparator(), s.exportBtn, s.importMapBtn)
	tools2 := container.NewHBox(s.suggestBtn, s.acceptBtn, widget.NewSeparator(), s.undoBtn, s.redoBtn,
		widget.NewSeparator(), s.changes.toggle, s.changes.recordBtn)
	return container.NewVBox(
		container.NewBorder(nil, nil, heading("Map 1stream users to Halo agents"), nil, s.counters),
		wrapped("Drag a Halo agent from the right onto a 1stream user, or select both and press Map (Ctrl+M). "+
			"Delete unmaps the selected user; Ctrl+Z undoes, Ctrl+Shift+Z redoes."),
		tools, tools2, s.stale.box, s.changes.box)
}

// refresh redraws everything after the model changed.
func (s *mappingScreen) refresh() {
	s.stale.show(s.model.staleText())
	s.changes.update()
	s.counters.SetText(s.model.countersText())
	s.showUsers()
	s.agentList.showView()
	s.table.measureNeeds() // after showUsers: a new column width redraws the view
}

// refreshState follows the selection, the busy flag and the undo history.
func (s *mappingScreen) refreshState() {
	s.table.Refresh() // the selected row's colour
	s.table.syncSelection()
	s.agentList.syncSelection()
	s.updateButtons()
}

// applyView takes the status filter and the search from their widgets.
func (s *mappingScreen) applyView() {
	s.model.setUserFilter(s.statusFilter.Selected, s.userSearch.Text)
	s.showUsers()
}

// showUsers redraws the users table after its view changed.
func (s *mappingScreen) showUsers() {
	s.table.showView()
	s.dnd.viewChanged()
	s.table.syncSelection()
	s.updateButtons()
}

func (s *mappingScreen) updateButtons() {
	m := s.model
	has := m.profile != nil
	ready := has && !m.busy
	_, selMapped := m.maps[m.sel.user]
	enable(s.mapBtn, ready && m.sel.user != 0 && m.sel.agent != 0)
	enable(s.unmapBtn, ready && m.sel.user != 0 && selMapped)
	enable(s.undoBtn, ready && m.history.canUndo())
	enable(s.redoBtn, ready && m.history.canRedo())
	enable(s.suggestBtn, ready && len(m.users) > 0 && m.realAgents() > 0)
	enable(s.acceptBtn, ready && m.hasConfident())
	enable(s.exportBtn, has && len(m.users) > 0)
	enable(s.importMapBtn, ready && len(m.users) > 0 && len(m.agents) > 0)
	enable(s.importUsersBtn, has)
	enable(s.addUserBtn, has)
	enable(s.editUserBtn, has && m.sel.user != 0)
	enable(s.delUserBtn, ready && m.sel.user != 0)
}

// assign maps the agent to the user, asking first when that moves the
// agent from another user.
func (s *mappingScreen) assign(userID int64, agentID int) {
	s.confirmMove(s.model.assign(userID, agentID))
}

// mapSelected maps the selected agent to the selected user.
func (s *mappingScreen) mapSelected() { s.confirmMove(s.model.mapSelected()) }

// confirmMove asks before an agent mapped to another user moves (nil: no
// question).
func (s *mappingScreen) confirmMove(mv *agentMove) {
	if mv == nil {
		return
	}
	s.confirm = dialog.NewConfirm("Move the agent?", mv.question, func(ok bool) {
		if ok {
			s.model.move(mv)
		}
	}, s.u.win)
	s.confirm.SetConfirmText("Move")
	s.confirm.Show()
}

// tellConflict says that nothing was written because the mappings changed
// elsewhere; the reload that follows every apply shows what they are now.
func (s *mappingScreen) tellConflict(text string) {
	s.status.SetText(text)
	s.conflictDlg = dialog.NewInformation("Mappings changed elsewhere", text, s.u.win)
	s.conflictDlg.Show()
	s.u.escapable(s.conflictDlg.Hide)
}

// suggest proposes agents for the unmapped users; the button comes back
// with the result.
func (s *mappingScreen) suggest() {
	s.suggestBtn.Disable()
	s.model.suggest()
}

// staleBanner lists the stale mappings, with Review to filter them.
type staleBanner struct {
	box  *fyne.Container
	text *widget.Label
}

func newStaleBanner(review func()) *staleBanner {
	b := &staleBanner{text: wrapped("")}
	b.box = container.NewStack(canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 0x40)),
		container.NewBorder(nil, nil, container.NewCenter(widget.NewIcon(theme.WarningIcon())),
			container.NewCenter(widget.NewButton("Review", review)), b.text))
	b.box.Hide()
	return b
}

// show shows text, or hides the banner when text is empty.
func (b *staleBanner) show(text string) {
	if text == "" {
		b.box.Hide()
		return
	}
	b.text.SetText(text)
	b.box.Show()
}

// bindings: Ctrl+M maps the selected user and agent, Ctrl+Z undoes,
// Ctrl+Shift+Z (and Ctrl+Y) redoes, Delete unmaps the selected user (the
// table and the agent list handle it themselves while they have focus).
func (s *mappingScreen) bindings() []binding {
	return []binding{
		{shortcut: mapShortcut, run: s.mapSelected},
		{shortcut: &fyne.ShortcutUndo{}, run: s.model.undo},
		{shortcut: &fyne.ShortcutRedo{}, run: s.model.redo},
		{shortcut: redoShortcut, run: s.model.redo},
		{key: fyne.KeyDelete, run: s.model.unmapSelected},
	}
}

// mapShortcut is Ctrl+M (Cmd+M on macOS).
var mapShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyM, Modifier: fyne.KeyModifierShortcutDefault}

// redoShortcut is Ctrl+Shift+Z (Ctrl+Y arrives as fyne.ShortcutRedo).
var redoShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyZ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
