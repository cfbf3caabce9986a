package cli

import (
	"bytes"
	"context"
	"encoding/json"
	encpem "encoding/pem"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// testService keeps test secrets apart from a developer's real ones.
const testService = "com.halointegration.assistant.clitest"

// harness runs the CLI in-process against a temp data dir.
type harness struct {
	t       *testing.T
	dir     string
	env     map[string]string
	secrets storage.Secrets
}

func newHarness(t *testing.T) *harness {
	return &harness{t: t, dir: t.TempDir(), env: map[string]string{"LANG": "en_US.UTF-8"}, secrets: storage.NewMemorySecrets()}
}

// realKeyring switches the harness to the real Secret Service, skipping the
// test when none is reachable unless HALO_ASSISTANT_REQUIRE_KEYRING=1.
func (h *harness) realKeyring() {
	h.t.Helper()
	k := storage.Keyring{Service: testService}
	if err := k.Probe(context.Background()); err != nil {
		if os.Getenv("HALO_ASSISTANT_REQUIRE_KEYRING") == "1" {
			h.t.Fatalf("keyring required but unavailable: %v", err)
		}
		h.t.Skipf("no Secret Service here: %v", err)
	}
	h.secrets = k
}

type result struct {
	code           int
	stdout, stderr string
}

func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv:  func(k string) string { return h.env[k] },
		Secrets: func(string) storage.Secrets { return h.secrets },
		Logger:  applog.Discard(),
		GUI:     func(GUIOptions) int { h.t.Fatal("GUI must not start"); return 0 },
	}
	code := Main(append([]string{"--data-dir", h.dir}, args...), env)
	return result{code, out.String(), errb.String()}
}

func TestProfileAddListRenameRemove(t *testing.T) {
	h := newHarness(t)
	r := h.run("", "profile", "add", "Contoso MSP", "--url", " https://Contoso.HaloPSA.com/api/ ", "--client-id", "3f2a9c1e-8d7b-4e6f-a1b2-c3d4e5f60718")
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := h.run("", "profile", "add", "contoso msp"); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("duplicate add: %+v", r)
	}
	r = h.run("", "profile", "list", "--json")
	if r.code != 0 {
		t.Fatalf("list: %+v", r)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("list --json is not JSON: %v\n%s", err, r.stdout)
	}
	if len(list) != 1 || list[0]["name"] != "Contoso MSP" || list[0]["halo_url"] != "https://contoso.halopsa.com" {
		t.Fatalf("list = %+v", list)
	}
	for _, k := range []string{"id", "name", "halo_url", "client_id", "tenant", "auth_url", "scope", "ca_file", "created_at", "updated_at"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("profile list --json lacks %q", k)
		}
	}
	if r := h.run("", "profile", "list"); r.code != 0 || !strings.Contains(r.stdout, "Contoso MSP") {
		t.Fatalf("list text: %+v", r)
	}
	if r := h.run("", "profile", "rename", "CONTOSO MSP", "Contoso Holdings"); r.code != 0 {
		t.Fatalf("rename: %+v", r)
	}
	if r := h.run("", "profile", "remove", "Nope"); r.code != 1 || !strings.Contains(r.stderr, `no profile named "Nope"`) {
		t.Fatalf("remove unknown: %+v", r)
	}
	if r := h.run("", "profile", "remove", "contoso holdings"); r.code != 0 {
		t.Fatalf("remove: %+v", r)
	}
	if r := h.run("", "profile", "list", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("after remove: %q", r.stdout)
	}
}

func TestUsageErrorsExitTwo(t *testing.T) {
	h := newHarness(t)
	cases := [][]string{
		{"frobnicate"},
		{"profile"},
		{"profile", "add"},
		{"profile", "add", "a", "b"},
		{"profile", "list", "--bogus"},
		{"profile", "add", "X", "--url", "ftp://x.halopsa.com"},
		{"--no-such-global"},
	}
	for _, args := range cases {
		if r := h.run("", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
	}
}

func TestHelpEverywhereExitsZero(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"--help"}, {"help"}, {"profile", "--help"}, {"profile", "add", "--help"}, {"profile", "list", "-h"}, {"version", "--help"}} {
		r := h.run("", args...)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage") {
			t.Errorf("%v: exit %d, stdout %q", args, r.code, r.stdout)
		}
	}
	if r := h.run("", "version"); r.code != 0 || !strings.HasPrefix(r.stdout, "halo-assistant ") {
		t.Fatalf("version: %+v", r)
	}
}

func TestGUIWithoutDisplayExplainsInsteadOfPanicking(t *testing.T) {
	var errb bytes.Buffer
	called := false
	code := Main(nil, Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(string) string { return "" },
		GUI: func(GUIOptions) int { called = true; return 0 }})
	if code != 1 || called || !strings.Contains(errb.String(), "no display") {
		t.Fatalf("code %d called %v stderr %q", code, called, errb.String())
	}
	// A display that nothing answers on is explained too (GLFW would panic).
	errb.Reset()
	code = Main(nil, Env{Stdout: io.Discard, Stderr: &errb, Getenv: func(k string) string {
		if k == "DISPLAY" {
			return ":98765"
		}
		return ""
	}, GUI: func(GUIOptions) int { called = true; return 0 }})
	if code != 1 || called || !strings.Contains(errb.String(), "does not answer") {
		t.Fatalf("stale DISPLAY: code %d called %v stderr %q", code, called, errb.String())
	}
	// With a display the GUI gets the resolved data dir.
	var got GUIOptions
	code = Main([]string{"--data-dir", "/tmp/x"}, Env{Stdout: io.Discard, Stderr: io.Discard, Logger: applog.Discard(),
		ReachDisplay: func(string) error { return nil },
		Getenv: func(k string) string {
			if k == "DISPLAY" {
				return ":0"
			}
			return ""
		},
		GUI: func(o GUIOptions) int { got = o; return 0 }})
	if code != 0 || got.DataDir != "/tmp/x" {
		t.Fatalf("code %d opts %+v", code, got)
	}
}

func TestSecretNeverReachesDiskLogsOrOutput(t *testing.T) {
	h := newHarness(t)
	h.realKeyring()
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache) // the real log file lands here
	const secret = "9b1de6f0-5c1a-4f7e-9a55-2f4c1d7e8a10-11c4a3e2-d0b4-4c3f-8a7e-6b5d4c3b2a19"

	// A simulated Halo that accepts this secret, so check and sync really
	// use it (with debug logging of the HTTP exchange).
	srv := halotest.New(halotest.Scenario{ClientSecret: secret})
	defer srv.Close()
	// The real log file, at debug level so the login and HTTP exchanges
	// are logged too.
	logDir := filepath.Join(cache, "halo-assistant")
	logger, closer, err := applog.Open(logDir, 0, slog.LevelDebug)
	if err != nil {
		t.Fatal(err)
	}
	defer closer.Close()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(secret + "\n"), Stdout: &out, Stderr: &errb,
		Getenv:  func(k string) string { return "" },
		Secrets: func(string) storage.Secrets { return h.secrets }, Logger: logger}
	if code := Main([]string{"--data-dir", h.dir, "profile", "add", "Leak test", "--url", srv.URL(),
		"--client-id", srv.ClientID(), "--secret-stdin"}, env); code != 0 {
		t.Fatalf("add: %d %s", code, errb.String())
	}
	db, err := storage.Open(context.Background(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.ProfileByName(context.Background(), "Leak test")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	got, err := h.secrets.Get(context.Background(), p.ID)
	if err != nil || got != secret {
		t.Fatalf("keyring holds %q, %v", got, err)
	}
	t.Cleanup(func() { _ = h.secrets.Delete(context.Background(), p.ID) })
	// More activity that touches the DB and the log.
	for _, args := range [][]string{{"profile", "list", "--json"}, {"check", "--profile", "Leak test"},
		{"sync", "--profile", "Leak test", "--json"}, {"profile", "rename", "Leak test", "Leak test 2"}, {"profile", "list"}} {
		env.Stdin = strings.NewReader("")
		if code := Main(append([]string{"--data-dir", h.dir}, args...), env); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errb.String())
		}
	}
	if strings.Contains(out.String(), secret) || strings.Contains(errb.String(), secret) {
		t.Fatal("secret printed")
	}
	if st, err := os.Stat(filepath.Join(logDir, applog.FileName)); err != nil || st.Size() < 1000 {
		t.Fatalf("the debug log was not written: %v", err)
	}
	// A database that is open and written to has a WAL file: scan it too.
	held, err := storage.Open(context.Background(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if err := held.AppendAudit(context.Background(), storage.AuditEvent{Action: "test.scan"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(h.dir, storage.FileName+"-wal")); err != nil {
		t.Fatalf("no WAL file to scan: %v", err)
	}
	scanForSecret(t, secret, h.dir, cache)
}

// scanForSecret fails if any file under the dirs contains the secret or a
// recognisable piece of it.
func scanForSecret(t *testing.T, secret string, dirs ...string) {
	t.Helper()
	needles := [][]byte{[]byte(secret), []byte(secret[:18]), []byte(secret[len(secret)-18:])}
	files := 0
	for _, d := range dirs {
		err := filepath.WalkDir(d, func(path string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			files++
			for _, n := range needles {
				if bytes.Contains(b, n) {
					t.Errorf("%s contains the secret", path)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if files < 2 {
		t.Fatalf("scanned only %d files: the DB and log were not written where expected", files)
	}
}

func TestBrokenDatabaseIsNamedAndNeverOverwritten(t *testing.T) {
	h := newHarness(t)
	path := filepath.Join(h.dir, storage.FileName)
	junk := []byte("not a database at all")
	if err := os.WriteFile(path, junk, 0o600); err != nil {
		t.Fatal(err)
	}
	r := h.run("", "profile", "list")
	if r.code != 1 || !strings.Contains(r.stderr, path) || !strings.Contains(r.stderr, "mv ") {
		t.Fatalf("%+v", r)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, junk) {
		t.Fatal("the file was changed")
	}
}

func TestDataDirIsAbsoluteAndDemoNeverSharesIt(t *testing.T) {
	base := t.TempDir()
	t.Chdir(base)
	h := newHarness(t)
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Logger: applog.Discard(),
		Getenv:  func(string) string { return "" },
		Secrets: func(string) storage.Secrets { return h.secrets }}
	if code := Main([]string{"--data-dir", "rel-dir", "profile", "add", "Rel"}, env); code != 0 {
		t.Fatalf("relative --data-dir: %d %s", code, errb.String())
	}
	if _, err := os.Stat(filepath.Join(base, "rel-dir", storage.FileName)); err != nil {
		t.Fatal(err)
	}
	r := &runner{env: Env{Getenv: func(k string) string {
		if k == "HALO_ASSISTANT_DATA_DIR" {
			return "/srv/halo"
		}
		return ""
	}}, demo: true}
	if dir, _ := r.resolveDataDir(""); dir != "/srv/halo-demo" {
		t.Fatalf("demo with env data dir = %q", dir)
	}
	if dir, _ := r.resolveDataDir("/explicit"); dir != "/explicit" {
		t.Fatalf("explicit --data-dir in demo = %q", dir)
	}
}

func TestProfileRemoveKeepsEverythingWhenTheKeyringFails(t *testing.T) {
	h := newHarness(t)
	h.run("a-stored-secret", "profile", "add", "Keep", "--secret-stdin")
	mem := h.secrets.(*storage.MemorySecrets)
	mem.FailWith(&storage.KeyringUnavailableError{})
	if r := h.run("", "profile", "remove", "Keep"); r.code != 1 || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("remove with a broken keyring: %+v", r)
	}
	if r := h.run("", "profile", "list"); !strings.Contains(r.stdout, "Keep") {
		t.Fatal("the profile was removed although its secret could not be")
	}
	if r := h.run("", "profile", "remove", "Keep", "--force"); r.code != 0 || !strings.Contains(r.stderr, "stays in the keyring") {
		t.Fatalf("--force: %+v", r)
	}
}

func TestProfileSetValidatesAndStores(t *testing.T) {
	h := newHarness(t)
	h.run("", "profile", "add", "Set")
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "ca.txt")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	for _, args := range [][]string{
		{"profile", "set", "Set", "--ca-file", filepath.Join(dir, "missing.pem")},
		{"profile", "set", "Set", "--ca-file", notPEM},
		{"profile", "set", "Set", "--auth-url", "ftp://auth.example.com"},
		{"profile", "set", "Set"},
	} {
		if r := h.run("", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}
	pem := filepath.Join(dir, "ca.pem")
	// A real certificate: --ca-file parses it, as the Connection screen does.
	tlsSrv := httptest.NewTLSServer(nil)
	tlsSrv.Close()
	os.WriteFile(pem, encpem.EncodeToMemory(&encpem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}), 0o600)
	t.Chdir(dir)
	if r := h.run("my-secret-value-123", "profile", "set", "Set", "--url", "helpdesk.example.com", "--ca-file", "ca.pem", "--secret-stdin"); r.code != 0 {
		t.Fatalf("set: %+v", r)
	}
	r := h.run("", "profile", "list", "--json")
	if !strings.Contains(r.stdout, `"ca_file": "`+pem+`"`) || !strings.Contains(r.stdout, "https://helpdesk.example.com") {
		t.Fatalf("stored: %s", r.stdout)
	}
	if !h.secrets.(*storage.MemorySecrets).Has(profileID(t, h, "Set")) {
		t.Fatal("secret not stored")
	}
}

func profileID(t *testing.T, h *harness, name string) int64 {
	t.Helper()
	_, p := h.profileDB(t, name)
	return p.ID
}

// profileDB opens the harness's database, closed when the test ends, and
// reads the named profile from it.
func (h *harness) profileDB(t *testing.T, name string) (*storage.DB, storage.Profile) {
	t.Helper()
	db, err := storage.Open(context.Background(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := db.ProfileByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return db, p
}

func TestUsageErrorsKeepStdoutClean(t *testing.T) {
	h := newHarness(t)
	r := h.run("", "check", "--json", "--bogus")
	if r.code != 2 || r.stdout != "" || strings.Count(r.stderr, "bogus") != 1 {
		t.Fatalf("%+v", r)
	}
}
