package gui

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// jobUI is a UI with only what background work needs.
func jobUI(t *testing.T, inline bool) *UI {
	t.Helper()
	test.NewTempApp(t)
	bg := newBackground(inline)
	t.Cleanup(bg.stop)
	return &UI{bg: bg}
}

type counter struct{ n int }

// Reports from many goroutines never wait for the screen, and are
// coalesced: while the screen is busy showing one state, thousands of
// reports come in, and it is shown the newest once; the last state is
// always shown before done.
func TestJobCoalescesProgress(t *testing.T) {
	for _, inline := range []bool{true, false} {
		u := jobUI(t, inline)
		var j job
		var shown []int
		var got int
		reported, done := make(chan struct{}), make(chan struct{})
		const workers, each = 8, 500
		started := startJob(u, &j, jobSpec[counter, int]{
			work: func(ctx context.Context, report func(func(*counter))) (int, error) {
				var wg sync.WaitGroup
				for range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for range each {
							report(func(c *counter) { c.n++ })
						}
					}()
				}
				wg.Wait()
				close(reported)
				return workers * each, nil
			},
			show: func(c counter, _ time.Duration) {
				if len(shown) == 0 {
					<-reported // a slow screen: every report comes in meanwhile
				}
				shown = append(shown, c.n)
			},
			done: func(v int, err error, _ time.Duration) {
				got = v
				if err != nil {
					t.Error(err)
				}
				close(done)
			},
		})
		if !started {
			t.Fatal("the job did not start")
		}
		<-done
		u.bg.wait()
		if got != workers*each || j.running {
			t.Fatalf("inline %v: done with %d, running %v", inline, got, j.running)
		}
		// The first showing took whatever state it found; the second, the
		// last state, stands for every report after it.
		if len(shown) == 0 || len(shown) > 2 || shown[len(shown)-1] != workers*each {
			t.Fatalf("inline %v: shown %v", inline, shown)
		}
	}
}

// Cancel ends the work's context; done still runs, with its error. A job
// held back (holdAsync) is running until it is released, and cannot be
// started twice.
func TestJobCancelAndHeld(t *testing.T) {
	u := jobUI(t, true)
	var j job
	var doneErr error
	runs := 0
	spec := jobSpec[counter, struct{}]{
		work: func(ctx context.Context, report func(func(*counter))) (struct{}, error) {
			runs++
			report(func(c *counter) { c.n = 1 })
			<-ctx.Done()
			return struct{}{}, ctx.Err()
		},
		show: func(counter, time.Duration) { j.Cancel() }, // Cancel pressed once progress shows
		done: func(_ struct{}, err error, _ time.Duration) { doneErr = err },
	}
	release := holdAsync(t, u, func() {
		if !startJob(u, &j, spec) {
			t.Fatal("the job did not start")
		}
	})
	if !j.running || startJob(u, &j, spec) {
		t.Fatal("a held job is running and starts only once")
	}
	release()
	if runs != 1 || j.running || !errors.Is(doneErr, context.Canceled) {
		t.Fatalf("after Cancel: %d runs, running %v, done with %v", runs, j.running, doneErr)
	}
	// Done again, it starts again.
	if !startJob(u, &j, spec) || runs != 2 {
		t.Fatal("a finished job does not start again")
	}
}

// With tick set, show runs while the work is quiet (an elapsed-time label).
func TestJobTicks(t *testing.T) {
	u := jobUI(t, true)
	var j job
	ticks := 0
	startJob(u, &j, jobSpec[counter, struct{}]{
		work: func(ctx context.Context, _ func(func(*counter))) (struct{}, error) {
			time.Sleep(60 * time.Millisecond)
			return struct{}{}, nil
		},
		show: func(_ counter, took time.Duration) {
			if took > 0 {
				ticks++
			}
		},
		tick: 10 * time.Millisecond,
	})
	if ticks < 2 {
		t.Fatalf("%d ticks in 60 ms at 10 ms", ticks)
	}
}
