package gui

import (
	"context"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// The Mapping screen's model on its own: a real SQLite file, work run
// inline, no window.

// The model's files import no Fyne, so these tests need no window.
func TestMappingModelHasNoFyne(t *testing.T) {
	files, err := filepath.Glob("mapping_model*.go")
	if err != nil || len(files) < 4 {
		t.Fatalf("model files %v, %v", files, err)
	}
	files = append(files, "undo.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range ast.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); strings.HasPrefix(p, "fyne.io/") {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}

// modelEnv is a model over a profile with users and a snapshot, and what
// it told its screen.
type modelEnv struct {
	m  *mappingModel
	db *storage.DB
	p  storage.Profile
	// What the model said: the last status, failures and conflicts, and
	// how often it asked for a redraw or dropped a drag.
	status            string
	fails, conflicts  []string
	changed, replaced int
	held              *[]func() // when set, work waits here (hold)
}

func newModelEnv(t *testing.T, users []mapping.User, snap *halo.Snapshot) *modelEnv {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := db.CreateProfile(ctx, storage.Profile{Name: "Contoso MSP"})
	if err != nil {
		t.Fatal(err)
	}
	if snap != nil {
		if err := db.ReplaceSnapshot(ctx, p.ID, *snap, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if len(users) > 0 {
		if _, _, err := db.UpsertUsers(ctx, p.ID, users); err != nil {
			t.Fatal(err)
		}
	}
	e := &modelEnv{db: db, p: p}
	run := func(work func(context.Context) error, done func(error)) {
		step := func() { done(work(ctx)) }
		if e.held != nil {
			*e.held = append(*e.held, step)
			return
		}
		step()
	}
	e.m = newMappingModel(mappingDeps{db: db, run: run, log: applog.Discard()}, mappingEvents{
		changed:  func() { e.changed++ },
		state:    func() {},
		replaced: func() { e.replaced++ },
		status:   func(text string) { e.status = text },
		fail:     func(prefix string, err error) { e.fails = append(e.fails, prefix+": "+err.Error()) },
		conflict: func(text string) { e.conflicts = append(e.conflicts, text) },
	})
	e.m.setProfile(&e.p)
	t.Cleanup(func() {
		if len(e.fails) > 0 {
			t.Errorf("the model reported failures: %q", e.fails)
		}
	})
	return e
}

// hold queues the work f starts; release runs it.
func (e *modelEnv) hold(f func()) (release func()) {
	var q []func()
	e.held = &q
	f()
	e.held = nil
	return func() {
		for _, step := range q {
			step()
		}
	}
}

func (e *modelEnv) userID(t *testing.T, ext string) int64 {
	t.Helper()
	for _, u := range e.m.users {
		if u.Extension == ext {
			return u.ID
		}
	}
	t.Fatalf("no user with extension %s", ext)
	return 0
}

func (e *modelEnv) stored(t *testing.T) map[int64]int {
	t.Helper()
	ms, err := e.db.Mappings(context.Background(), e.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for _, m := range ms {
		out[m.UserID] = m.AgentID
	}
	return out
}

func (e *modelEnv) mapElsewhere(t *testing.T, userID int64, agentID int) {
	t.Helper()
	if err := e.db.SetMapping(context.Background(), mapping.Mapping{ProfileID: e.p.ID, UserID: userID, AgentID: agentID,
		MatchedBy: mapping.MethodManual, MappedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

func TestMappingModelLoadsAndMaps(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newModelEnv(t, usersList(3), &snap)
	m := e.m
	if m.loading || len(m.users) != 3 || len(m.agents) != 5 || len(m.agentView.order) != 3 || e.replaced == 0 {
		t.Fatalf("loaded %d users, %d agents (%d listed), loading %v", len(m.users), len(m.agents), len(m.agentView.order), m.loading)
	}
	u1, u2 := e.userID(t, "101"), e.userID(t, "102")

	if mv := m.assign(u1, 1); mv != nil || e.status != "Mapped Ext. 101 User 001 to Agent 001." {
		t.Fatalf("assign: move %v, status %q", mv, e.status)
	}
	if got := e.stored(t); got[u1] != 1 || m.busy || !m.history.canUndo() {
		t.Fatalf("stored %v, busy %v", got, m.busy)
	}
	if m.badges[m.agentPos[1]] != "→ 101" || m.rows[m.byUser[u1]].cells[colAgent] != "Agent 001" {
		t.Fatalf("badge %q, row %q", m.badges[m.agentPos[1]], m.rows[m.byUser[u1]].cells[colAgent])
	}
	// The API agent and a disabled one are refused with a reason.
	m.assign(u2, 900000)
	if !strings.Contains(e.status, "API agent") {
		t.Fatalf("status %q", e.status)
	}
	// An agent mapped to another user moves only once confirmed.
	mv := m.assign(u2, 1)
	if mv == nil || !strings.Contains(mv.question, "Agent 001 is already mapped to Ext. 101 User 001") {
		t.Fatalf("move %+v", mv)
	}
	if got := e.stored(t); got[u2] != 0 {
		t.Fatal("a move was saved before it was confirmed")
	}
	m.move(mv)
	if got := e.stored(t); got[u2] != 1 || got[u1] != 0 || e.status != mv.done {
		t.Fatalf("after the move: %v, status %q", got, e.status)
	}
	// Undo puts the agent back on the first user, redo moves it again.
	m.undo()
	if got := e.stored(t); got[u1] != 1 || got[u2] != 0 {
		t.Fatalf("undo: %v", got)
	}
	m.redo()
	if got := e.stored(t); got[u2] != 1 || got[u1] != 0 {
		t.Fatalf("redo: %v", got)
	}
	m.selectUser(u2)
	m.unmapSelected()
	if got := e.stored(t); len(got) != 0 || !strings.HasPrefix(e.status, "Unmapped Ext. 102") {
		t.Fatalf("unmap: %v, %q", got, e.status)
	}
}

// The counts are the shared rule's (mapping.CountStatus, what `status`
// prints), the rows' statuses mapping.UserStatus's, and a suggestion only
// adds "suggested" to an unmapped user.
func TestMappingModelCountsAreTheSharedRule(t *testing.T) {
	snap := agentsSnapshot(4)
	e := newModelEnv(t, usersList(4), &snap)
	m := e.m
	u := []int64{e.userID(t, "101"), e.userID(t, "102"), e.userID(t, "103"), e.userID(t, "104")}
	e.mapElsewhere(t, u[0], 1)
	e.mapElsewhere(t, u[1], 900001) // disabled: stale
	m.reload()
	m.sugg = map[int64]mapping.Suggestion{u[2]: {UserID: u[2], AgentID: 3, Method: mapping.MethodEmail, Confident: true}}
	m.rebuild()
	want := mapping.CountStatus(m.users, m.currentMappings(), m.agents)
	if m.counts != want || want.Mapped != 1 || want.Stale != 1 || want.Unmapped != 2 || m.suggested != 1 {
		t.Fatalf("counts %+v, shared rule %+v, suggested %d", m.counts, want, m.suggested)
	}
	if got := m.countersText(); got != "Mapped 1 / 4 · 1 stale · 1 suggested" {
		t.Fatalf("counters %q", got)
	}
	byExt := map[string]mapping.Status{}
	for _, r := range m.rows {
		byExt[r.user.Extension] = r.status
	}
	if byExt["101"] != mapping.StatusMapped || byExt["102"] != mapping.StatusStale || byExt["103"] != statusSuggested ||
		byExt["104"] != mapping.StatusUnmapped {
		t.Fatalf("statuses %v", byExt)
	}
	if !strings.Contains(m.staleText(), "1 mapping to review") || !strings.Contains(m.staleText(), "disabled in Halo") {
		t.Fatalf("stale text %q", m.staleText())
	}
	// Sorted by status: unmapped, suggested, stale, mapped.
	m.sortUsersBy(colStatus)
	var order []string
	for _, ri := range m.userView.order {
		order = append(order, m.rows[ri].user.Extension)
	}
	if !slices.Equal(order, []string{"104", "103", "102", "101"}) {
		t.Fatalf("by status: %v", order)
	}
}

func TestMappingModelViewsAndSelection(t *testing.T) {
	snap := agentsSnapshot(5)
	e := newModelEnv(t, usersList(4), &snap)
	m := e.m
	u3 := e.userID(t, "103")
	m.selectUser(u3)
	m.setUserFilter(filterAll, "  USER 00")
	if len(m.userView.order) != 4 || m.sel.user != u3 {
		t.Fatalf("search: %d rows, selected %d", len(m.userView.order), m.sel.user)
	}
	// Filtered out, the user is no longer selected.
	m.setUserFilter(filterMapped, "")
	if len(m.userView.order) != 0 || m.sel.user != 0 {
		t.Fatalf("mapped filter: %d rows, selected %d", len(m.userView.order), m.sel.user)
	}
	m.setUserFilter(filterAll, "")
	m.sortUsersBy(colExt) // sorted by extension already: this reverses it
	if first := m.rows[m.userView.order[0]].user.Extension; first != "104" {
		t.Fatalf("extension descending starts with %s", first)
	}
	// A suggested user selects its agent, unless the agent is not listed.
	m.sugg = map[int64]mapping.Suggestion{u3: {UserID: u3, AgentID: 4, Method: mapping.MethodName}}
	m.rebuild()
	m.setAgentFilter("agent 005", false)
	m.selectUser(u3)
	if m.sel.agent != 0 || !strings.HasPrefix(e.status, "Suggested by name: Agent 004?") {
		t.Fatalf("agent %d, status %q", m.sel.agent, e.status)
	}
	m.setAgentFilter("", false)
	m.selectUser(u3)
	if m.sel.agent != 4 || m.viewRowOf(u3) < 0 || m.agentRowOf(4) < 0 {
		t.Fatalf("agent %d", m.sel.agent)
	}
	// Map selected maps them, keeping how the suggestion matched.
	if mv := m.mapSelected(); mv != nil {
		t.Fatal("an agent nobody holds asks nothing")
	}
	ms, err := e.db.Mappings(context.Background(), e.p.ID)
	if err != nil || len(ms) != 1 || ms[0].AgentID != 4 || ms[0].MatchedBy != mapping.MethodName {
		t.Fatalf("mapped %+v, %v", ms, err)
	}
	// Hiding the selected agent drops it from the selection.
	m.setAgentFilter("agent 001", false)
	if m.sel.agent != 0 {
		t.Fatal("a hidden agent stays selected")
	}
}

func TestMappingModelRefusesToOverwriteChangesMadeElsewhere(t *testing.T) {
	snap := agentsSnapshot(4)
	e := newModelEnv(t, usersList(2), &snap)
	m := e.m
	u1, u2 := e.userID(t, "101"), e.userID(t, "102")
	m.assign(u1, 1)
	e.mapElsewhere(t, u1, 2)
	m.undo()
	if got := e.stored(t); got[u1] != 2 || len(e.conflicts) != 1 || e.conflicts[0] != conflictUndoText || m.history.canUndo() {
		t.Fatalf("undo over a change made elsewhere: %v, conflicts %q", got, e.conflicts)
	}
	if m.rows[m.byUser[u1]].cells[colAgent] != "Agent 002" {
		t.Fatal("the model was not reloaded after the conflict")
	}
	// "Accept all confident" computed while a user looked unmapped.
	m.sugg = map[int64]mapping.Suggestion{u2: {UserID: u2, AgentID: 3, Method: mapping.MethodEmail, Confident: true}}
	m.rebuild()
	e.mapElsewhere(t, u2, 4)
	m.acceptConfident()
	if got := e.stored(t); got[u2] != 4 || len(e.conflicts) != 2 || e.conflicts[1] != conflictApplyText {
		t.Fatalf("accept over a change made elsewhere: %v, %q", got, e.conflicts)
	}
}

// A change still saving when another profile is shown lands in neither
// profile's undo history, and its result does not touch the new profile.
func TestMappingModelChangeFinishingAfterAProfileSwitch(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newModelEnv(t, usersList(2), &snap)
	m := e.m
	other, err := e.db.CreateProfile(context.Background(), storage.Profile{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	u1 := e.userID(t, "101")
	release := e.hold(func() { m.assign(u1, 1) })
	if !m.busy {
		t.Fatal("a change being saved makes the model busy")
	}
	m.setProfile(&other)
	release()
	if m.history.canUndo() || m.busy || len(m.users) != 0 || e.stored(t)[u1] != 1 {
		t.Fatalf("history %v, busy %v, %d users shown", m.history.canUndo(), m.busy, len(m.users))
	}
}

func TestMappingModelImportsAndExportsMappings(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newModelEnv(t, usersList(3), &snap)
	m := e.m
	u1, u2 := e.userID(t, "101"), e.userID(t, "102")
	m.assign(u1, 1)
	if !m.baselineReady() || m.baseline.exported || len(m.changes) != 1 {
		t.Fatalf("before any export: ready %v, %d changes", m.baselineReady(), len(m.changes))
	}
	path := filepath.Join(t.TempDir(), "out.csv")
	var exportErr error
	m.exportTo(path, mapping.ExportOptions{}, func(err error) { exportErr = err })
	if exportErr != nil || !strings.HasPrefix(e.status, "Exported 1 mapping to ") {
		t.Fatalf("export: %v, %q", exportErr, e.status)
	}
	if !m.baseline.exported || len(m.changes) != 0 {
		t.Fatalf("after the export: exported %v, %d changes", m.baseline.exported, len(m.changes))
	}
	if data, err := os.ReadFile(path); err != nil || !strings.Contains(string(data), "Agent 001") {
		t.Fatalf("export file %q, %v", data, err)
	}
	// A file giving agent 1 to user 102 (it leaves 101), and a row for a
	// user that does not exist.
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n102,,,1,,,manual,\r\n104,,,2,,,manual,\r\n"
	var mi *mappingImport
	m.readMappingsFile("back.csv", io.NopCloser(strings.NewReader(file)), func(p *mappingImport) { mi = p })
	if mi == nil || len(mi.problems) != 1 || mi.problems[0].Line != 3 {
		t.Fatalf("plan %+v", mi)
	}
	if got := mi.summary(); got != "back.csv: 1 new, 0 changed, 0 already as in the file. 1 user is left unmapped: "+
		"the file gives their agent to another user. 1 row cannot be used (listed below)." {
		t.Fatalf("summary %q", got)
	}
	m.applyMappingImport(mi)
	if got := e.stored(t); got[u2] != 1 || got[u1] != 0 || !strings.Contains(e.status, "1 new, 0 changed, 1 unmapped; 1 row skipped") {
		t.Fatalf("after the import: %v, %q", got, e.status)
	}
	if len(m.changes) != 2 {
		t.Fatalf("changes since the export: %+v", m.changes)
	}
	m.undo()
	if got := e.stored(t); got[u1] != 1 || got[u2] != 0 {
		t.Fatalf("undo of the import: %v", got)
	}
}

func TestMappingModelImportsAndEditsUsers(t *testing.T) {
	e := newModelEnv(t, usersList(1), nil)
	m := e.m
	var plan mapping.UsersImportPlan
	m.planUsersImport(func() (mapping.Preview, error) {
		return mapping.ParseUsersText("Extension\tName\n101\tRenamed\n102\tNew\n")
	}, func(p mapping.UsersImportPlan, err error) {
		if err != nil {
			t.Fatal(err)
		}
		plan = p
	})
	if plan.New != 1 || plan.Updated != 1 || plannedAction(plan.Rows[0]) != "updates Ext. 101 User 001" {
		t.Fatalf("plan %+v", plan)
	}
	var importErr error
	m.importUsers(plan.Preview, "pasted", func(err error) { importErr = err })
	if importErr != nil || len(m.users) != 2 || e.status != "Imported users from pasted: 1 added, 1 updated, 0 unchanged." {
		t.Fatalf("import: %v, %d users, %q", importErr, len(m.users), e.status)
	}
	// Adding selects the new user; storage's refusals reach the dialog.
	var addErr error
	m.addUser(mapping.User{ProfileID: e.p.ID, Extension: "101"}, func(err error) { addErr = err })
	if addErr == nil {
		t.Fatal("a duplicate extension was added")
	}
	m.addUser(mapping.User{ProfileID: e.p.ID, Extension: "199", Name: "Zed"}, func(err error) { addErr = err })
	if addErr != nil || m.sel.user != e.userID(t, "199") || e.status != "Added Ext. 199 Zed." {
		t.Fatalf("add: %v, selected %d, %q", addErr, m.sel.user, e.status)
	}
	u, _ := m.selectedUser()
	m.deleteUser(e.p.ID, u)
	if len(m.users) != 2 || m.sel.user != 0 {
		t.Fatalf("delete: %d users, selected %d", len(m.users), m.sel.user)
	}
}
