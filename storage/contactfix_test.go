package storage

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// fixSetup is a profile, a simulated Halo and a client of it.
type fixSetup struct {
	db *DB
	p  Profile
	s  *halotest.Server
	c  *halo.Client
}

func newFixSetup(t *testing.T, sc halotest.Scenario, cfg func(*halo.Config)) fixSetup {
	t.Helper()
	db := openTest(t)
	f := fixSetup{db: db, p: mustProfile(t, db, "Contoso")}
	f.s = halotest.New(sc)
	t.Cleanup(f.s.Close)
	hc := halo.Config{URL: f.s.URL(), ClientID: f.s.ClientID(), ClientSecret: f.s.ClientSecret(), HTTPClient: f.s.Client(),
		// A clock hook gives the client its own limiter.
		Now: time.Now}
	if cfg != nil {
		cfg(&hc)
	}
	c, err := halo.NewClient(hc)
	if err != nil {
		t.Fatal(err)
	}
	f.c = c
	return f
}

// plan pulls and plans a fix in E.164 for GB, confirmed as shown.
func (f fixSetup) plan(t *testing.T) (contacts.FixPlan, PulledContacts, *halo.ConfirmedWrite) {
	t.Helper()
	pulled, err := PullContacts(context.Background(), f.c, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan := contacts.PlanFix(pulled.Contacts, "GB", contacts.FormatE164)
	if len(plan.Changes) == 0 {
		t.Fatal("nothing to fix")
	}
	cw, err := contacts.Confirm(plan.Changes, len(plan.Changes))
	if err != nil {
		t.Fatal(err)
	}
	return plan, pulled, cw
}

// undo plans and runs the undo of runID, confirmed as shown.
func (f fixSetup) undo(t *testing.T, runID int64) (UndoPlan, FixResult, error) {
	t.Helper()
	up, err := PlanUndo(context.Background(), f.db, f.c, f.p.ID, runID, nil)
	if err != nil {
		return up, FixResult{}, err
	}
	cw, err := up.Confirm(len(up.Changes))
	if err != nil {
		t.Fatal(err)
	}
	res, err := RunUndo(context.Background(), f.db, f.c, f.p.ID, up, cw, FixOptions{})
	return up, res, err
}

func (f fixSetup) run(t *testing.T, ctx context.Context, cw *halo.ConfirmedWrite, opts FixOptions) (FixResult, error) {
	t.Helper()
	return RunContactFix(ctx, f.db, f.c, f.p.ID, FixKindFix, "e164", "GB", cw, opts)
}

// consistent checks that the journal as stored is the result: every change
// once, counts adding up, nothing written that Halo does not hold.
func consistent(t *testing.T, f fixSetup, res FixResult) {
	t.Helper()
	run, entries, err := f.db.FixJournal(context.Background(), res.Run.ID)
	if err != nil {
		t.Fatal(err)
	}
	if run.State == FixRunning || run.Planned != len(entries) || run.Written+run.SkippedChanged+run.Failed+run.Unsent() != run.Planned || run.Unsent() < 0 {
		t.Fatalf("run %+v with %d entries", run, len(entries))
	}
	counts := map[string]int{}
	for i, e := range entries {
		counts[e.Status]++
		if e != res.Changes[i] {
			t.Fatalf("journal %+v, result %+v", e, res.Changes[i])
		}
		switch e.Status {
		case ChangeWritten:
			if v, _ := f.s.ContactField(e.ContactID, string(e.Field)); v != e.New || !e.Sent {
				t.Fatalf("written %+v but Halo holds %q", e, v)
			}
		case ChangeSkippedChanged:
			if e.Sent {
				t.Fatalf("skipped but sent: %+v", e)
			}
		case ChangePlanned:
			if v, _ := f.s.ContactField(e.ContactID, string(e.Field)); !e.Sent && v != e.Old {
				t.Fatalf("unsent %+v but Halo holds %q", e, v)
			}
		}
	}
	if counts[ChangeWritten] != run.Written || counts[ChangeFailed] != run.Failed || counts[ChangeSkippedChanged] != run.SkippedChanged {
		t.Fatalf("statuses %v, run %+v", counts, run)
	}
	if f.s.CreatedUsers() != 0 {
		t.Fatal("a user was created in Halo")
	}
}

func TestContactFixAndUndoDemo(t *testing.T) {
	f := newFixSetup(t, halotest.Demo(), nil)
	ctx := context.Background()
	plan, pulled, cw := f.plan(t)
	var progress []FixProgress
	res, err := f.run(t, ctx, cw, FixOptions{Current: &pulled, Progress: func(p FixProgress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	consistent(t, f, res)
	r := res.Run
	if r.State != FixDone || r.Written != len(plan.Changes) || r.Failed+r.SkippedChanged != 0 || r.Kind != FixKindFix {
		t.Fatalf("run %+v", r)
	}
	wantBatches := (plan.Contacts + halo.UpdateBatchSize - 1) / halo.UpdateBatchSize
	if f.s.WritePOSTs() != wantBatches {
		t.Fatalf("%d POSTs for %d contacts", f.s.WritePOSTs(), plan.Contacts)
	}
	if _, most := f.s.WrittenEntries(); most > halo.UpdateBatchSize {
		t.Fatalf("%d entries in one request", most)
	}
	last := progress[len(progress)-1]
	if last.Stage != "done" || last.Batches != wantBatches || last.Written != r.Written {
		t.Fatalf("last progress %+v", last)
	}
	// Nothing is left to fix, and what Halo now holds is the plan's New.
	again, err := PullContacts(ctx, f.c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p2 := contacts.PlanFix(again.Contacts, "GB", contacts.FormatE164); len(p2.Changes) != 0 || p2.InFormat != plan.InFormat+len(plan.Changes) {
		t.Fatalf("after the fix: %d changes, %d in format", len(p2.Changes), p2.InFormat)
	}
	// History and audit log: counts only.
	hist, ok, err := f.db.LatestRun(ctx, f.p.ID, RunContactsFix)
	if err != nil || !ok || !hist.OK || !strings.Contains(hist.Summary, "written") {
		t.Fatalf("history %+v %v %v", hist, ok, err)
	}
	ev := lastAudit(t, f.db, f.p.ID)
	for _, c := range plan.Changes[:3] {
		if strings.Contains(ev.Detail+hist.Summary+string(hist.Report), c.Old) || strings.Contains(ev.Detail+hist.Summary, c.Contact) {
			t.Fatalf("history or audit log carries personal data: %q / %q", ev.Detail, hist.Summary)
		}
	}

	// Undo restores everything (the last run by default).
	up, ures, err := f.undo(t, 0)
	if err != nil || up.Run.ID != r.ID || len(up.Changes) != r.Written || len(up.Skipped) != 0 {
		t.Fatalf("undo plan %d changes, %d skipped, run %d: %v", len(up.Changes), len(up.Skipped), up.Run.ID, err)
	}
	if ures.Run.Written != r.Written || ures.Run.Kind != FixKindUndo || ures.Run.UndoOf != r.ID {
		t.Fatalf("undo %+v", ures.Run)
	}
	consistent(t, f, ures)
	for _, c := range plan.Changes {
		if v, _ := f.s.ContactField(c.ContactID, string(c.Field)); v != c.Old {
			t.Fatalf("after undo contact %d %s holds %q, want %q", c.ContactID, c.Field, v, c.Old)
		}
	}
	if _, ok, _ := f.db.LatestRun(ctx, f.p.ID, RunContactsUndo); !ok {
		t.Fatal("no undo in the history")
	}
	// Undone once: nothing more to undo; an undo is not undone.
	if _, err := PlanUndo(ctx, f.db, f.c, f.p.ID, 0, nil); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("second undo: %v", err)
	}
	if _, err := PlanUndo(ctx, f.db, f.c, f.p.ID, ures.Run.ID, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("undo of an undo: %v", err)
	}
	runs, err := f.db.FixRuns(ctx, f.p.ID)
	if err != nil || len(runs) != 2 || runs[1].UndoneBy != ures.Run.ID {
		t.Fatalf("runs %+v %v", runs, err)
	}
}

// A person's edit between plan and write is not clobbered: the fresh pull
// right before writing skips it.
func TestContactFixSkipsAPersonsEdit(t *testing.T) {
	f := newFixSetup(t, halotest.Demo(), nil)
	plan, _, cw := f.plan(t)
	edited := plan.Changes[3]
	f.s.SetContactField(edited.ContactID, string(edited.Field), "0113 496 0123 (reception)")
	res, err := f.run(t, context.Background(), cw, FixOptions{}) // no pull to reuse: the run pulls
	if err != nil {
		t.Fatal(err)
	}
	consistent(t, f, res)
	if res.Run.SkippedChanged != 1 || res.Run.Written != len(plan.Changes)-1 {
		t.Fatalf("run %+v", res.Run)
	}
	if v, _ := f.s.ContactField(edited.ContactID, string(edited.Field)); v != "0113 496 0123 (reception)" {
		t.Fatalf("the person's edit became %q", v)
	}
	for _, e := range res.Changes {
		if (e.Status == ChangeSkippedChanged) != (e.ContactID == edited.ContactID && e.Field == edited.Field) {
			t.Fatalf("entry %+v", e)
		}
	}
	// A pull older than ReusePullFor is not reused.
	f2 := newFixSetup(t, halotest.Demo(), nil)
	_, pulled, cw2 := f2.plan(t)
	pulled.At = time.Now().Add(-2 * ReusePullFor)
	f2.s.SetContactField(edited.ContactID, string(edited.Field), "changed")
	res, err = f2.run(t, context.Background(), cw2, FixOptions{Current: &pulled})
	if err != nil || res.Run.SkippedChanged != 1 {
		t.Fatalf("stale pull reused: %+v %v", res.Run, err)
	}
}

// Each change is in the journal, marked sent and committed, before its
// request arrives at Halo: checked through another connection when the
// POST arrives.
func TestContactFixJournalCommittedBeforeRequest(t *testing.T) {
	var f fixSetup
	var ro *sql.DB
	var checked atomic.Int32
	var hookErr atomic.Value
	f = newFixSetup(t, halotest.Scenario{OnWrite: func(ids []int) int {
		var run int64
		var sent, total int
		q := `SELECT run_id, count(*) FILTER (WHERE sent_at IS NOT NULL), count(*) FROM contact_changes
			WHERE run_id = (SELECT max(id) FROM contact_fix_runs) AND contact_id IN (` + strings.Repeat("?,", len(ids)-1) + `?)`
		args := make([]any, len(ids))
		for i, id := range ids {
			args[i] = id
		}
		if err := ro.QueryRow(q, args...).Scan(&run, &sent, &total); err != nil || total == 0 || sent != total {
			hookErr.Store(errors.New("POST arrived before its journal rows were committed as sent"))
		}
		checked.Add(1)
		return 0
	}}, nil)
	var err error
	ro, err = sql.Open("sqlite3", "file:"+f.db.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, pulled, cw := f.plan(t)
	res, err := f.run(t, context.Background(), cw, FixOptions{Current: &pulled})
	if err != nil {
		t.Fatal(err)
	}
	if e := hookErr.Load(); e != nil {
		t.Fatal(e)
	}
	if int(checked.Load()) != f.s.WritePOSTs() || checked.Load() == 0 {
		t.Fatalf("%d checks for %d POSTs", checked.Load(), f.s.WritePOSTs())
	}
	consistent(t, f, res)
}

// Cancel stops between batches: what was sent is known and journaled, the
// rest is planned and unsent, the run is recorded as cancelled.
func TestContactFixCancelMidRun(t *testing.T) {
	f := newFixSetup(t, halotest.Scenario{Contacts: halotest.ContactScenario{Count: 800, Seed: 5}}, nil)
	plan, pulled, cw := f.plan(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := f.run(t, ctx, cw, FixOptions{Current: &pulled, Progress: func(p FixProgress) {
		if p.Stage == "write" && p.Batches == 2 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	consistent(t, f, res)
	r := res.Run
	if r.State != FixCancelled || f.s.WritePOSTs() != 2 || r.Written == 0 || r.Unsent() == 0 || r.Written+r.Unsent() != len(plan.Changes) {
		t.Fatalf("cancelled run %+v after %d POSTs", r, f.s.WritePOSTs())
	}
	for _, e := range res.Changes {
		if e.Status == ChangePlanned && e.Sent {
			t.Fatalf("an unsent change is marked sent: %+v", e)
		}
	}
	hist, ok, _ := f.db.LatestRun(context.Background(), f.p.ID, RunContactsFix)
	if !ok || hist.OK || !strings.Contains(hist.Summary, "cancelled") {
		t.Fatalf("history %+v", hist)
	}
}

// 403: the error names the Feature Access row and its checklist step;
// nothing is marked written; the run stops.
func TestContactFixForbidden(t *testing.T) {
	f := newFixSetup(t, halotest.Scenario{WriteForbidden: true, Contacts: halotest.ContactScenario{Count: 300, Seed: 2}}, nil)
	_, pulled, cw := f.plan(t)
	res, err := f.run(t, context.Background(), cw, FixOptions{Current: &pulled})
	var he *halo.Error
	if !errors.As(err, &he) || he.Kind != halo.KindForbidden || he.Step != "agent-perm-users" ||
		!strings.Contains(he.Message, "Users Access Level: Read and Modify") {
		t.Fatalf("err %v", err)
	}
	consistent(t, f, res)
	if res.Run.Written != 0 || res.Run.State != FixFailed || res.Run.ErrorKind != halo.KindForbidden || f.s.WritePOSTs() != 1 {
		t.Fatalf("run %+v after %d POSTs", res.Run, f.s.WritePOSTs())
	}
	d, err := LoadDayTwo(context.Background(), f.db, f.p.ID)
	if err != nil || !d.Fixed || !d.FixRun.NeedsAttention(time.Now()) {
		t.Fatalf("day two %+v %v", d.FixRun, err)
	}
}

// A 429 on one batch waits and sends it again; a 500 on another fails that
// batch only and the run goes on.
func TestContactFixRateLimitedAndServerErrorBatches(t *testing.T) {
	var mu sync.Mutex
	posts := 0
	f := newFixSetup(t, halotest.Scenario{Contacts: halotest.ContactScenario{Count: 400, Seed: 9}, OnWrite: func([]int) int {
		mu.Lock()
		defer mu.Unlock()
		posts++
		switch posts {
		case 2:
			return http.StatusTooManyRequests
		case 4:
			return http.StatusInternalServerError
		}
		return 0
	}}, func(c *halo.Config) {
		c.Sleep = func(context.Context, time.Duration) error { return nil } // backoffs pass at once
	})
	plan, pulled, cw := f.plan(t)
	res, err := f.run(t, context.Background(), cw, FixOptions{Current: &pulled})
	if err != nil {
		t.Fatal(err)
	}
	consistent(t, f, res)
	r := res.Run
	failedBatch := 0
	for _, e := range res.Changes {
		if e.Status == ChangeFailed {
			failedBatch++
			if e.Reason != string(halo.KindServer) {
				t.Fatalf("failed entry %+v", e)
			}
		}
	}
	if r.State != FixDone || r.Failed == 0 || r.Failed != failedBatch || r.Written != len(plan.Changes)-r.Failed {
		t.Fatalf("run %+v", r)
	}
	batches := (plan.Contacts + halo.UpdateBatchSize - 1) / halo.UpdateBatchSize
	if f.s.WritePOSTs() != batches+1 { // the 429'd batch was sent twice
		t.Fatalf("%d POSTs for %d batches", f.s.WritePOSTs(), batches)
	}
	d, _ := LoadDayTwo(context.Background(), f.db, f.p.ID)
	if !d.FixRun.NeedsAttention(time.Now()) {
		t.Fatal("a run with failures needs no attention")
	}
}

// Undo restores only what Halo still holds as the app wrote it.
func TestUndoSkipsAFieldChangedSince(t *testing.T) {
	f := newFixSetup(t, halotest.Demo(), nil)
	plan, pulled, cw := f.plan(t)
	res, err := f.run(t, context.Background(), cw, FixOptions{Current: &pulled})
	if err != nil || res.Run.Written != len(plan.Changes) {
		t.Fatalf("%+v %v", res.Run, err)
	}
	moved := plan.Changes[5]
	f.s.SetContactField(moved.ContactID, string(moved.Field), "07700 900999")
	up, ures, err := f.undo(t, res.Run.ID)
	if err != nil || len(up.Skipped) != 1 || len(up.Changes) != len(plan.Changes)-1 {
		t.Fatalf("undo plan: %d changes, %d skipped, %v", len(up.Changes), len(up.Skipped), err)
	}
	consistent(t, f, ures)
	if ures.Run.SkippedChanged != 1 || ures.Run.Written != len(plan.Changes)-1 {
		t.Fatalf("undo run %+v", ures.Run)
	}
	if v, _ := f.s.ContactField(moved.ContactID, string(moved.Field)); v != "07700 900999" {
		t.Fatalf("undo overwrote a later change with %q", v)
	}
}

// An edit of one contact (names and numbers) goes through the same journal
// and is undone the same way.
func TestContactEditJournaledAndUndone(t *testing.T) {
	f := newFixSetup(t, halotest.Demo(), nil)
	pulled, err := PullContacts(context.Background(), f.c, nil)
	if err != nil {
		t.Fatal(err)
	}
	var c halo.Contact
	for _, x := range pulled.Contacts {
		if x.FirstName == "" {
			c = x
			break
		}
	}
	e := contacts.EditOf(c)
	e.FirstName, e.Numbers[1] = "Ada", "TBC later"
	changes, checks := contacts.EditChanges(c, e, "GB")
	if len(changes) != 2 || checks[1].Parses || checks[0].E164 == "" {
		t.Fatalf("edit changes %+v checks %+v", changes, checks)
	}
	cw, _ := contacts.Confirm(changes, 2)
	// Without a recent pull, an edit reads its one contact, not them all.
	f.s.ResetStats()
	res, err := RunContactFix(context.Background(), f.db, f.c, f.p.ID, FixKindEdit, "", "GB", cw, FixOptions{})
	if err != nil || res.Run.Written != 2 || res.Run.Kind != FixKindEdit {
		t.Fatalf("%+v %v", res.Run, err)
	}
	if n := f.s.PathCount("/api/users"); n != 1 || f.s.PathCount("/api/users/"+strconv.Itoa(c.ID)) != 1 {
		t.Fatalf("%d requests to /api/Users (the POST) and %d reads of the contact", n, f.s.PathCount("/api/users/"+strconv.Itoa(c.ID)))
	}
	if v, _ := f.s.ContactField(c.ID, "firstname"); v != "Ada" {
		t.Fatalf("first name %q", v)
	}
	up, err := PlanUndo(context.Background(), f.db, f.c, f.p.ID, 0, nil)
	if err != nil || up.Run.ID != res.Run.ID || len(up.Changes) != 2 {
		t.Fatalf("undo of the edit: %+v %v", up, err)
	}
	// A contact deleted in Halo since: its changes are skipped.
	gone := halo.ContactChange{ContactID: 987654, Field: halo.ContactSurname, Old: "A", New: "B"}
	gw, _ := halo.NewContactWrite([]halo.ContactChange{gone})
	gcw, _ := gw.Confirm(1)
	res, err = RunContactFix(context.Background(), f.db, f.c, f.p.ID, FixKindEdit, "", "GB", gcw, FixOptions{})
	if err != nil || res.Run.SkippedChanged != 1 || f.s.WritePOSTs() != 1 {
		t.Fatalf("edit of a deleted contact: %+v %v", res.Run, err)
	}
}

// contacts forget and profile removal delete the journal in the same
// transaction; undo is no longer possible.
func TestForgetAndRemoveDeleteTheJournal(t *testing.T) {
	f := newFixSetup(t, halotest.Demo(), nil)
	ctx := context.Background()
	_, pulled, cw := f.plan(t)
	if _, err := f.run(t, ctx, cw, FixOptions{Current: &pulled}); err != nil {
		t.Fatal(err)
	}
	runs, changes, err := f.db.JournalSize(ctx, f.p.ID)
	if err != nil || runs != 1 || changes == 0 {
		t.Fatalf("journal %d runs, %d changes, %v", runs, changes, err)
	}
	// No contacts snapshot was stored: forget still drops the journal.
	dropped, err := f.db.ForgetContacts(ctx, f.p.ID)
	if err != nil || !dropped {
		t.Fatalf("forget: %v %v", dropped, err)
	}
	if n := count(t, f.db, "SELECT count(*) FROM contact_changes"); n != 0 {
		t.Fatalf("%d journal rows after forget", n)
	}
	if _, err := PlanUndo(ctx, f.db, f.c, f.p.ID, 0, nil); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("undo after forget: %v", err)
	}
	if !strings.Contains(lastAudit(t, f.db, f.p.ID).Detail, "journal") {
		t.Fatal("the audit log does not say the journal was dropped")
	}

	f2 := newFixSetup(t, halotest.Demo(), nil)
	_, pulled2, cw2 := f2.plan(t)
	if _, err := f2.run(t, ctx, cw2, FixOptions{Current: &pulled2}); err != nil {
		t.Fatal(err)
	}
	if err := f2.db.DeleteProfile(ctx, f2.p.ID); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"contact_changes", "contact_fix_runs"} {
		if n := count(t, f2.db, "SELECT count(*) FROM "+table); n != 0 {
			t.Fatalf("%d rows in %s after the profile's removal", n, table)
		}
	}
}

func TestProfileFixSettings(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	p, err := db.CreateProfile(ctx, Profile{Name: "A", FixFormat: "National", RateShare: 75})
	if err != nil || p.FixFormat != FixFormatNational || p.RateShare != 75 {
		t.Fatalf("%+v %v", p, err)
	}
	got, _ := db.Profile(ctx, p.ID)
	if got.FixFormat != FixFormatNational || got.RateShare != 75 || db.HaloConfig(got, "", nil).RateShare != 75 {
		t.Fatalf("stored %+v", got)
	}
	for _, bad := range []Profile{{ID: p.ID, FixFormat: "spaced"}, {ID: p.ID, RateShare: 10}, {ID: p.ID, RateShare: 101}} {
		if err := db.UpdateConnection(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	got.RateShare, got.FixFormat = 0, ""
	if err := db.UpdateConnection(ctx, got); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.Profile(ctx, p.ID); got.RateShare != 0 || got.FixFormat != FixFormatE164 {
		t.Fatalf("reset %+v", got)
	}
	if !strings.Contains(lastAudit(t, db, p.ID).Detail, "rate share") {
		t.Fatal("the change is not audited")
	}
}
