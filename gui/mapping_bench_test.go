package gui

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// benchScreen is the mapping screen of a real UI on a temp database with
// users users and agents agents, shown in a window.
func benchScreen(b *testing.B, users, agents int) *mappingScreen {
	b.Helper()
	a := test.NewTempApp(b)
	db, err := storage.Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	env := &Env{DB: db, Secrets: storage.NewMemorySecrets(), Log: applog.Discard(), closers: []func(){func() { db.Close() }}}
	w := a.NewWindow("bench")
	u := newUI(a, w, env, testOptions())
	w.Resize(fyne.NewSize(1180, 760))
	b.Cleanup(func() { u.Close(); w.Close() })
	u.Start()
	u.bg.wait()

	ctx := context.Background()
	p, err := db.CreateProfile(ctx, storage.Profile{Name: "Bench"})
	if err != nil {
		b.Fatal(err)
	}
	if err := db.ReplaceSnapshot(ctx, p.ID, agentsSnapshot(agents), time.Now()); err != nil {
		b.Fatal(err)
	}
	if _, _, err := db.UpsertUsers(ctx, p.ID, usersList(users)); err != nil {
		b.Fatal(err)
	}
	u.profiles.afterChange(p.ID)
	u.bg.wait()
	u.showScreen(func(sc screen) bool { return sc == screen(findScreen[*mappingScreen](u)) })
	u.bg.wait()
	s := findScreen[*mappingScreen](u)
	if len(s.model.userView.order) != users || len(s.model.agentView.order) != agents {
		b.Fatalf("shows %d users and %d agents", len(s.model.userView.order), len(s.model.agentView.order))
	}
	return s
}

// BenchmarkUsersTableUpdateCell is the work per cell scrolled into view:
// UpdateCell on a recycled cell of a 10,000-user table.
func BenchmarkUsersTableUpdateCell(b *testing.B) {
	s := benchScreen(b, 10_000, 100)
	cell := s.table.CreateCell()
	cell.Resize(fyne.NewSize(colWidths[colEmail], 36))
	rows := len(s.model.userView.order)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// Rows far apart, so the cell's text changes as when scrolling.
		s.table.updateCell(widget.TableCellID{Row: (i * 7919) % rows, Col: i % numCols}, cell)
		i++
	}
}

// BenchmarkUsersTableScroll scrolls the 10,000-user table by a screenful
// per operation: Fyne's layout of the visible cells plus UpdateCell for
// the rows that come into view.
func BenchmarkUsersTableScroll(b *testing.B) {
	s := benchScreen(b, 10_000, 100)
	pitch := s.table.target.last.Size().Height + s.table.target.gap
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.table.ScrollToOffset(fyne.NewPos(0, float32((i*13)%9_000)*pitch))
		i++
	}
}

// BenchmarkAgentFilterAndRefresh is one keystroke in the agent search box
// with 10,000 agents: filter (mapping.AgentIndex), refresh the list, keep
// the selection. The target is well under 16 ms.
func BenchmarkAgentFilterAndRefresh(b *testing.B) {
	s := benchScreen(b, 100, 10_000)
	queries := []string{"a", "ag", "agent 0", "agent 05", "agent 055", "support", "10", "", "zz"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.agentList.query.SetText(queries[i%len(queries)]) // OnChanged filters and refreshes
		i++
	}
}

// BenchmarkUserSearch is one keystroke in the users search box with 10,000
// users: filter, sort, refresh the table.
func BenchmarkUserSearch(b *testing.B) {
	s := benchScreen(b, 10_000, 100)
	queries := []string{"u", "user 0", "user 09", "contoso", "", "1"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.userSearch.SetText(queries[i%len(queries)])
		i++
	}
}

// BenchmarkAgentListScroll scrolls the 10,000-agent list a screenful per
// operation (UpdateItem on recycled rows).
func BenchmarkAgentListScroll(b *testing.B) {
	s := benchScreen(b, 100, 10_000)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.agentList.ScrollToOffset(float32((i*13)%9_000) * 40)
		i++
	}
}

// BenchmarkRebuild10k is the UI-goroutine work after each saved change with
// 10,000 users and 10,000 agents: rows, badges, counters, view.
func BenchmarkRebuild10k(b *testing.B) {
	s := benchScreen(b, 10_000, 10_000)
	b.ReportAllocs()
	for b.Loop() {
		s.model.rebuild()
	}
}
