package halo_test

import (
	"context"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// BenchmarkRunCheckLatency50ms: the whole systems check against a Halo
// that adds 50 ms to every request. Target: about 4 round trips (authinfo →
// token → the five data calls in parallel).
func BenchmarkRunCheckLatency50ms(b *testing.B) {
	const latency = 50 * time.Millisecond
	_, cfg := start(b, halotest.Scenario{Latency: latency})
	var total time.Duration
	for b.Loop() {
		t0 := time.Now()
		rep := halo.RunCheck(context.Background(), cfg, nil)
		total += time.Since(t0)
		if !rep.OK {
			b.Fatalf("check failed: %+v", rep.Checks)
		}
	}
	b.ReportMetric(float64(total)/float64(b.N)/float64(latency), "round-trips")
}

// BenchmarkPull10kAgents20ms: a pull of 10,000 agents (paged) with 20 ms
// latency. Target: under 1.5 s, never more than 300 requests in 5 minutes.
func BenchmarkPull10kAgents20ms(b *testing.B) {
	s, cfg := start(b, halotest.Scenario{AgentsCount: 10000, Paged: true, Latency: 20 * time.Millisecond})
	// Each iteration stands for one pull in a fresh process: a clock hook
	// gives every client its own limiter, where real-clock clients of one
	// host would share a single 300-request budget across iterations.
	cfg.Now = time.Now
	for b.Loop() {
		b.StopTimer()
		s.ResetStats()
		c, err := halo.NewClient(cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		snap, err := c.Pull(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if len(snap.Agents) != 10001 {
			b.Fatalf("%d agents", len(snap.Agents))
		}
		if m := s.MaxInWindow(5 * time.Minute); m > 300 {
			b.Fatalf("%d requests in 5 minutes", m)
		}
		b.ReportMetric(float64(s.Requests()), "requests")
		b.StartTimer()
	}
}
