package gui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// mappingEnv is a UI with one profile, its users and a stored snapshot,
// showing the mapping screen.
type mappingEnv struct {
	*testEnv
	s *mappingScreen
	p storage.Profile
}

func newMappingEnv(t *testing.T, users []mapping.User, snap *halo.Snapshot) *mappingEnv {
	t.Helper()
	te := newTestUI(t, "")
	ctx := context.Background()
	p, err := te.db.CreateProfile(ctx, storage.Profile{Name: "Contoso MSP"})
	if err != nil {
		t.Fatal(err)
	}
	if snap != nil {
		if err := te.db.ReplaceSnapshot(ctx, p.ID, *snap, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if len(users) > 0 {
		if _, _, err := te.db.UpsertUsers(ctx, p.ID, users); err != nil {
			t.Fatal(err)
		}
	}
	te.u.profiles.afterChange(p.ID)
	te.wait()
	s := findScreen[*mappingScreen](te.u)
	te.u.showScreen(func(sc screen) bool { return sc == screen(s) })
	te.wait()
	if !isShown[*mappingScreen](te.u) {
		t.Fatal("the mapping screen is not shown")
	}
	return &mappingEnv{testEnv: te, s: s, p: p}
}

// agentsSnapshot is a roster of n agents named "Agent 001"…, plus the API
// agent and one disabled agent.
func agentsSnapshot(n int) halo.Snapshot {
	var snap halo.Snapshot
	for i := 1; i <= n; i++ {
		snap.Agents = append(snap.Agents, halo.Agent{ID: i, Name: fmt.Sprintf("Agent %03d", i),
			Email: fmt.Sprintf("agent%03d@contoso.example", i), Team: "Support", Extension: fmt.Sprint(100 + i)})
	}
	snap.Agents = append(snap.Agents,
		halo.Agent{ID: 900000, Name: "1stream API", IsAPIAgent: true, Team: "Support"},
		halo.Agent{ID: 900001, Name: "Dana Leaver", Email: "dana@contoso.example", IsDisabled: true})
	return snap
}

// usersList is n users with extensions 101… and names "User 001"….
func usersList(n int) []mapping.User {
	out := make([]mapping.User, n)
	for i := range out {
		out[i] = mapping.User{Extension: fmt.Sprint(101 + i), Name: fmt.Sprintf("User %03d", i+1),
			Email: fmt.Sprintf("user%03d@contoso.example", i+1)}
	}
	return out
}

// walkCanvas visits o and what is drawn inside it, through the renderers
// the canvas uses (test.WidgetRenderer returns the cached one; unlike
// test.LaidOutObjects it does not build new objects), so only objects on
// the canvas are found. fn returns true to stop.
func walkCanvas(o fyne.CanvasObject, fn func(fyne.CanvasObject) bool) bool {
	if o == nil || !o.Visible() {
		return false
	}
	if fn(o) {
		return true
	}
	var children []fyne.CanvasObject
	switch x := o.(type) {
	case *fyne.Container:
		children = x.Objects
	case fyne.Widget:
		children = test.WidgetRenderer(x).Objects()
	}
	for _, c := range children {
		if walkCanvas(c, fn) {
			return true
		}
	}
	return false
}

func (e *mappingEnv) mappings(t *testing.T) map[int64]mapping.Mapping {
	t.Helper()
	ms, err := e.db.Mappings(context.Background(), e.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]mapping.Mapping{}
	for _, m := range ms {
		out[m.UserID] = m
	}
	return out
}

func (e *mappingEnv) userID(t *testing.T, ext string) int64 {
	t.Helper()
	for _, u := range e.s.model.users {
		if u.Extension == ext {
			return u.ID
		}
	}
	t.Fatalf("no user with extension %s", ext)
	return 0
}

func (e *mappingEnv) row(t *testing.T, ext string) *userRow {
	t.Helper()
	return &e.s.model.rows[e.s.model.byUser[e.userID(t, ext)]]
}

func (e *mappingEnv) shortcut(sc fyne.Shortcut) {
	e.win.Canvas().(fyne.Shortcutable).TypedShortcut(sc)
	e.wait()
}

func (e *mappingEnv) audit(t *testing.T, action string) []storage.AuditEvent {
	t.Helper()
	ev, err := e.db.AuditLog(context.Background(), storage.AuditFilter{ProfileID: e.p.ID})
	if err != nil {
		t.Fatal(err)
	}
	var out []storage.AuditEvent
	for _, x := range ev {
		if x.Action == action {
			out = append(out, x)
		}
	}
	return out
}

func TestMappingKeyboard(t *testing.T) {
	snap := agentsSnapshot(5)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	c := e.win.Canvas()

	// Select the second user with the arrow keys and Space.
	c.Focus(s.table)
	s.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	s.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if s.model.sel.user != e.userID(t, "102") {
		t.Fatalf("selected user = %d", s.model.sel.user)
	}
	if !s.mapBtn.Disabled() {
		t.Fatal("Map needs an agent too")
	}
	// Then the third agent, and Ctrl+M.
	c.Focus(s.agentList)
	for i := 0; i < 2; i++ {
		s.agentList.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	}
	s.agentList.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
	if s.model.sel.agent != 3 || s.mapBtn.Disabled() {
		t.Fatalf("selected agent = %d, map disabled = %v", s.model.sel.agent, s.mapBtn.Disabled())
	}
	e.shortcut(mapShortcut)
	if m := e.mappings(t)[e.userID(t, "102")]; m.AgentID != 3 || m.MatchedBy != "manual" {
		t.Fatalf("Ctrl+M mapped %+v", e.mappings(t))
	}

	// Delete on the table unmaps the selected user.
	c.Focus(s.table)
	s.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDelete})
	e.wait()
	if len(e.mappings(t)) != 0 {
		t.Fatalf("Delete left %+v", e.mappings(t))
	}
	if len(e.audit(t, storage.ActionMappingRemoved)) != 1 {
		t.Fatal("unmapping was not audited")
	}

	// The Map button and Enter in the agent list take the same path.
	test.Tap(s.mapBtn)
	e.wait()
	if m := e.mappings(t)[e.userID(t, "102")]; m.AgentID != 3 {
		t.Fatal("the Map button did not map")
	}
	s.table.Select(widget.TableCellID{Row: 0, Col: colName})
	s.agentList.Select(0)
	s.agentList.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	e.wait()
	if m := e.mappings(t)[e.userID(t, "101")]; m.AgentID != 1 {
		t.Fatal("Enter in the agent list did not map")
	}

	// Delete with nothing focused reaches the screen through the window.
	c.Unfocus()
	c.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyDelete})
	e.wait()
	if _, ok := e.mappings(t)[e.userID(t, "101")]; ok {
		t.Fatal("Delete on the window did not unmap the selected user")
	}

	// Ctrl+M works while typing in the agent search box, which would
	// otherwise swallow it.
	test.Type(s.agentList.query, "Agent 005")
	if len(s.model.agentView.order) != 1 {
		t.Fatalf("search shows %d agents", len(s.model.agentView.order))
	}
	s.agentList.Select(0)
	s.table.Select(widget.TableCellID{Row: 2, Col: colName})
	c.Focus(s.agentList.query)
	s.agentList.query.TypedShortcut(mapShortcut)
	e.wait()
	if m := e.mappings(t)[e.userID(t, "103")]; m.AgentID != 5 {
		t.Fatalf("Ctrl+M from the search box: %+v", e.mappings(t))
	}

	// On another screen the shortcuts do nothing.
	before := len(e.mappings(t))
	e.u.show(0)
	s.model.sel.user = e.userID(t, "103")
	e.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	e.wait()
	if len(e.mappings(t)) != before {
		t.Fatal("Ctrl+Z acted on the mapping screen while it was hidden")
	}
}

func TestMappingCountersFilterSort(t *testing.T) {
	snap := agentsSnapshot(5)
	users := usersList(4)
	users[2].Name = "Aaron Zed" // sorts first by name
	e := newMappingEnv(t, users, &snap)
	s := e.s
	s.assign(e.userID(t, "101"), 1)
	e.wait()
	s.assign(e.userID(t, "102"), 2)
	e.wait()
	if s.counters.Text != "Mapped 2 / 4" {
		t.Fatalf("counters = %q", s.counters.Text)
	}

	s.statusFilter.SetSelected(filterUnmapped)
	if len(s.model.userView.order) != 2 {
		t.Fatalf("unmapped filter shows %d rows", len(s.model.userView.order))
	}
	for _, v := range s.model.userView.order {
		if s.model.rows[v].status == mapping.StatusMapped {
			t.Fatal("unmapped filter shows a mapped user")
		}
	}
	s.statusFilter.SetSelected(filterAll)

	// Tapping a header sorts by that column; again reverses it.
	s.table.Refresh()
	h := s.table.headers[colName]
	if h == nil {
		t.Fatal("no header button for the Name column")
	}
	test.Tap(h)
	if got := s.model.rows[s.model.userView.order[0]].user.Name; got != "Aaron Zed" {
		t.Fatalf("sorted by name, first = %q", got)
	}
	if h.Text != "Name ▲" {
		t.Fatalf("header = %q", h.Text)
	}
	test.Tap(h)
	if got := s.model.rows[s.model.userView.order[len(s.model.userView.order)-1]].user.Name; got != "Aaron Zed" {
		t.Fatalf("sorted by name descending, last = %q", got)
	}
	s.table.sortBy(colStatus)
	if s.model.rows[s.model.userView.order[len(s.model.userView.order)-1]].status != mapping.StatusMapped {
		t.Fatal("sorted by status, mapped users come last")
	}
	s.table.sortBy(colExt)
	s.table.sortBy(colExt)
	if got := s.model.rows[s.model.userView.order[0]].user.Extension; got != "104" {
		t.Fatalf("extension descending starts with %q", got)
	}

	// The user search narrows the table, also by the mapped agent's name.
	test.Type(s.userSearch, "agent 002")
	if len(s.model.userView.order) != 1 || s.model.rows[s.model.userView.order[0]].user.Extension != "102" {
		t.Fatalf("search by agent shows %d rows", len(s.model.userView.order))
	}
}

func TestMappingRefusesAPIAndDisabledAgents(t *testing.T) {
	snap := agentsSnapshot(2)
	e := newMappingEnv(t, usersList(1), &snap)
	s := e.s
	s.assign(e.userID(t, "101"), 900000)
	s.assign(e.userID(t, "101"), 900001)
	e.wait()
	if len(e.mappings(t)) != 0 {
		t.Fatal("mapped the API agent or a disabled agent")
	}
	if !strings.Contains(s.status.Text, "disabled") {
		t.Fatalf("status = %q", s.status.Text)
	}
	s.agentList.showDisabled.SetChecked(true)
	if len(s.model.agentView.order) != 4 {
		t.Fatalf("show disabled lists %d agents", len(s.model.agentView.order))
	}
}

// pullDemo pulls the demo roster from a simulated Halo, as a sync does.
func pullDemo(t *testing.T) halo.Snapshot {
	t.Helper()
	srv := halotest.New(halotest.Demo())
	t.Cleanup(srv.Close)
	c, err := halo.NewClient(halo.Config{URL: srv.URL(), ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(),
		HTTPClient: srv.Client(), UserAgent: "halo-assistant/test"})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Pull(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// people returns the enabled agents that are not the API agent.
func people(snap halo.Snapshot) []halo.Agent {
	var out []halo.Agent
	for _, a := range snap.Agents {
		if !a.IsAPIAgent && !a.IsDisabled {
			out = append(out, a)
		}
	}
	return out
}

func TestMappingStaleAfterResync(t *testing.T) {
	// The first sync: a real systems check against the simulated Halo.
	ce := newCheckEnv(t, halotest.Demo(), "")
	ctx := context.Background()
	if _, _, err := ce.db.UpsertUsers(ctx, ce.p.ID, usersList(4)); err != nil {
		t.Fatal(err)
	}
	if cd := ce.runCheck(t); !cd.report.OK {
		t.Fatalf("first sync: %s", cd.summary.Text)
	}
	ce.u.escape() // close the check dialog
	s := findScreen[*mappingScreen](ce.u)
	ce.u.showScreen(func(sc screen) bool { return sc == screen(s) })
	ce.wait()
	e := &mappingEnv{testEnv: ce.testEnv, s: s, p: ce.p}
	ps := people(halo.Snapshot{Agents: s.model.agents})
	if len(ps) < 5 || len(s.model.users) != 4 {
		t.Fatalf("after the sync: %d people, %d users", len(ps), len(s.model.users))
	}
	gone, disabled, kept := ps[0], ps[1], ps[2]
	s.assign(e.userID(t, "101"), gone.ID)
	e.wait()
	s.assign(e.userID(t, "102"), disabled.ID)
	e.wait()
	s.assign(e.userID(t, "103"), kept.ID)
	e.wait()
	if s.stale.box.Visible() {
		t.Fatal("no mapping is stale yet")
	}

	// In Halo, one agent leaves and another is disabled; the check runs
	// again and pulls the changed roster.
	if !ce.srv.RemoveAgent(gone.ID) || !ce.srv.DisableAgent(disabled.ID) {
		t.Fatal("the simulated Halo did not change")
	}
	if cd := ce.runCheck(t); !cd.report.OK {
		t.Fatalf("re-sync: %s", cd.summary.Text)
	}
	ce.u.escape()
	if _, present := s.model.agentPos[gone.ID]; present {
		t.Fatal("the re-sync did not reach the mapping screen")
	}

	for ext, want := range map[string]string{"101": "no longer in Halo", "102": "disabled in Halo"} {
		r := e.row(t, ext)
		if r.status != mapping.StatusStale || !strings.Contains(r.cells[colAgent], want) || r.cells[colStatus] != "stale" {
			t.Errorf("ext %s: status %v, agent %q", ext, r.status, r.cells[colAgent])
		}
	}
	if e.row(t, "103").status != mapping.StatusMapped {
		t.Error("a mapping whose agent is still there must stay mapped")
	}
	if !s.stale.box.Visible() || !strings.Contains(s.stale.text.Text, "2 mappings to review") ||
		!strings.Contains(s.stale.text.Text, gone.Name) {
		t.Fatalf("stale banner visible=%v %q", s.stale.box.Visible(), s.stale.text.Text)
	}
	if s.counters.Text != "Mapped 1 / 4 · 2 stale" {
		t.Fatalf("counters = %q", s.counters.Text)
	}
	// Review lists them.
	s.statusFilter.SetSelected(filterStale)
	if len(s.model.userView.order) != 2 {
		t.Fatalf("stale filter shows %d users", len(s.model.userView.order))
	}
	// The mappings themselves are kept for the admin to decide.
	if len(e.mappings(t)) != 3 {
		t.Fatal("a sync must not delete mappings")
	}
	// Re-mapping a stale user to a live agent clears it.
	s.assign(e.userID(t, "101"), ps[3].ID)
	e.wait()
	if e.row(t, "101").status != mapping.StatusMapped || len(s.model.stale) != 1 {
		t.Fatal("re-mapping did not clear the stale mark")
	}
}

func TestMappingNotSeeingHaloUsers(t *testing.T) {
	// Never synced: the fix is shown instead of an empty table.
	e := newMappingEnv(t, usersList(2), nil)
	s := e.s
	if s.agentList.pane.Objects[0] != s.agentList.empty {
		t.Fatal("with no agents the screen must explain why")
	}
	if !strings.Contains(s.agentList.emptyDetail.Text, "No Halo agents have been pulled") {
		t.Fatalf("detail = %q", s.agentList.emptyDetail.Text)
	}
	runs := 0
	s.agentList.s.runCheck = func() { runs++ }
	test.Tap(s.agentList.rerunBtn)
	if runs != 1 {
		t.Fatal("the button must re-run the systems check")
	}

	// A sync that returned only the API agent.
	only := halo.Snapshot{Agents: []halo.Agent{{ID: 77, Name: "1stream API", IsAPIAgent: true}}}
	if err := e.db.ReplaceSnapshot(context.Background(), e.p.ID, only, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.u.checkFinished(e.p.ID)
	e.wait()
	if s.agentList.pane.Objects[0] != s.agentList.empty || !strings.Contains(s.agentList.emptyDetail.Text, "only the API agent") {
		t.Fatalf("API agent only: pane %T, %q", s.agentList.pane.Objects[0], s.agentList.emptyDetail.Text)
	}
	if !s.suggestBtn.Disabled() {
		t.Fatal("nothing to suggest without agents")
	}

	// After the fix the agents appear.
	snap := agentsSnapshot(3)
	if err := e.db.ReplaceSnapshot(context.Background(), e.p.ID, snap, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.u.checkFinished(e.p.ID)
	e.wait()
	if s.agentList.pane.Objects[0] == s.agentList.empty || len(s.model.agentView.order) != 3 {
		t.Fatalf("agents not shown after a good sync: %d", len(s.model.agentView.order))
	}
	// A check of another profile does not reload this one.
	s.model.agentView.order = s.model.agentView.order[:0]
	e.u.checkFinished(e.p.ID + 100)
	if len(s.model.agentView.order) != 0 {
		t.Fatal("reloaded for another profile's check")
	}
}

func TestMappingSwitchAwayFromAnAPIOnlySyncWithShowDisabled(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(2), &snap)
	s := e.s
	ctx := context.Background()
	s.agentList.showDisabled.SetChecked(true)
	// The next sync brings only the API agent: the empty-state pane shows,
	// and the agent list keeps the view of the earlier, longer roster.
	apiOnly := halo.Snapshot{Agents: []halo.Agent{{ID: 42, Name: "1stream API", IsAPIAgent: true}}}
	if err := e.db.ReplaceSnapshot(ctx, e.p.ID, apiOnly, time.Now()); err != nil {
		t.Fatal(err)
	}
	s.model.reload()
	e.wait()
	if s.agentList.pane.Objects[0] != s.agentList.empty {
		t.Fatal("a sync with only the API agent shows “Not seeing Halo users?”")
	}
	// Switching to another profile, and deleting one, swap the pane back
	// to the list while the agents are gone.
	p2, err := e.db.CreateProfile(ctx, storage.Profile{Name: "Second"})
	if err != nil {
		t.Fatal(err)
	}
	e.u.profiles.afterChange(p2.ID)
	e.wait()
	e.u.profiles.afterChange(e.p.ID)
	e.wait()
	e.u.profiles.doDelete(*e.u.current, false)
	e.wait()
	for i := 0; i < s.agentList.Length(); i++ {
		s.agentList.UpdateItem(i, s.agentList.CreateItem())
	}
	if len(s.model.agentView.order) > len(s.model.agents) {
		t.Fatalf("the agent view shows %d agents of %d", len(s.model.agentView.order), len(s.model.agents))
	}
}

// mapElsewhere maps a user the way another process would (the CLI's
// `map set`), behind the screen's back.
func (e *mappingEnv) mapElsewhere(t *testing.T, userID int64, agentID int) {
	t.Helper()
	if err := e.db.SetMapping(context.Background(), mapping.Mapping{ProfileID: e.p.ID, UserID: userID, AgentID: agentID,
		AgentName: fmt.Sprintf("Agent %03d", agentID), MatchedBy: "manual", MappedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}
