package storage

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/internal/benchmem"
)

// The speed of a fix and its undo against the simulator with Halo's
// limits (300 requests a window, 100 contacts a page), the window
// shortened from 5 minutes, at the default rate share of 50 %. Targets: at
// most pages + ceil(changes/50) + 3 requests, no 429, wall time within
// 1.1× of what the share allows for those requests, peak RSS under 300 MB.
//
// "What the share allows": with n = 150 requests a window W, the
// (k·n+1)-th request may start k windows after the first, so R requests
// need at least floor((R-1)/n)·W (allowed); the steady rate R/n·W is
// reported too (allowed-steady).

// fixBenchContacts makes about 20,000 changes (1.1 a contact).
const fixBenchContacts = 18000

type fixBench struct {
	requests, pages, changes, batches, rejected int
	wall, allowed, steady                       time.Duration
}

func benchFixClient(b *testing.B, s *halotest.Server, window time.Duration) *halo.Client {
	c, err := halo.NewClient(halo.Config{URL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret(), HTTPClient: s.Client(),
		// Slack on the client's window absorbs the time between sending and
		// the simulator counting, as in BenchmarkAuditPull50k; a clock hook
		// gives each client its own limiter.
		RateLimit: 300, RateWindow: window + 100*time.Millisecond, RateShare: halo.DefaultRateShare, Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	return c
}

func (r *fixBench) bound(window time.Duration) {
	n := 300 * halo.DefaultRateShare / 100
	r.allowed = time.Duration((r.requests-1)/n) * window
	r.steady = time.Duration(float64(r.requests-1) / float64(n) * float64(window))
}

func (r fixBench) report(b *testing.B) {
	if r.requests > r.pages+r.batches+3 || r.rejected != 0 {
		b.Fatalf("%d requests (%d refused) for %d pages and %d batches", r.requests, r.rejected, r.pages, r.batches)
	}
	b.ReportMetric(float64(r.changes), "changes")
	b.ReportMetric(float64(r.pages), "pages")
	b.ReportMetric(float64(r.batches), "batches")
	b.ReportMetric(float64(r.requests), "requests")
	b.ReportMetric(r.wall.Seconds(), "wall-s")
	b.ReportMetric(r.wall.Seconds()/r.allowed.Seconds(), "wall/allowed")
	b.ReportMetric(r.wall.Seconds()/r.steady.Seconds(), "wall/allowed-steady")
	if rss := benchmem.PeakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
	}
}

// runFixBench fixes the generated contacts once: the fresh pull, the plan,
// the write. With undo it then undoes the fix and measures that instead.
func runFixBench(b *testing.B, window time.Duration, undo bool) fixBench {
	s := halotest.New(halotest.Scenario{Contacts: halotest.ContactScenario{Count: fixBenchContacts, Seed: 1}, RateLimit: 300, RateWindow: window})
	defer s.Close()
	db, err := Open(context.Background(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	p, err := db.CreateProfile(context.Background(), Profile{Name: "Bench", HaloURL: s.URL()})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var r fixBench
	r.pages = (s.ContactsVisible() + 99) / 100

	fix := func() FixResult {
		c := benchFixClient(b, s, window)
		pulled, err := PullContacts(ctx, c, nil)
		if err != nil {
			b.Fatal(err)
		}
		plan := contacts.PlanFix(pulled.Contacts, "GB", contacts.FormatE164)
		cw, err := contacts.Confirm(plan.Changes, len(plan.Changes))
		if err != nil {
			b.Fatal(err)
		}
		res, err := RunContactFix(ctx, db, c, p.ID, FixKindFix, "e164", "GB", cw, FixOptions{Current: &pulled})
		if err != nil || res.Run.Written != len(plan.Changes) {
			b.Fatalf("fix %+v: %v", res.Run, err)
		}
		r.changes, r.batches = len(plan.Changes), (plan.Contacts+halo.UpdateBatchSize-1)/halo.UpdateBatchSize
		return res
	}
	if !undo {
		t0 := time.Now()
		fix()
		r.wall, r.requests, r.rejected = time.Since(t0), s.Requests(), s.Rejected()
		r.bound(window)
		return r
	}
	res := fix()
	time.Sleep(window + window/10) // the fix's requests leave the simulator's window
	s.ResetStats()
	t0 := time.Now()
	c := benchFixClient(b, s, window)
	up, err := PlanUndo(ctx, db, c, p.ID, res.Run.ID, nil)
	if err != nil {
		b.Fatal(err)
	}
	cw, _ := up.Confirm(len(up.Changes))
	ures, err := RunUndo(ctx, db, c, p.ID, up, cw, FixOptions{})
	if err != nil || ures.Run.Written != res.Run.Written {
		b.Fatalf("undo %+v: %v", ures.Run, err)
	}
	r.wall, r.requests, r.rejected = time.Since(t0), s.Requests(), s.Rejected()
	r.bound(window)
	return r
}

// BenchmarkContactFix20k: a fix of about 20,000 fields, window 3 s.
func BenchmarkContactFix20k(b *testing.B) { benchFix(b, 3*time.Second, false) }

// BenchmarkContactFix20kWindow30s: the same with a 30 s window, where the
// work after the last window weighs what it would against Halo's real 5
// minutes. About 40 s an op.
func BenchmarkContactFix20kWindow30s(b *testing.B) { benchFix(b, 30*time.Second, false) }

// BenchmarkContactUndo20k: undoing that fix (fresh pull, restore), window
// 3 s.
func BenchmarkContactUndo20k(b *testing.B) { benchFix(b, 3*time.Second, true) }

// BenchmarkContactUndo20kWindow30s: the undo with a 30 s window.
func BenchmarkContactUndo20kWindow30s(b *testing.B) { benchFix(b, 30*time.Second, true) }

func benchFix(b *testing.B, window time.Duration, undo bool) {
	var r fixBench
	for b.Loop() {
		b.StopTimer()
		b.StartTimer()
		r = runFixBench(b, window, undo)
	}
	runtime.GC()
	r.report(b)
}
