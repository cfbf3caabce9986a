package halo

import (
	"context"
	"testing"
	"time"
)

// eta is when n more requests could all have started: the free slots at
// once, then each a window after the request whose slot it takes.
func TestLimiterETA(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	l := newLimiter(3, time.Minute, clock, func(context.Context, time.Duration) error { return nil })
	for _, n := range []int{0, 1, 3} {
		if d := l.eta(n); d != 0 {
			t.Errorf("empty limiter: eta(%d) = %v", n, d)
		}
	}
	if d := l.eta(4); d != time.Minute {
		t.Errorf("eta(4) = %v, want a window", d)
	}
	for range 3 {
		if err := l.wait(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		now = now.Add(10 * time.Second)
	}
	// Slots taken at 0, 10 and 20 s; now is 30 s.
	for n, want := range map[int]time.Duration{1: 30 * time.Second, 3: 50 * time.Second, 4: 90 * time.Second, 7: 150 * time.Second} {
		if d := l.eta(n); d != want {
			t.Errorf("eta(%d) = %v, want %v", n, d, want)
		}
	}
	var nilLimiter *limiter
	if nilLimiter.eta(100) != 0 {
		t.Error("a nil limiter waits")
	}
}
