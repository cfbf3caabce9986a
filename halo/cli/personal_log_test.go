package cli

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// Failing commands whose errors name 1stream users (an agent already
// mapped to someone, an extension that no one has) tell the user
// everything, while the log file records only the kind of failure and the
// audit log nothing of them.
func TestFailuresNamingPeopleStayOutOfTheLogs(t *testing.T) {
	// The real log file, in a place of its own (os.UserCacheDir: Linux,
	// Windows, macOS).
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("LocalAppData", cache)
	t.Setenv("HOME", cache)
	h := newHarness(t)
	_, ids := dayTwoProfile(t, h) // users 401, 402 and 403, mapped to the first three agents
	run := func(stdin string, args ...string) result {
		t.Helper()
		var out, errb strings.Builder
		env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
			Getenv:  func(k string) string { return h.env[k] },
			Secrets: func(string) storage.Secrets { return h.secrets },
		}
		return result{Main(append([]string{"--data-dir", h.dir}, args...), env), out.String(), errb.String()}
	}
	failures := []struct {
		stdin string
		args  []string
		shown string // what the user is told
	}{
		{"", []string{"map", "set", "--profile", "D", "--extension", "401", "--agent-id", strconv.Itoa(ids[1])}, "is already mapped to extension 402"},
		{"", []string{"map", "set", "--profile", "D", "--extension", "4711999", "--agent-id", strconv.Itoa(ids[0])}, `extension "4711999"`},
	}
	for _, f := range failures {
		r := run(f.stdin, f.args...)
		if r.code == 0 || !strings.Contains(r.stderr, f.shown) {
			t.Fatalf("%v: exit %d, stderr %q, want it to say %q", f.args, r.code, r.stderr, f.shown)
		}
	}

	dir, err := applog.DefaultDir()
	if err != nil || !strings.HasPrefix(dir, cache) {
		t.Fatalf("log directory %q (%v)", dir, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, applog.FileName))
	if err != nil {
		t.Fatal(err)
	}
	log := string(b)
	for _, personal := range []string{"Zoë Müller", "extension 402", "4711999"} {
		if strings.Contains(log, personal) {
			t.Errorf("the log names %q:\n%s", personal, log)
		}
	}
	for _, kind := range []string{"agent already mapped to another user", "no such 1stream user"} {
		if !strings.Contains(log, kind) {
			t.Errorf("the log does not record the failure %q:\n%s", kind, log)
		}
	}

	db, err := storage.Open(context.Background(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.AuditLog(context.Background(), storage.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if strings.Contains(ev.Detail, "already") || strings.Contains(ev.Detail, "4711999") {
			t.Errorf("a failure reached the audit log: %+v", ev)
		}
	}
}
