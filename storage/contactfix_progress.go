package storage

import (
	"sync"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// fixMonitor turns a run's steps into FixProgress calls.
type fixMonitor struct {
	mu       sync.Mutex
	report   func(FixProgress)
	now      func() time.Time
	start    time.Time
	p        FixProgress
	waited   time.Duration // pacing and backoffs during the writes
	writeAt  time.Time
	paceLeft time.Duration
}

func newFixMonitor(report func(FixProgress), start time.Time, now func() time.Time) *fixMonitor {
	return &fixMonitor{report: report, now: now, start: start, p: FixProgress{Stage: "pull"}}
}

func (m *fixMonitor) send() {
	if m.report == nil {
		return
	}
	m.p.Elapsed = m.now().Sub(m.start)
	m.report(m.p)
}

func (m *fixMonitor) pull(pp halo.PullProgress) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Pull, m.p.WaitReason, m.p.Waiting = pp, "", 0
	m.send()
}

// wait is the run's halo.WithWaitHook: a request waits for its turn or
// backs off.
func (m *fixMonitor) wait(reason halo.ErrorKind, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p.Stage == "write" {
		m.waited += d
	}
	if d < time.Second {
		return // not worth a word
	}
	m.p.WaitReason, m.p.Waiting = reason, d
	m.send()
}

func (m *fixMonitor) startWrite(batches, toWrite, skipped int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Stage, m.p.BatchesTotal, m.p.Changes, m.p.Skipped = "write", batches, toWrite+skipped, skipped
	m.p.WaitReason, m.p.Waiting = "", 0
	m.writeAt = m.now()
	m.send()
}

// left records what pacing alone adds before the remaining batches.
func (m *fixMonitor) left(pace time.Duration) {
	m.mu.Lock()
	m.paceLeft = pace
	m.mu.Unlock()
}

func (m *fixMonitor) batchDone(entries []JournalEntry, b batch) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Batches++
	for _, i := range b {
		switch entries[i].Status {
		case ChangeWritten:
			m.p.Written++
		case ChangeFailed:
			m.p.Failed++
		}
	}
	// Time left: the remaining batches at the pace of those done (their
	// waits left out), plus what the rate limit makes them wait.
	rest := m.p.BatchesTotal - m.p.Batches
	work := max(0, m.now().Sub(m.writeAt)-m.waited)
	m.p.Left = 0
	if rest > 0 {
		m.p.Left = work/time.Duration(m.p.Batches)*time.Duration(rest) + m.paceLeft
	}
	m.p.WaitReason, m.p.Waiting = "", 0
	m.send()
}

func (m *fixMonitor) done() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Stage, m.p.Left, m.p.WaitReason, m.p.Waiting = "done", 0, "", 0
	m.send()
}
