package gui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/assets"
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

func newMappingEnv(t *testing.T, users []storage.User, snap *halo.Snapshot) *mappingEnv {
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
func usersList(n int) []storage.User {
	out := make([]storage.User, n)
	for i := range out {
		out[i] = storage.User{Extension: fmt.Sprint(101 + i), Name: fmt.Sprintf("User %03d", i+1),
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

// userCell finds the on-canvas table cell that shows text.
func (e *mappingEnv) userCell(t *testing.T, text string) fyne.CanvasObject {
	t.Helper()
	var found fyne.CanvasObject
	walkCanvas(e.s.table, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*fyne.Container); ok && len(c.Objects) == 2 {
			if l, ok := c.Objects[1].(*widget.Label); ok && l.Text == text {
				found = c
				return true
			}
		}
		return false
	})
	if found == nil {
		t.Fatalf("no table cell on the canvas shows %q", text)
	}
	return found
}

// agentSource finds the on-canvas agent row showing the agent's name.
func (e *mappingEnv) agentSource(t *testing.T, name string) *dragSource {
	t.Helper()
	var found *dragSource
	walkCanvas(e.s.agentList, func(o fyne.CanvasObject) bool {
		if src, ok := o.(*dragSource); ok && e.s.agentList.rows[src].name.Text == name {
			found = src
			return true
		}
		return false
	})
	if found == nil {
		t.Fatalf("no agent row on the canvas shows %q", name)
	}
	return found
}

func abs(o fyne.CanvasObject) fyne.Position {
	return fyne.CurrentApp().Driver().AbsolutePositionForObject(o)
}

// dragTo sends the row the events the GLFW driver sends while the pointer
// moves from the row to the window position to in steps (without DragEnd).
func dragTo(src *dragSource, to fyne.Position, steps int) {
	origin := abs(src)
	from := origin.AddXY(20, 10)
	last := from
	for i := 1; i <= steps; i++ {
		f := float32(i) / float32(steps)
		p := fyne.NewPos(from.X+(to.X-from.X)*f, from.Y+(to.Y-from.Y)*f)
		src.Dragged(&fyne.DragEvent{
			PointEvent: fyne.PointEvent{Position: p.Subtract(origin), AbsolutePosition: p},
			Dragged:    fyne.NewDelta(p.X-last.X, p.Y-last.Y),
		})
		last = p
	}
}

// dropOn drags the agent's row onto the table cell showing cellText.
func (e *mappingEnv) dropOn(t *testing.T, agent, cellText string) {
	t.Helper()
	src := e.agentSource(t, agent)
	dst := e.userCell(t, cellText)
	dragTo(src, abs(dst).AddXY(8, dst.Size().Height/2), 5)
	src.DragEnd()
	e.wait()
}

func (e *mappingEnv) mappings(t *testing.T) map[int64]storage.Mapping {
	t.Helper()
	ms, err := e.db.Mappings(context.Background(), e.p.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]storage.Mapping{}
	for _, m := range ms {
		out[m.UserID] = m
	}
	return out
}

func (e *mappingEnv) userID(t *testing.T, ext string) int64 {
	t.Helper()
	for _, u := range e.s.users {
		if u.Extension == ext {
			return u.ID
		}
	}
	t.Fatalf("no user with extension %s", ext)
	return 0
}

func (e *mappingEnv) row(t *testing.T, ext string) *userRow {
	t.Helper()
	return &e.s.rows[e.s.byUser[e.userID(t, ext)]]
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

func TestMappingDragToMap(t *testing.T) {
	snap := agentsSnapshot(5)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	if got := s.counters.Text; got != "Mapped 0 / 3" {
		t.Fatalf("counters = %q", got)
	}
	if len(s.agentList.view) != 5 {
		t.Fatalf("agent list shows %d agents; the API agent and the disabled one are hidden by default", len(s.agentList.view))
	}

	// Mid-drag: the row under the pointer is highlighted and the ghost
	// follows the pointer.
	src := e.agentSource(t, "Agent 002")
	dst := e.userCell(t, "User 002")
	to := abs(dst).AddXY(8, dst.Size().Height/2)
	dragTo(src, to, 6)
	wantRow := s.table.viewRowOf(e.userID(t, "102"))
	if s.table.hoverRow != wantRow {
		t.Fatalf("hovered row = %d, want %d", s.table.hoverRow, wantRow)
	}
	if !s.dnd.ghost.Visible() || !strings.Contains(s.dnd.text.Text, "Agent 002") {
		t.Fatalf("ghost visible=%v text=%q", s.dnd.ghost.Visible(), s.dnd.text.Text)
	}
	if got := abs(s.dnd.ghost).Subtract(to); math.Abs(float64(got.X-ghostOffset.X)) > 0.01 || math.Abs(float64(got.Y-ghostOffset.Y)) > 0.01 {
		t.Fatalf("ghost is at %v from the pointer, want %v", got, ghostOffset)
	}
	if fill := dst.(*fyne.Container).Objects[0].(*canvas.Rectangle).FillColor; fill != s.table.colHover {
		t.Fatalf("hovered cell fill = %v, want the highlight", fill)
	}
	src.DragEnd()
	e.wait()
	if s.dnd.ghost.Visible() || s.table.hoverRow != -1 {
		t.Fatal("the ghost and highlight must go away after the drop")
	}

	ms := e.mappings(t)
	m, ok := ms[e.userID(t, "102")]
	if !ok || m.AgentID != 2 || m.MatchedBy != "manual" || m.AgentName != "Agent 002" {
		t.Fatalf("after the drop: %+v", ms)
	}
	if len(ms) != 1 {
		t.Fatalf("one drop made %d mappings", len(ms))
	}
	if len(e.audit(t, storage.ActionMappingSet)) != 1 {
		t.Fatal("the drop was not audited")
	}
	r := e.row(t, "102")
	if r.status != statusMapped || r.cells[colAgent] != "Agent 002" || r.cells[colHow] != "manual" {
		t.Fatalf("row = %+v", r)
	}
	if s.counters.Text != "Mapped 1 / 3" {
		t.Fatalf("counters = %q", s.counters.Text)
	}
	if b := s.badges[s.agentPos[2]]; b != "→ 102" {
		t.Fatalf("badge of the mapped agent = %q", b)
	}

	// Dropping another agent on the mapped row replaces its mapping.
	e.dropOn(t, "Agent 003", "User 002")
	if m := e.mappings(t)[e.userID(t, "102")]; m.AgentID != 3 {
		t.Fatalf("replace: %+v", m)
	}

	// Dropping an agent mapped to another user asks before moving it.
	e.dropOn(t, "Agent 003", "User 003")
	if s.confirm == nil {
		t.Fatal("moving an agent must ask first")
	}
	s.confirm.Dismiss()
	e.wait()
	if ms := e.mappings(t); ms[e.userID(t, "102")].AgentID != 3 || len(ms) != 1 {
		t.Fatalf("a declined move changed the mappings: %+v", ms)
	}
	s.confirm = nil
	e.dropOn(t, "Agent 003", "User 003")
	s.confirm.Confirm()
	e.wait()
	ms = e.mappings(t)
	if _, still := ms[e.userID(t, "102")]; still || ms[e.userID(t, "103")].AgentID != 3 {
		t.Fatalf("after the move: %+v", ms)
	}
	if len(e.audit(t, storage.ActionMappingMoved)) != 1 {
		t.Fatal("the move was not audited")
	}

	// Dropping outside the table (back on the agent list) does nothing.
	src = e.agentSource(t, "Agent 004")
	dragTo(src, abs(src).AddXY(30, 5), 3)
	if s.table.hoverRow != -1 {
		t.Fatalf("hovered row %d outside the table", s.table.hoverRow)
	}
	src.DragEnd()
	e.wait()
	if len(e.mappings(t)) != 1 {
		t.Fatal("a drop outside the table mapped something")
	}

	// Filtered down to one row, the empty space below it takes no drop,
	// although the recycled cells of the hidden rows are still known.
	s.statusFilter.SetSelected(filterMapped)
	if len(s.table.view) != 1 {
		t.Fatalf("mapped filter shows %d rows", len(s.table.view))
	}
	below := abs(s.table).AddXY(20, s.table.target.inset+2*cellPitch(s)+5)
	if row, ok := s.table.target.rowAt(below); ok {
		t.Fatalf("rowAt below the last row = %d", row)
	}
	if row, ok := s.table.target.rowAt(abs(s.table).AddXY(20, s.table.target.inset+5)); !ok || row != 0 {
		t.Fatalf("rowAt on the only row = %d, %v", row, ok)
	}
}

func TestMappingDragInScrolledLists(t *testing.T) {
	snap := agentsSnapshot(300)
	e := newMappingEnv(t, usersList(400), &snap)
	s := e.s
	// Scroll both lists far down: the rows on the canvas are recycled
	// objects that showed other rows before.
	s.table.ScrollTo(widget.TableCellID{Row: 350, Col: colName})
	s.agentList.ScrollTo(s.agentList.viewIndex(250))
	e.wait()

	e.dropOn(t, "Agent 250", "User 351")
	m, ok := e.mappings(t)[e.userID(t, "451")]
	if !ok || m.AgentID != 250 {
		t.Fatalf("drop in scrolled lists mapped %+v", e.mappings(t))
	}

	// A row only partly scrolled into view still takes the drop on its
	// visible part, and the header above it does not.
	s.table.ScrollToOffset(fyne.NewPos(0, 37*cellPitch(s)+cellPitch(s)/2))
	e.wait()
	top := abs(s.table).AddXY(20, s.table.target.inset)
	if row, ok := s.table.target.rowAt(top.AddXY(0, 2)); !ok || row != 37 {
		t.Fatalf("rowAt just below the header = %d, %v; want the partly visible row 37", row, ok)
	}
	if row, ok := s.table.target.rowAt(top.AddXY(0, -2)); ok {
		t.Fatalf("rowAt on the header = %d, want no row", row)
	}
	src := e.agentSource(t, "Agent 251")
	dragTo(src, top.AddXY(0, 3), 4)
	src.DragEnd()
	e.wait()
	if m := e.mappings(t)[e.userID(t, "138")]; m.AgentID != 251 {
		t.Fatalf("drop on a partly visible row: %+v", e.mappings(t))
	}
}

// cellPitch is the distance between two rows of the users table, as laid
// out on the canvas.
func cellPitch(s *mappingScreen) float32 {
	return s.table.target.last.Size().Height + s.table.target.gap
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
	if s.selUser != e.userID(t, "102") {
		t.Fatalf("selected user = %d", s.selUser)
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
	if s.selAgent != 3 || s.mapBtn.Disabled() {
		t.Fatalf("selected agent = %d, map disabled = %v", s.selAgent, s.mapBtn.Disabled())
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
	if len(s.agentList.view) != 1 {
		t.Fatalf("search shows %d agents", len(s.agentList.view))
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
	s.selUser = e.userID(t, "103")
	e.win.Canvas().(fyne.Shortcutable).TypedShortcut(&fyne.ShortcutUndo{})
	e.wait()
	if len(e.mappings(t)) != before {
		t.Fatal("Ctrl+Z acted on the mapping screen while it was hidden")
	}
}

func TestMappingUndoRedo(t *testing.T) {
	snap := agentsSnapshot(5)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	u1, u2 := e.userID(t, "101"), e.userID(t, "102")

	s.assign(u1, 1)
	e.wait()
	s.assign(u2, 2)
	e.wait()
	// Move agent 1 to user 2 (confirmed): user 1 loses it, user 2 loses agent 2.
	s.assign(u2, 1)
	s.confirm.Confirm()
	e.wait()
	if ms := e.mappings(t); len(ms) != 1 || ms[u2].AgentID != 1 {
		t.Fatalf("after the move: %+v", ms)
	}
	if s.undoBtn.Disabled() || !s.redoBtn.Disabled() {
		t.Fatal("undo should be enabled and redo disabled")
	}

	e.shortcut(&fyne.ShortcutUndo{})
	if ms := e.mappings(t); len(ms) != 2 || ms[u1].AgentID != 1 || ms[u2].AgentID != 2 {
		t.Fatalf("undoing the move must restore both users: %+v", ms)
	}
	if ms := e.mappings(t); ms[u1].MatchedBy != "manual" {
		t.Fatalf("undo lost how the mapping was made: %+v", ms[u1])
	}
	e.shortcut(&fyne.ShortcutUndo{})
	if ms := e.mappings(t); len(ms) != 1 || ms[u1].AgentID != 1 {
		t.Fatalf("second undo: %+v", ms)
	}
	if s.redoBtn.Disabled() {
		t.Fatal("redo should be enabled after undo")
	}
	e.shortcut(redoShortcut) // Ctrl+Shift+Z
	if ms := e.mappings(t); len(ms) != 2 || ms[u2].AgentID != 2 {
		t.Fatalf("redo: %+v", ms)
	}
	e.shortcut(&fyne.ShortcutRedo{}) // Ctrl+Y
	if ms := e.mappings(t); len(ms) != 1 || ms[u2].AgentID != 1 {
		t.Fatalf("second redo: %+v", ms)
	}
	if !s.redoBtn.Disabled() {
		t.Fatal("nothing left to redo")
	}
	if len(e.audit(t, "mapping.undo")) != 2 || len(e.audit(t, "mapping.redo")) != 2 {
		t.Fatal("undo and redo are not audited")
	}

	// A new change clears the redo history.
	test.Tap(s.undoBtn)
	e.wait()
	s.assign(e.userID(t, "103"), 4)
	e.wait()
	if !s.redoBtn.Disabled() {
		t.Fatal("a new change must clear redo")
	}
	// Unmap is undoable too.
	s.selectUser(e.userID(t, "103"))
	test.Tap(s.unmapBtn)
	e.wait()
	test.Tap(s.undoBtn)
	e.wait()
	if m := e.mappings(t)[e.userID(t, "103")]; m.AgentID != 4 {
		t.Fatal("undoing an unmap did not restore it")
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
	if len(s.table.view) != 2 {
		t.Fatalf("unmapped filter shows %d rows", len(s.table.view))
	}
	for _, v := range s.table.view {
		if s.rows[v].status == statusMapped {
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
	if got := s.rows[s.table.view[0]].user.Name; got != "Aaron Zed" {
		t.Fatalf("sorted by name, first = %q", got)
	}
	if h.Text != "Name ▲" {
		t.Fatalf("header = %q", h.Text)
	}
	test.Tap(h)
	if got := s.rows[s.table.view[len(s.table.view)-1]].user.Name; got != "Aaron Zed" {
		t.Fatalf("sorted by name descending, last = %q", got)
	}
	s.table.sortBy(colStatus)
	if s.rows[s.table.view[len(s.table.view)-1]].status != statusMapped {
		t.Fatal("sorted by status, mapped users come last")
	}
	s.table.sortBy(colExt)
	s.table.sortBy(colExt)
	if got := s.rows[s.table.view[0]].user.Extension; got != "104" {
		t.Fatalf("extension descending starts with %q", got)
	}

	// The user search narrows the table, also by the mapped agent's name.
	test.Type(s.userSearch, "agent 002")
	if len(s.table.view) != 1 || s.rows[s.table.view[0]].user.Extension != "102" {
		t.Fatalf("search by agent shows %d rows", len(s.table.view))
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
	if len(s.agentList.view) != 4 {
		t.Fatalf("show disabled lists %d agents", len(s.agentList.view))
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
	ps := people(halo.Snapshot{Agents: s.agents})
	if len(ps) < 5 || len(s.users) != 4 {
		t.Fatalf("after the sync: %d people, %d users", len(ps), len(s.users))
	}
	gone, disabled, kept := ps[0], ps[1], ps[2]
	s.assign(e.userID(t, "101"), gone.ID)
	e.wait()
	s.assign(e.userID(t, "102"), disabled.ID)
	e.wait()
	s.assign(e.userID(t, "103"), kept.ID)
	e.wait()
	if s.staleBox.Visible() {
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
	if _, present := s.agentPos[gone.ID]; present {
		t.Fatal("the re-sync did not reach the mapping screen")
	}

	for ext, want := range map[string]string{"101": "no longer in Halo", "102": "disabled in Halo"} {
		r := e.row(t, ext)
		if r.status != statusStale || !strings.Contains(r.cells[colAgent], want) || r.cells[colStatus] != "stale" {
			t.Errorf("ext %s: status %v, agent %q", ext, r.status, r.cells[colAgent])
		}
	}
	if e.row(t, "103").status != statusMapped {
		t.Error("a mapping whose agent is still there must stay mapped")
	}
	if !s.staleBox.Visible() || !strings.Contains(s.staleText.Text, "2 mappings to review") ||
		!strings.Contains(s.staleText.Text, gone.Name) {
		t.Fatalf("stale banner visible=%v %q", s.staleBox.Visible(), s.staleText.Text)
	}
	if s.counters.Text != "Mapped 1 / 4 · 2 stale" {
		t.Fatalf("counters = %q", s.counters.Text)
	}
	// Review lists them.
	s.statusFilter.SetSelected(filterStale)
	if len(s.table.view) != 2 {
		t.Fatalf("stale filter shows %d users", len(s.table.view))
	}
	// The mappings themselves are kept for the admin to decide.
	if len(e.mappings(t)) != 3 {
		t.Fatal("a sync must not delete mappings")
	}
	// Re-mapping a stale user to a live agent clears it.
	s.assign(e.userID(t, "101"), ps[3].ID)
	e.wait()
	if e.row(t, "101").status != statusMapped || len(s.stale) != 1 {
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
	s.onRunCheck = func() { runs++ }
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
	if s.agentList.pane.Objects[0] == s.agentList.empty || len(s.agentList.view) != 3 {
		t.Fatalf("agents not shown after a good sync: %d", len(s.agentList.view))
	}
	// A check of another profile does not reload this one.
	s.agentList.view = s.agentList.view[:0]
	e.u.checkFinished(e.p.ID + 100)
	if len(s.agentList.view) != 0 {
		t.Fatal("reloaded for another profile's check")
	}
}

func TestMappingSuggestAndAcceptConfident(t *testing.T) {
	snap := pullDemo(t)
	ps := people(snap)
	// Two agents with the same name make an ambiguous case.
	twin := ps[4]
	twin.ID, twin.Email, twin.Extension = 99001, "other."+twin.Email, ""
	snap.Agents = append(snap.Agents, twin)
	users := []storage.User{
		{Extension: "501", Name: "Someone", Email: strings.ToUpper(ps[0].Email)}, // email
		{Extension: "502", Name: ps[1].Name, Email: ps[1].Email},                 // email
		{Extension: "503", Name: ps[4].Name},                                     // name, ambiguous
		{Extension: "504", Name: "Nobody Matches"},
	}
	e := newMappingEnv(t, users, &snap)
	s := e.s
	if !s.acceptBtn.Disabled() {
		t.Fatal("nothing to accept before suggesting")
	}
	test.Tap(s.suggestBtn)
	e.wait()
	for _, ext := range []string{"501", "502", "503"} {
		if st := e.row(t, ext).status; st != statusSuggested {
			t.Errorf("ext %s: status %v, want suggested", ext, st)
		}
	}
	amb := e.row(t, "503")
	if !strings.HasPrefix(amb.cells[colAgent], "choose: ") || !strings.Contains(amb.cells[colAgent], ps[4].Name) {
		t.Fatalf("ambiguous suggestion shows %q", amb.cells[colAgent])
	}
	if s.acceptBtn.Disabled() {
		t.Fatal("Accept all confident should be enabled")
	}
	test.Tap(s.acceptBtn)
	e.wait()
	ms := e.mappings(t)
	if m := ms[e.userID(t, "501")]; m.AgentID != ps[0].ID || m.MatchedBy != "email" {
		t.Fatalf("501: %+v", m)
	}
	if m := ms[e.userID(t, "502")]; m.AgentID != ps[1].ID || m.MatchedBy != "email" {
		t.Fatalf("502: %+v", m)
	}
	if _, ok := ms[e.userID(t, "503")]; ok {
		t.Fatal("an ambiguous suggestion must not be applied")
	}
	if e.row(t, "503").status != statusSuggested {
		t.Fatal("the ambiguous user stays suggested")
	}
	agents := map[int]bool{}
	for _, m := range ms {
		if agents[m.AgentID] {
			t.Fatal("one agent mapped to two users")
		}
		agents[m.AgentID] = true
	}
	if len(e.audit(t, storage.ActionMappingBulk)) != 1 {
		t.Fatal("accepting was not audited")
	}

	// Choosing a candidate for the ambiguous user records the method.
	s.selAgent = 0
	s.selectUser(e.userID(t, "503"))
	if !strings.Contains(s.status.Text, "Suggested by name") {
		t.Fatalf("status = %q", s.status.Text)
	}
	s.assign(e.userID(t, "503"), twin.ID)
	e.wait()
	if m := e.mappings(t)[e.userID(t, "503")]; m.AgentID != twin.ID || m.MatchedBy != "manual" {
		t.Fatalf("503: %+v", m)
	}

	// Accepting is one undo step.
	test.Tap(s.undoBtn)
	e.wait()
	test.Tap(s.undoBtn)
	e.wait()
	if n := len(e.mappings(t)); n != 0 {
		t.Fatalf("undoing the accept left %d mappings", n)
	}
}

func TestMappingExportAndImport(t *testing.T) {
	snap := agentsSnapshot(4)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	s.assign(e.userID(t, "101"), 1)
	e.wait()
	s.assign(e.userID(t, "102"), 2)
	e.wait()

	test.Tap(s.exportBtn)
	if s.exportDlg == nil || !s.exportDlg.bom.Checked || s.exportDlg.unmapped.Checked {
		t.Fatal("export offers Excel-friendly on and unmapped users off by default")
	}
	s.exportDlg.d.Hide()

	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	s.exportTo(path, mapping.ExportOptions{BOM: true, IncludeUnmapped: true}, nil)
	e.wait()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	if !strings.HasPrefix(text, "\uFEFF"+strings.Join(mapping.ExportHeader, ",")) {
		t.Fatalf("export starts %q", text[:min(80, len(text))])
	}
	lines := strings.Split(strings.TrimSpace(text), "\r\n")
	if len(lines) != 4 || !strings.Contains(lines[1], "Agent 001") || !strings.HasPrefix(lines[3], "103,") {
		t.Fatalf("export lines: %q", lines)
	}
	if len(e.audit(t, "mapping.exported")) != 1 {
		t.Fatal("export was not audited")
	}
	plain := filepath.Join(dir, "plain.csv")
	s.exportTo(plain, mapping.ExportOptions{}, nil)
	e.wait()
	data, _ = os.ReadFile(plain)
	if bytes.HasPrefix(data, []byte("\uFEFF")) || strings.Count(string(data), "\r\n") != 3 {
		t.Fatalf("plain export without unmapped users: %q", data)
	}

	// Change the mappings, then import the file back: the file wins, and a
	// row whose agent no longer exists is reported.
	s.assign(e.userID(t, "103"), 3)
	e.wait()
	s.selectUser(e.userID(t, "101"))
	s.unmapSelected()
	e.wait()
	withGone := strings.TrimSpace(string(data)) + "\r\n103,User 003,user003@contoso.example,4242,Gone Agent,,manual,\r\n"
	s.importMappingsFrom("back.csv", io.NopCloser(strings.NewReader(withGone)))
	e.wait()
	md := s.mapImportDlg
	if md == nil {
		t.Fatal("import must show what it will do first")
	}
	if len(md.problems) != 1 || !strings.Contains(md.problems[0].Reason, "4242") ||
		!strings.Contains(md.problems[0].Reason, "no longer exists") || md.problems[0].Line != 4 {
		t.Fatalf("problems = %+v", md.problems)
	}
	if !strings.Contains(md.summary.Text, "1 new, 0 changed, 1 already") || !strings.Contains(md.summary.Text, "1 row cannot be used") {
		t.Fatalf("summary = %q", md.summary.Text)
	}
	if len(e.mappings(t)) != 2 {
		t.Fatal("nothing may change before Apply")
	}
	md.d.Confirm()
	e.wait()
	ms := e.mappings(t)
	if ms[e.userID(t, "101")].AgentID != 1 || ms[e.userID(t, "102")].AgentID != 2 || ms[e.userID(t, "103")].AgentID != 3 {
		t.Fatalf("after import: %+v", ms)
	}
	if m := ms[e.userID(t, "101")]; m.MatchedBy != "manual" {
		t.Fatalf("imported mapping keeps the file's method: %+v", m)
	}
	test.Tap(s.undoBtn)
	e.wait()
	if _, ok := e.mappings(t)[e.userID(t, "101")]; ok {
		t.Fatal("undo of the import did not remove what it added")
	}

	// A file that is not a mappings file is refused with a clear error.
	s.mapImportDlg = nil
	s.importMappingsFrom("junk.csv", io.NopCloser(strings.NewReader("hello\r\nworld\r\n")))
	e.wait()
	if s.mapImportDlg != nil || !strings.Contains(confirmText(s), "Cannot import junk.csv") {
		t.Fatalf("an unreadable file must show an error, not a plan: %q", confirmText(s))
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
	s.reload()
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
	e.u.profiles.doDelete(*e.u.current)
	e.wait()
	for i := 0; i < s.agentList.Length(); i++ {
		s.agentList.UpdateItem(i, s.agentList.CreateItem())
	}
	if len(s.agentList.view) > len(s.agents) {
		t.Fatalf("the agent view shows %d agents of %d", len(s.agentList.view), len(s.agents))
	}
}

func TestMappingImportThatTouchesAUserTwiceUndoes(t *testing.T) {
	snap := agentsSnapshot(4)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	a, b := e.userID(t, "101"), e.userID(t, "102")
	s.assign(a, 1) // A holds agent 1
	e.wait()
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n" +
		"102,,,1,,,manual,\r\n" + // B takes agent 1 from A …
		"101,,,2,,,manual,\r\n" // … and A gets agent 2
	s.importMappingsFrom("swap.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	md := s.mapImportDlg
	if md == nil {
		t.Fatal("no import dialog")
	}
	// Against the mappings before the import: B is new, A changed.
	if !strings.Contains(md.summary.Text, "1 new, 1 changed, 0 already") {
		t.Fatalf("summary = %q", md.summary.Text)
	}
	md.d.Confirm()
	e.wait()
	if ms := e.mappings(t); ms[a].AgentID != 2 || ms[b].AgentID != 1 || len(ms) != 2 {
		t.Fatalf("after the import: %+v", ms)
	}
	if !strings.Contains(s.status.Text, "1 new, 1 changed") {
		t.Fatalf("status = %q", s.status.Text)
	}
	test.Tap(s.undoBtn)
	e.wait()
	if ms := e.mappings(t); ms[a].AgentID != 1 || len(ms) != 1 {
		t.Fatalf("undo must restore A on agent 1 and unmap B: %+v", ms)
	}
	test.Tap(s.redoBtn)
	e.wait()
	if ms := e.mappings(t); ms[a].AgentID != 2 || ms[b].AgentID != 1 || len(ms) != 2 {
		t.Fatalf("redo: %+v", ms)
	}
}

// mapElsewhere maps a user the way another process would (the CLI's
// `map set`), behind the screen's back.
func (e *mappingEnv) mapElsewhere(t *testing.T, userID int64, agentID int) {
	t.Helper()
	if err := e.db.SetMapping(context.Background(), storage.Mapping{ProfileID: e.p.ID, UserID: userID, AgentID: agentID,
		AgentName: fmt.Sprintf("Agent %03d", agentID), MatchedBy: "manual", MappedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

func TestMappingStepsKeepChangesMadeElsewhere(t *testing.T) {
	snap := agentsSnapshot(6)
	e := newMappingEnv(t, usersList(4), &snap)
	s := e.s
	u1, u2, u3, u4 := e.userID(t, "101"), e.userID(t, "102"), e.userID(t, "103"), e.userID(t, "104")
	s.assign(u1, 1)
	e.wait()
	e.mapElsewhere(t, u3, 3)

	// Undo writes only the user it touches.
	test.Tap(s.undoBtn)
	e.wait()
	if ms := e.mappings(t); len(ms) != 1 || ms[u3].AgentID != 3 {
		t.Fatalf("undo lost the mapping made elsewhere: %+v", ms)
	}
	e.mapElsewhere(t, u4, 4)
	test.Tap(s.redoBtn)
	e.wait()
	if ms := e.mappings(t); len(ms) != 3 || ms[u1].AgentID != 1 || ms[u3].AgentID != 3 || ms[u4].AgentID != 4 {
		t.Fatalf("redo: %+v", ms)
	}

	// So does "Accept all confident".
	s.sugg = map[int64]mapping.Suggestion{u2: {UserID: u2, AgentID: 2, Method: mapping.MethodEmail, Confident: true}}
	s.rebuild()
	e.mapElsewhere(t, u3, 5)
	test.Tap(s.acceptBtn)
	e.wait()
	if ms := e.mappings(t); len(ms) != 4 || ms[u2].AgentID != 2 || ms[u3].AgentID != 5 {
		t.Fatalf("accept lost the mapping made elsewhere: %+v", ms)
	}

	// And an import.
	e.mapElsewhere(t, u3, 6)
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n101,,,3,,,manual,\r\n"
	s.importMappingsFrom("one.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	s.mapImportDlg.d.Confirm()
	e.wait()
	if ms := e.mappings(t); ms[u1].AgentID != 3 || ms[u3].AgentID != 6 || ms[u4].AgentID != 4 {
		t.Fatalf("import lost the mapping made elsewhere: %+v", ms)
	}
}

// overflowingLabels lists the on-canvas labels under o whose text is drawn
// without an ellipsis but is wider than the label: they overlap the next
// column.
func overflowingLabels(o fyne.CanvasObject) []string {
	var out []string
	walkCanvas(o, func(o fyne.CanvasObject) bool {
		if l, ok := o.(*widget.Label); ok && l.Text != "" && l.Truncation == fyne.TextTruncateOff && l.Size().Width > 0 {
			need := fyne.MeasureText(l.Text, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
			if need > l.Size().Width+0.5 {
				out = append(out, fmt.Sprintf("%q (%.0f of %.0f px)", l.Text, need, l.Size().Width))
			}
		}
		return false
	})
	return out
}

func TestAgentRowsRefitWhenThePaneResizes(t *testing.T) {
	e := newMappingEnv(t, usersList(3), nil)
	snap := pullDemo(t)
	if err := e.db.ReplaceSnapshot(context.Background(), e.p.ID, snap, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.s.reload()
	e.wait()
	// Wide first, so every label fits without an ellipsis, then narrower,
	// as when the admin drags the split or shrinks the window.
	e.win.Resize(fyne.NewSize(1800, 760))
	e.s.agentList.Refresh()
	e.win.Resize(fyne.NewSize(1000, 760))
	if bad := overflowingLabels(e.s.agentList); len(bad) > 0 {
		t.Fatalf("agent labels overflow their columns after the resize: %s", strings.Join(bad, ", "))
	}
	e.win.Resize(fyne.NewSize(1180, 760))
	if bad := overflowingLabels(e.s.agentList.pane); len(bad) > 0 {
		t.Fatalf("agent labels overflow their columns: %s", strings.Join(bad, ", "))
	}
}

// demoUsers is demo mode's sample 1stream user list.
func demoUsers(t *testing.T) []storage.User {
	t.Helper()
	prev, err := mapping.ParseUsers(bytes.NewReader(assets.DemoUsersCSV))
	if err != nil || len(prev.Rejected) > 0 {
		t.Fatalf("sample users: %v, %+v", err, prev.Rejected)
	}
	out := make([]storage.User, 0, len(prev.Accepted))
	for _, r := range prev.Accepted {
		out = append(out, storage.User{Extension: r.User.Extension, Name: r.User.Name, Email: r.User.Email})
	}
	return out
}

// cutCells lists the users-table labels on the canvas under o that are
// cut: drawn with an ellipsis, or with a line wider than the cell.
func cutCells(o fyne.CanvasObject) []string {
	var out []string
	walkCanvas(o, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widget.Label)
		if !ok || l.Text == "" || l.Size().Width <= 0 {
			return false
		}
		if strings.Contains(l.Text, "…") || l.Truncation != fyne.TextTruncateOff {
			out = append(out, fmt.Sprintf("%q (ellipsis)", l.Text))
			return false
		}
		for _, line := range strings.Split(l.Text, "\n") {
			need := fyne.MeasureText(line, theme.TextSize(), l.TextStyle).Width + 2*theme.InnerPadding()
			if need > l.Size().Width+0.5 {
				out = append(out, fmt.Sprintf("%q (%.0f of %.0f px)", line, need, l.Size().Width))
			}
		}
		return false
	})
	return out
}

func TestMappingDefaultLayoutFits(t *testing.T) {
	// Demo mode's users and agents, mapped by "Accept all confident", at
	// the default window size.
	e := newMappingEnv(t, demoUsers(t), nil)
	snap := pullDemo(t)
	if err := e.db.ReplaceSnapshot(context.Background(), e.p.ID, snap, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.s.reload()
	e.wait()
	s := e.s
	test.Tap(s.suggestBtn)
	e.wait()
	test.Tap(s.acceptBtn)
	e.wait()
	mapped, _, _, _ := s.counts()
	if mapped < 20 {
		t.Fatalf("only %d demo users mapped", mapped)
	}
	bold := fyne.TextStyle{Bold: true}
	fits := func(text string, style fyne.TextStyle, width float32) bool {
		return fyne.MeasureText(text, theme.TextSize(), style).Width+2*theme.InnerPadding() <= width
	}
	// Every users-table column is in view, each header fits with its sort
	// arrow, and the status words fit their column.
	var need float32
	for c, w := range s.table.colW {
		need += w + theme.Padding()
		if !fits(headerTitles[c][2], bold, w) {
			t.Errorf("header %q does not fit %.0f px", headerTitles[c][2], w)
		}
	}
	if need > s.table.Size().Width {
		t.Errorf("the users table needs %.0f px, has %.0f: its last columns are cut", need, s.table.Size().Width)
	}
	for _, st := range statusText {
		if !fits(st, fyne.TextStyle{}, s.table.colW[colStatus]) {
			t.Errorf("status %q is cut", st)
		}
	}
	// Typical values — every demo user's name, email and agent — show
	// whole, on at most two lines.
	for i := range s.rows {
		r := &s.rows[i]
		for c := range numCols {
			if got := s.fitter().fitCell(r.cells[c], s.table.colW[c], flexible[c]); strings.Contains(got, "…") {
				t.Errorf("%s %q is cut at %.0f px: %q", colTitles[c], r.cells[c], s.table.colW[c], got)
			}
		}
	}
	if bad := cutCells(s.table); len(bad) > 0 {
		t.Errorf("table cells on the canvas are cut: %s", strings.Join(bad, ", "))
	}
	// The agent pane: search placeholder, info line, and every agent's name
	// and team uncut.
	if !fits(s.agentList.query.PlaceHolder, fyne.TextStyle{}, s.agentList.query.Size().Width) {
		t.Errorf("search placeholder %q is cut", s.agentList.query.PlaceHolder)
	}
	if !fits(s.agentList.info.Text, fyne.TextStyle{}, s.agentList.info.Size().Width) {
		t.Errorf("agents info %q is cut", s.agentList.info.Text)
	}
	for _, o := range s.agentList.head.Objects {
		if l := o.(*widget.Label); !fits(l.Text, bold, l.Size().Width) {
			t.Errorf("agent list header %q is cut at %.0f px", l.Text, l.Size().Width)
		}
	}
	row := s.agentList.rows[e.agentSource(t, s.agents[s.agentList.view[0]].Name)] // a row on the canvas
	for _, a := range snap.Agents {
		if !fits(a.Name, bold, row.name.Size().Width) {
			t.Errorf("agent name %q is cut at %.0f px", a.Name, row.name.Size().Width)
		}
		if !fits(a.Team+" ·", fyne.TextStyle{}, row.sub.Size().Width) {
			t.Errorf("team %q is cut", a.Team)
		}
		if !fits("→ "+a.Extension, fyne.TextStyle{}, row.badge.Size().Width) {
			t.Errorf("the “mapped to” badge for %s is cut", a.Extension)
		}
	}
	if bad := overflowingLabels(s.agentList.pane); len(bad) > 0 {
		t.Errorf("labels overflow: %s", strings.Join(bad, ", "))
	}
}

func TestMappingTextColumnsShareTheWidth(t *testing.T) {
	e := newMappingEnv(t, demoUsers(t), nil)
	s := e.s
	sum := func() (total float32) {
		for _, w := range s.table.colW {
			total += w + theme.Padding()
		}
		return total
	}
	at := s.table.colW
	if d := s.table.Size().Width - sum(); d < 0 || d > float32(numCols) {
		t.Fatalf("the columns take %.0f of %.0f px", sum(), s.table.Size().Width)
	}
	// A wider window widens the text columns, and only them; the columns
	// still fill the table.
	e.win.Resize(fyne.NewSize(1800, 900))
	for c := range numCols {
		switch {
		case flexible[c] && s.table.colW[c] <= at[c]:
			t.Errorf("%s stayed %.0f px wide in a wider window", colTitles[c], s.table.colW[c])
		case !flexible[c] && s.table.colW[c] != at[c]:
			t.Errorf("%s changed from %.0f to %.0f px", colTitles[c], at[c], s.table.colW[c])
		}
	}
	if d := s.table.Size().Width - sum(); d < 0 || d > float32(numCols) {
		t.Fatalf("wide: the columns take %.0f of %.0f px", sum(), s.table.Size().Width)
	}
	// The cells on the canvas re-fit their text to the new width: one
	// line where it now fits.
	if bad := cutCells(s.table); len(bad) > 0 {
		t.Errorf("cut after widening: %s", strings.Join(bad, ", "))
	}
	email := e.userCell(t, "jose.alvarez@contoso-msp.com")
	if email == nil {
		t.Fatal("the email is not on one line in a wide window")
	}
	e.win.Resize(fyne.NewSize(1180, 760))
	if s.table.colW != at {
		t.Fatalf("back at the default size: %v, was %v", s.table.colW, at)
	}
}

// TestUsersTableScrollOnlyCopiesFittedText: a row is fitted to its
// columns once per width, so scrolling back over it measures nothing.
func TestUsersTableScrollOnlyCopiesFittedText(t *testing.T) {
	e := newMappingEnv(t, demoUsers(t), nil)
	s := e.s
	calls := 0
	s.measure = func(text string, size float32, style fyne.TextStyle) fyne.Size {
		calls++
		return fyne.MeasureText(text, size, style)
	}
	cell := s.table.CreateCell()
	cell.Resize(fyne.NewSize(s.table.colW[colEmail], 60))
	a, b := widget.TableCellID{Row: 1, Col: colEmail}, widget.TableCellID{Row: 30, Col: colEmail}
	s.table.updateCell(a, cell)
	s.table.updateCell(b, cell)
	if calls == 0 {
		t.Fatal("the first update of a row did not fit its text")
	}
	calls = 0
	for range 10 {
		s.table.updateCell(a, cell)
		s.table.updateCell(b, cell)
	}
	if calls != 0 {
		t.Fatalf("scrolling over fitted rows measured text %d times", calls)
	}
	// What an update still allocates is Fyne's own: Label.Refresh has its
	// RichText split the new text into segments and lines and rebuild the
	// text objects. Measured on a bare label with the same texts, the
	// update path adds nothing of its own.
	l := cell.(*fyne.Container).Objects[1].(*widget.Label)
	texts := [2]string{s.rows[s.table.view[a.Row]].shown[colEmail], s.rows[s.table.view[b.Row]].shown[colEmail]}
	if !strings.Contains(texts[0]+texts[1], "\n") {
		t.Fatalf("the emails should take two lines at %.0f px: %q", s.table.colW[colEmail], texts)
	}
	bare := widget.NewLabel(texts[0])
	bare.Resize(l.Size())
	i := 0
	label := testing.AllocsPerRun(50, func() {
		i++
		bare.Text = texts[i%2]
		bare.Refresh()
	})
	j := 0
	update := testing.AllocsPerRun(50, func() {
		j++
		if j%2 == 0 {
			s.table.updateCell(a, cell)
		} else {
			s.table.updateCell(b, cell)
		}
	})
	if update > label {
		t.Fatalf("an update of a fitted cell allocates %.0f times, the label's own refresh %.0f", update, label)
	}
}

func TestDragReleaseAfterTheViewChangedDropsNothing(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	src := e.agentSource(t, "Agent 001")
	dst := e.userCell(t, "User 001")
	dragTo(src, abs(dst).AddXY(8, dst.Size().Height/2), 4)
	if s.table.hoverRow != 0 {
		t.Fatalf("hovered row %d, want the first", s.table.hoverRow)
	}
	// The view changes under the pointer (here: sorted the other way), so
	// User 003 now sits in the highlighted row.
	s.table.sortBy(colExt)
	src.DragEnd()
	e.wait()
	if ms := e.mappings(t); len(ms) != 0 {
		t.Fatalf("releasing without moving after the view changed mapped %+v", ms)
	}
	// Moving again highlights what is really under the pointer, and drops there.
	src = e.agentSource(t, "Agent 001")
	dst = e.userCell(t, "User 001")
	dragTo(src, abs(dst).AddXY(8, dst.Size().Height/2), 4)
	src.DragEnd()
	e.wait()
	if ms := e.mappings(t); ms[e.userID(t, "101")].AgentID != 1 || len(ms) != 1 {
		t.Fatalf("drop after the view change: %+v", ms)
	}
}

func TestMappingDataReplacedMidDragCancelsTheDrag(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	src := e.agentSource(t, "Agent 001")
	dst := e.userCell(t, "User 002")
	to := abs(dst).AddXY(8, dst.Size().Height/2)
	dragTo(src, to, 4)
	// A new sync arrives mid-drag with an agent that sorts first: the
	// dragged row's agent index now means another agent.
	snap.Agents = append(snap.Agents, halo.Agent{ID: 77, Name: "Aaron First", Email: "aaron@contoso.example"})
	if err := e.db.ReplaceSnapshot(context.Background(), e.p.ID, snap, time.Now()); err != nil {
		t.Fatal(err)
	}
	s.reload()
	e.wait()
	dragTo(src, to, 2)
	src.DragEnd()
	e.wait()
	if ms := e.mappings(t); len(ms) != 0 {
		t.Fatalf("a drag across a reload dropped %+v", ms)
	}
	if s.dnd.ghost.Visible() || s.table.hoverRow != -1 {
		t.Fatal("the cancelled drag left its ghost or highlight")
	}
}

func TestMappingChangesFinishingAfterAProfileSwitch(t *testing.T) {
	snap := agentsSnapshot(6)
	e := newMappingEnv(t, usersList(4), &snap)
	s := e.s
	u1, u2, u3 := e.userID(t, "101"), e.userID(t, "102"), e.userID(t, "103")
	other, err := e.db.CreateProfile(context.Background(), storage.Profile{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	switchTo := func(id int64) {
		t.Helper()
		e.u.profiles.afterChange(id) // inline; e.wait() would wait for the held work
		if e.u.current.ID != id || s.profile.ID != id {
			t.Fatalf("profile %d not shown", id)
		}
	}
	// Each change is still being saved when the admin picks the other
	// profile; it finishes there. Other's history stays empty, and no
	// panic (undo used to pop Other's empty history).
	finishOnOther := func(what string, start func()) {
		t.Helper()
		release := holdAsync(t, e.u, start)
		switchTo(other.ID)
		release()
		e.wait()
		if s.history.canUndo() || s.history.canRedo() || !s.undoBtn.Disabled() {
			t.Fatalf("%s of Contoso MSP landed in Other's undo history", what)
		}
		switchTo(e.p.ID)
	}

	s.assign(u1, 1)
	e.wait()
	finishOnOther("undo", s.undo)
	if _, ok := e.mappings(t)[u1]; ok {
		t.Fatal("the undo itself was not saved")
	}
	finishOnOther("a mapping", func() { s.assign(u2, 2) })
	s.sugg = map[int64]mapping.Suggestion{u3: {UserID: u3, AgentID: 3, Method: mapping.MethodEmail, Confident: true}}
	s.rebuild()
	finishOnOther("Accept all confident", s.acceptConfident)
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n104,,,4,,,manual,\r\n"
	s.importMappingsFrom("one.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	finishOnOther("an import", s.mapImportDlg.d.Confirm)
	if ms := e.mappings(t); ms[u2].AgentID != 2 || ms[u3].AgentID != 3 || ms[e.userID(t, "104")].AgentID != 4 {
		t.Fatalf("the changes were not saved: %+v", ms)
	}
	// Back on Contoso MSP the screen works as before.
	s.assign(u1, 5)
	e.wait()
	if !s.history.canUndo() || e.mappings(t)[u1].AgentID != 5 {
		t.Fatal("mapping after the switches")
	}
}

func TestMappingStepsRefuseToOverwriteChangesMadeElsewhere(t *testing.T) {
	snap := agentsSnapshot(6)
	e := newMappingEnv(t, usersList(4), &snap)
	s := e.s
	u1, u2, u3, u4 := e.userID(t, "101"), e.userID(t, "102"), e.userID(t, "103"), e.userID(t, "104")
	refused := func(what, text string) {
		t.Helper()
		if s.status.Text != text {
			t.Fatalf("%s: status %q", what, s.status.Text)
		}
		if s.conflictDlg == nil || e.win.Canvas().Overlays().Top() == nil {
			t.Fatalf("%s: the conflict is not shown in a dialog", what)
		}
		e.u.escape()
		s.conflictDlg = nil
	}

	// Undo of a user that `map set` re-mapped meanwhile.
	s.assign(u1, 1)
	e.wait()
	e.mapElsewhere(t, u1, 5)
	test.Tap(s.undoBtn)
	e.wait()
	if ms := e.mappings(t); len(ms) != 1 || ms[u1].AgentID != 5 {
		t.Fatalf("undo overwrote the mapping made elsewhere: %+v", ms)
	}
	refused("undo", conflictUndoText)
	if s.history.canUndo() || !s.undoBtn.Disabled() || !s.redoBtn.Disabled() {
		t.Fatal("the undo history must be cleared")
	}
	if r := e.row(t, "101"); r.cells[colAgent] != "Agent 005" {
		t.Fatalf("the screen was not reloaded: %q", r.cells[colAgent])
	}
	if n := len(e.audit(t, actionMappingUndo)); n != 0 {
		t.Fatalf("a refused undo was audited %d times", n)
	}

	// Redo of a step whose agent was given to another user meanwhile.
	s.assign(u2, 2)
	e.wait()
	test.Tap(s.undoBtn)
	e.wait()
	e.mapElsewhere(t, u3, 2)
	test.Tap(s.redoBtn)
	e.wait()
	if ms := e.mappings(t); ms[u3].AgentID != 2 || ms[u2].AgentID != 0 {
		t.Fatalf("redo took the agent mapped elsewhere: %+v", ms)
	}
	refused("redo", conflictUndoText)

	// "Accept all confident", computed while a user looked unmapped.
	s.sugg = map[int64]mapping.Suggestion{u4: {UserID: u4, AgentID: 3, Method: mapping.MethodEmail, Confident: true}}
	s.rebuild()
	e.mapElsewhere(t, u4, 4)
	test.Tap(s.acceptBtn)
	e.wait()
	if ms := e.mappings(t); ms[u4].AgentID != 4 {
		t.Fatalf("accept overwrote the mapping made elsewhere: %+v", ms)
	}
	refused("accept", conflictApplyText)

	// An import planned from the mappings on screen.
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n102,,,6,,,manual,\r\n"
	s.importMappingsFrom("one.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	e.mapElsewhere(t, u2, 1)
	s.mapImportDlg.d.Confirm()
	e.wait()
	if ms := e.mappings(t); ms[u2].AgentID != 1 {
		t.Fatalf("the import overwrote the mapping made elsewhere: %+v", ms)
	}
	refused("import", conflictApplyText)
}

func TestUndoRedoShortcutsReachTheScreenFromTheSearchBoxes(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(2), &snap)
	s := e.s
	u1 := e.userID(t, "101")
	s.assign(u1, 1)
	e.wait()
	mapped := func() bool { _, ok := e.mappings(t)[u1]; return ok }
	for _, box := range []*shortcutEntry{s.userSearch, s.agentList.query} {
		test.Type(box, "1")
		e.win.Canvas().Focus(box)
		for _, sc := range []struct {
			sc   fyne.Shortcut
			want bool
		}{{&fyne.ShortcutUndo{}, false}, {redoShortcut, true}, {&fyne.ShortcutUndo{}, false}, {&fyne.ShortcutRedo{}, true}} {
			box.TypedShortcut(sc.sc) // what the driver does with a focused entry
			e.wait()
			if mapped() != sc.want {
				t.Fatalf("%s in a search box: mapped = %v", sc.sc.ShortcutName(), mapped())
			}
		}
		if box.Text != "1" {
			t.Fatalf("the search box's own undo ran: %q", box.Text)
		}
		box.SetText("")
	}
}

func TestUndoingAcceptAllConfidentOffersTheSuggestionsAgain(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, []storage.User{
		{Extension: "501", Name: "Someone", Email: "agent001@contoso.example"},
		{Extension: "502", Name: "Someone Else", Email: "AGENT002@contoso.example"},
	}, &snap)
	s := e.s
	test.Tap(s.suggestBtn)
	e.wait()
	test.Tap(s.acceptBtn)
	e.wait()
	if n := len(e.mappings(t)); n != 2 {
		t.Fatalf("accept mapped %d users", n)
	}
	test.Tap(s.undoBtn)
	e.wait()
	for ext, agent := range map[string]string{"501": "Agent 001?", "502": "Agent 002?"} {
		if r := e.row(t, ext); r.status != statusSuggested || r.cells[colAgent] != agent {
			t.Fatalf("after undo, ext %s: %v %q", ext, r.status, r.cells[colAgent])
		}
	}
	if s.acceptBtn.Disabled() || s.counters.Text != "Mapped 0 / 2 · 2 suggested" {
		t.Fatalf("the suggestions are not back: %q", s.counters.Text)
	}
	test.Tap(s.redoBtn)
	e.wait()
	if n := len(e.mappings(t)); n != 2 || e.row(t, "501").status != statusMapped {
		t.Fatal("redo did not map them again")
	}
}
