package gui

import (
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

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

func TestMappingDragToMap(t *testing.T) {
	snap := agentsSnapshot(5)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	if got := s.counters.Text; got != "Mapped 0 / 3" {
		t.Fatalf("counters = %q", got)
	}
	if len(s.model.agentView.order) != 5 {
		t.Fatalf("agent list shows %d agents; the API agent and the disabled one are hidden by default", len(s.model.agentView.order))
	}

	// Mid-drag: the row under the pointer is highlighted and the ghost
	// follows the pointer.
	src := e.agentSource(t, "Agent 002")
	dst := e.userCell(t, "User 002")
	to := abs(dst).AddXY(8, dst.Size().Height/2)
	dragTo(src, to, 6)
	wantRow := s.model.viewRowOf(e.userID(t, "102"))
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
	if r.status != mapping.StatusMapped || r.cells[colAgent] != "Agent 002" || r.cells[colHow] != "manual" {
		t.Fatalf("row = %+v", r)
	}
	if s.counters.Text != "Mapped 1 / 3" {
		t.Fatalf("counters = %q", s.counters.Text)
	}
	if b := s.model.badges[s.model.agentPos[2]]; b != "→ 102" {
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
	if len(s.model.userView.order) != 1 {
		t.Fatalf("mapped filter shows %d rows", len(s.model.userView.order))
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
	s.agentList.ScrollTo(s.model.agentRowOf(250))
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
