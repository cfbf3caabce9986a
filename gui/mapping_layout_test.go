package gui

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

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
	e.s.model.reload()
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
func demoUsers(t *testing.T) []mapping.User {
	t.Helper()
	prev, err := mapping.ParseUsers(bytes.NewReader(assets.DemoUsersCSV))
	if err != nil || len(prev.Rejected) > 0 {
		t.Fatalf("sample users: %v, %+v", err, prev.Rejected)
	}
	out := make([]mapping.User, 0, len(prev.Accepted))
	for _, r := range prev.Accepted {
		out = append(out, mapping.User{Extension: r.User.Extension, Name: r.User.Name, Email: r.User.Email})
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
	e.s.model.reload()
	e.wait()
	s := e.s
	test.Tap(s.suggestBtn)
	e.wait()
	test.Tap(s.acceptBtn)
	e.wait()
	mapped := s.model.counts.Mapped
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
	for _, st := range rowStatuses {
		if !fits(string(st), fyne.TextStyle{}, s.table.colW[colStatus]) {
			t.Errorf("status %q is cut", st)
		}
	}
	// Typical values — every demo user's name, email and agent — show
	// whole, on at most two lines.
	for i := range s.model.rows {
		r := &s.model.rows[i]
		for c := range numCols {
			if got := s.table.fitter().fitCell(r.cells[c], s.table.colW[c], flexible[c]); strings.Contains(got, "…") {
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
	row := s.agentList.rows[e.agentSource(t, s.model.agents[s.model.agentView.order[0]].Name)] // a row on the canvas
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
	s.table.s.measure = func(text string, size float32, style fyne.TextStyle) fyne.Size {
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
	texts := [2]string{s.model.rows[s.model.userView.order[a.Row]].shown[colEmail], s.model.rows[s.model.userView.order[b.Row]].shown[colEmail]}
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
	s.model.reload()
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
