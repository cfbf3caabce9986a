package storage

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// openTest opens a fresh database in a temp dir, closed at cleanup.
func openTest(t testing.TB) *DB {
	t.Helper()
	db, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustProfile(t testing.TB, db *DB, name string) Profile {
	t.Helper()
	p, err := db.CreateProfile(context.Background(), Profile{Name: name, HaloURL: "https://" + strings.ToLower(name) + ".halopsa.com"})
	if err != nil {
		t.Fatalf("CreateProfile(%q): %v", name, err)
	}
	return p
}

func mustUser(t testing.TB, db *DB, profileID int64, ext, name, email string) mapping.User {
	t.Helper()
	u, err := db.AddUser(context.Background(), mapping.User{ProfileID: profileID, Extension: ext, Name: name, Email: email})
	if err != nil {
		t.Fatalf("AddUser(%q): %v", ext, err)
	}
	return u
}

// count runs a COUNT(*) query straight against the database.
func count(t testing.TB, db *DB, query string, args ...any) int {
	t.Helper()
	var n int
	if err := db.db.QueryRow(query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func wantErrIs(t testing.TB, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want errors.Is(…, %v)", err, target)
	}
}

func lastAudit(t testing.TB, db *DB, profileID int64) AuditEvent {
	t.Helper()
	evs, err := db.AuditLog(context.Background(), AuditFilter{ProfileID: profileID, Limit: 1})
	if err != nil || len(evs) != 1 {
		t.Fatalf("AuditLog: %v, %d events", err, len(evs))
	}
	return evs[0]
}

// helperCmd re-executes this test binary to run only the named helper test,
// with extra environment variables; HALO_STORAGE_HELPER=1 arms the helper.
// Children get no display, so a keyring can never block on an unlock prompt.
func helperCmd(t *testing.T, ctx context.Context, test string, env ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^"+test+"$", "-test.count=1", "-test.timeout=5m")
	cmd.Env = append(envWithout("DISPLAY", "WAYLAND_DISPLAY"), "HALO_STORAGE_HELPER=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// isHelper reports whether this process was started by helperCmd.
func isHelper() bool { return os.Getenv("HALO_STORAGE_HELPER") == "1" }

func fileBytes(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func noFile(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		t.Fatalf("%s exists, want it absent", filepath.Base(path))
	}
}

var ctxBG = context.Background()

func ts(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// envWithout is os.Environ() minus the given variables.
func envWithout(keys ...string) []string {
	var out []string
outer:
	for _, kv := range os.Environ() {
		for _, k := range keys {
			if strings.HasPrefix(kv, k+"=") {
				continue outer
			}
		}
		out = append(out, kv)
	}
	return out
}
