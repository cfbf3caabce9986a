package gui

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
)

// Background work: network and disk work run off the UI goroutine and come
// back through fyne.Do. runAsync is one piece of work and its result; a
// job is work that also shows progress and can be cancelled (the systems
// check, the contacts audit). Tests run both inline or hold them back
// (uiOptions.inline, holdAsync), and wait for them (background.wait).

// background is the window's background work: the context that ends when
// the window closes, the work in flight, and how it runs.
type background struct {
	ctx     context.Context
	cancel  context.CancelFunc
	pending sync.WaitGroup
	// inline (uiOptions.inline) and held, when set, change how work
	// runs; only tests set them.
	inline bool
	held   *[]func()
}

func newBackground(inline bool) *background {
	ctx, cancel := context.WithCancel(context.Background())
	return &background{ctx: ctx, cancel: cancel, inline: inline}
}

// run runs work with the window's context: on a goroutine of its own,
// inline, or held back for a test to release.
func (b *background) run(work func(ctx context.Context)) {
	b.pending.Add(1)
	run := func() {
		defer b.pending.Done()
		work(b.ctx)
	}
	if b.held != nil {
		*b.held = append(*b.held, run)
		return
	}
	if b.inline {
		run()
		return
	}
	go run()
}

// closed reports whether the window closed (its context was cancelled).
func (b *background) closed() bool { return errors.Is(b.ctx.Err(), context.Canceled) }

// stop cancels the work's context (the window closes).
func (b *background) stop() { b.cancel() }

// wait returns once no work is in flight.
func (b *background) wait() { b.pending.Wait() }

// runAsync runs work off the UI goroutine and delivers its result to done
// on the UI goroutine, unless the window closed meanwhile.
func runAsync[T any](u *UI, work func(ctx context.Context) (T, error), done func(T, error)) {
	u.bg.run(func(ctx context.Context) {
		v, err := work(ctx)
		if u.bg.closed() {
			return // window closed
		}
		fyne.Do(func() { done(v, err) })
	})
}

// job is one run of background work with progress; the screen that shows
// it owns it, so Cancel reaches the run while it works. Its fields change
// on the UI goroutine only; Cancel may be called from any.
type job struct {
	running bool
	cancel  context.CancelFunc
}

// Cancel asks the running work to stop (its context ends); it still
// completes, with the context's error where it stopped.
func (j *job) Cancel() {
	if j.cancel != nil {
		j.cancel()
	}
}

// jobSpec is a job's work and how it shows. P is its progress state, T
// its result.
type jobSpec[P, T any] struct {
	// work runs off the UI goroutine. report changes the progress state
	// under the job's lock and may be called from any goroutine; it never
	// waits for the screen.
	work func(ctx context.Context, report func(change func(*P))) (T, error)
	// show, when set, shows the newest progress state on the UI goroutine
	// while the job runs: after reports, coalesced (a burst of reports is
	// shown once, the last state always), and every tick when tick is set
	// (an elapsed-time label). p is a copy: a slice in P must not be
	// changed in place once reported (append to slices.Clip of it).
	show func(p P, elapsed time.Duration)
	tick time.Duration
	// done runs on the UI goroutine once work returned, unless the
	// window closed meanwhile.
	done func(v T, err error, elapsed time.Duration)
}

// startJob runs s as j. It does nothing and returns false while j runs.
func startJob[P, T any](u *UI, j *job, s jobSpec[P, T]) bool {
	if j.running {
		return false
	}
	ctx, cancel := context.WithCancel(u.bg.ctx)
	j.running, j.cancel = true, cancel
	started := time.Now()
	pr := &jobProgress[P]{dirty: make(chan struct{}, 1)}
	show := func() {
		if s.show == nil {
			return
		}
		p, took := pr.state(), time.Since(started)
		fyne.Do(func() {
			if j.running {
				s.show(p, took)
			}
		})
	}
	type outcome struct {
		v   T
		err error
	}
	runAsync(u, func(context.Context) (outcome, error) {
		defer cancel()
		out := make(chan outcome, 1)
		go func() {
			v, err := s.work(ctx, pr.report)
			out <- outcome{v, err}
		}()
		// This goroutine alone hands progress to the UI, in order.
		return forward(out, pr.dirty, s.tick, show), nil
	}, func(o outcome, _ error) {
		j.running = false
		if s.done != nil {
			s.done(o.v, o.err, time.Since(started))
		}
	})
	return true
}

// jobProgress is a job's progress state, changed by the work's
// goroutines and handed to the UI by one goroutine (forward).
type jobProgress[P any] struct {
	mu    sync.Mutex
	p     P
	dirty chan struct{} // one slot: a showing is due
}

func (pr *jobProgress[P]) report(change func(*P)) {
	pr.mu.Lock()
	change(&pr.p)
	pr.mu.Unlock()
	select {
	case pr.dirty <- struct{}{}:
	default: // a showing is due already; it reads the newest state
	}
}

func (pr *jobProgress[P]) state() P {
	pr.mu.Lock()
	defer pr.mu.Unlock()
	return pr.p
}

// forward waits for work's outcome on out, calling show after reports
// (coalesced) and every tick (0: none), and once more for reports that
// came just before the outcome.
func forward[D any](out <-chan D, dirty <-chan struct{}, tick time.Duration, show func()) D {
	var ticks <-chan time.Time
	if tick > 0 {
		t := time.NewTicker(tick)
		defer t.Stop()
		ticks = t.C
	}
	for {
		select {
		case <-dirty:
			show()
		case <-ticks:
			show()
		case o := <-out:
			select {
			case <-dirty:
				show()
			default:
			}
			return o
		}
	}
}
