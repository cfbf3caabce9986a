package gui

import (
	"bytes"
	"context"
	"log"
	"strings"
	"sync"
	"testing"
)

// fyneLog collects what Fyne reports while a test runs: fyne.LogError
// writes to the standard log package, which the app sends to stderr.
type fyneLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *fyneLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// errors is every "Fyne error" line logged so far, with the lines that
// say where.
func (l *fyneLog) errors() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !strings.Contains(l.buf.String(), "Fyne error") {
		return ""
	}
	return l.buf.String()
}

// captureFyneLog sends the standard logger to a fyneLog until the test
// ends.
func captureFyneLog(t *testing.T) *fyneLog {
	t.Helper()
	l := &fyneLog{}
	prev := log.Writer()
	log.SetOutput(l)
	t.Cleanup(func() { log.SetOutput(prev) })
	return l
}

// Starting the app in demo mode, visiting every screen and auditing the
// contacts logs no Fyne error (the contacts table once logged "Missing
// CreateCell callback" for each column it sized before its callbacks were
// set).
func TestDemoUILogsNoFyneError(t *testing.T) {
	logged := captureFyneLog(t)
	u, env, _ := demoUI(t)
	if got := logged.errors(); got != "" {
		t.Fatalf("building the UI logged:\n%s", got)
	}
	p, err := env.DB.ProfileByName(context.Background(), demoProfileName)
	if err != nil {
		t.Fatal(err)
	}
	u.profiles.afterChange(p.ID)
	u.bg.wait()
	for i := range u.screens {
		u.showNow(i)
		u.bg.wait()
	}
	u.goToContacts()
	s := findScreen[*contactsScreen](u)
	s.startAudit()
	u.bg.wait()
	if s.shownAudit() == nil {
		t.Fatalf("the demo audit failed: %q", s.audit.errMsg.Text)
	}
	if got := logged.errors(); got != "" {
		t.Fatalf("visiting the screens logged:\n%s", got)
	}
}
