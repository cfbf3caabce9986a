package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// testService keeps test secrets apart from the app's real ones.
const testService = "com.halointegration.assistant.test"

const requireKeyringEnv = "HALO_ASSISTANT_REQUIRE_KEYRING"

// realKeyring returns a Keyring on the real OS keyring, skipping the test
// when it is unreachable, unless HALO_ASSISTANT_REQUIRE_KEYRING=1 makes that
// a failure (CI runs these tests under dbus-run-session + gnome-keyring).
func realKeyring(t *testing.T) Keyring {
	t.Helper()
	k := Keyring{Service: testService, Timeout: 20 * time.Second}
	if err := k.Probe(ctxBG); err != nil {
		if os.Getenv(requireKeyringEnv) == "1" {
			t.Fatalf("%s=1 but the OS keyring is unavailable: %v", requireKeyringEnv, err)
		}
		t.Skipf("OS keyring unavailable (set %s=1 to fail instead): %v", requireKeyringEnv, err)
	}
	return k
}

// testAccountID picks profile IDs unlikely to collide with a developer's
// other test runs in the same keyring.
func testAccountID(n int) int64 { return int64(os.Getpid())*1000 + int64(n) }

func TestKeyringRoundTrip(t *testing.T) {
	k := realKeyring(t)
	id, id2 := testAccountID(1), testAccountID(2)
	t.Cleanup(func() {
		_ = k.Delete(ctxBG, id)
		_ = k.Delete(ctxBG, id2)
	})

	_, err := k.Get(ctxBG, id)
	wantErrIs(t, err, ErrSecretNotFound)

	big := bytes.Repeat([]byte("0123456789abcdefABCDEF-_.~"), 80)[:2048]
	for _, secret := range []string{
		"first-secret",
		"replaced-secret",
		"pässwörd 密码 🔑 \" ' \\ $HOME `x`",
		string(big),
	} {
		must(t, k.Set(ctxBG, id, secret))
		got, err := k.Get(ctxBG, id)
		if err != nil || got != secret {
			t.Fatalf("Get after Set(%d bytes) = %d bytes, %v", len(secret), len(got), err)
		}
	}

	must(t, k.Set(ctxBG, id2, "second-profile"))
	other := Keyring{Service: testService + ".other", Timeout: k.Timeout}
	_, err = other.Get(ctxBG, id)
	wantErrIs(t, err, ErrSecretNotFound)

	must(t, k.Delete(ctxBG, id))
	_, err = k.Get(ctxBG, id)
	wantErrIs(t, err, ErrSecretNotFound)
	if got, err := k.Get(ctxBG, id2); err != nil || got != "second-profile" {
		t.Errorf("other profile's secret = %q, %v", got, err)
	}
	must(t, k.Delete(ctxBG, id)) // deleting a missing secret is fine
	must(t, k.Delete(ctxBG, id2))
}

func TestKeyringConcurrentUse(t *testing.T) {
	k := realKeyring(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := testAccountID(10 + i)
			defer k.Delete(ctxBG, id)
			secret := fmt.Sprintf("secret-%d", i)
			if err := k.Set(ctxBG, id, secret); err != nil {
				errs <- err
				return
			}
			if got, err := k.Get(ctxBG, id); err != nil || got != secret {
				errs <- fmt.Errorf("profile %d: got %q, %v", id, got, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestKeyringArgumentChecks(t *testing.T) {
	// None of these reach the keyring.
	k := Keyring{Service: testService}
	wantErrIs(t, k.Set(ctxBG, 1, ""), ErrInvalid)
	wantErrIs(t, k.Set(ctxBG, 0, "x"), ErrInvalid)
	_, err := k.Get(ctxBG, -1)
	wantErrIs(t, err, ErrInvalid)
	wantErrIs(t, (Keyring{}).Delete(ctxBG, 1), ErrInvalid)
	wantErrIs(t, (Keyring{}).Probe(ctxBG), ErrInvalid)

	ctx, cancel := context.WithCancel(ctxBG)
	cancel()
	if _, err := k.Get(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with cancelled ctx = %v", err)
	}
}

func TestKeyringUnavailableMessages(t *testing.T) {
	for _, tc := range []struct {
		cause  error
		reason string
	}{
		{errors.New(`exec: "dbus-launch": executable file not found in $PATH`), "no D-Bus session bus is running"},
		{errors.New("dial unix /run/user/1000/bus: connect: no such file or directory"), "cannot be reached"},
		{errors.New("The name org.freedesktop.secrets was not provided by any .service files"), "no Secret Service"},
		{errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), "locked"},
		{&keyringTimeoutError{after: 10 * time.Second}, "did not answer within 10s"},
	} {
		err := &KeyringUnavailableError{Cause: tc.cause}
		msg := err.Error()
		if !strings.Contains(msg, tc.reason) || !strings.Contains(msg, tc.cause.Error()) || !strings.Contains(msg, err.Hint()) {
			t.Errorf("message %q lacks reason %q, cause or hint", msg, tc.reason)
		}
		if !errors.Is(err, tc.cause) {
			t.Errorf("%v does not unwrap to its cause", err)
		}
	}
	hint := (&KeyringUnavailableError{}).Hint()
	want := map[string]string{"linux": "sudo apt install gnome-keyring", "darwin": "Keychain", "windows": "Credential Manager"}[runtime.GOOS]
	if want != "" && !strings.Contains(hint, want) {
		t.Errorf("hint on %s = %q, want it to mention %q", runtime.GOOS, hint, want)
	}
	// A backend that echoed the secret would have it removed.
	err := unavailable(errors.New("bad value hunter2 rejected"), "hunter2")
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("secret leaked: %v", err)
	}
}

// TestHelperKeyring is the child process of TestKeyringUnavailable. It runs
// in its own process because godbus caches the session bus connection.
func TestHelperKeyring(t *testing.T) {
	if !isHelper() {
		t.Skip("helper process for TestKeyringUnavailable")
	}
	mode := os.Getenv("HALO_STORAGE_KEYRING_MODE")
	timeout := 5 * time.Second
	reason := map[string]string{
		"unreachable": "the D-Bus session bus cannot be reached",
		"nobus":       "no D-Bus session bus is running",
		"hang":        "did not answer within 500ms",
		"noservice":   "no Secret Service (keyring daemon) is running",
		"locked":      "the keyring is locked and could not be unlocked",
	}[mode]
	if mode == "locked" {
		// gnome-keyring-daemon may not have claimed its bus name yet.
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if err := (Keyring{Service: testService}).Probe(ctxBG); err == nil || !strings.Contains(err.Error(), "was not provided") {
				break
			}
		}
	}
	if mode == "hang" {
		// A "bus" that accepts connections and never answers, like a
		// keyring stuck behind an unlock prompt.
		sock := filepath.Join(t.TempDir(), "bus")
		l, err := net.Listen("unix", sock)
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			var held []net.Conn
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				held = append(held, c)
			}
		}()
		os.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+sock)
		timeout = 500 * time.Millisecond
	}
	k := Keyring{Service: testService, Timeout: timeout}
	const secret = "s3cr3t-Value-that-must-not-leak"
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"Set", func() error { return k.Set(ctxBG, 7, secret) }},
		{"Get", func() error { _, err := k.Get(ctxBG, 7); return err }},
		{"Delete", func() error { return k.Delete(ctxBG, 7) }},
		{"Probe", func() error { return k.Probe(ctxBG) }},
	} {
		start := time.Now()
		err := c.call()
		elapsed := time.Since(start)
		var kue *KeyringUnavailableError
		if !errors.As(err, &kue) {
			t.Errorf("%s: error = %T %v, want *KeyringUnavailableError", c.name, err, err)
			continue
		}
		if elapsed > timeout+time.Second {
			t.Errorf("%s took %v, timeout %v", c.name, elapsed, timeout)
		}
		msg := err.Error()
		if !strings.Contains(msg, reason) || !strings.Contains(msg, "sudo apt install gnome-keyring") {
			t.Errorf("%s: message %q lacks %q or the install hint", c.name, msg, reason)
		}
		if strings.Contains(msg, secret) || strings.Contains(fmt.Sprintf("%+v %#v", err, err), secret) {
			t.Errorf("%s: secret in error", c.name)
		}
		fmt.Printf("%s: %s\n", c.name, msg)
	}
	if mode == "hang" {
		ctx, cancel := context.WithTimeout(ctxBG, 100*time.Millisecond)
		defer cancel()
		start := time.Now()
		var kue *KeyringUnavailableError
		if _, err := k.Get(ctx, 7); !errors.As(err, &kue) || time.Since(start) > 400*time.Millisecond {
			t.Errorf("Get with a 100ms context deadline = %v after %v", err, time.Since(start))
		}
		ctx, cancel = context.WithCancel(ctxBG)
		time.AfterFunc(50*time.Millisecond, cancel)
		if _, err := k.Get(ctx, 7); !errors.Is(err, context.Canceled) {
			t.Errorf("Get with a cancelled context = %v, want context.Canceled", err)
		}
	}
}

func TestKeyringUnavailable(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("D-Bus Secret Service failure modes are Linux-specific")
	}
	emptyDir := t.TempDir()
	modes := map[string]func(t *testing.T) []string{
		"unreachable": func(*testing.T) []string {
			return []string{"DBUS_SESSION_BUS_ADDRESS=unix:path=" + filepath.Join(emptyDir, "no-such-socket")}
		},
		"hang": func(*testing.T) []string { return []string{"DBUS_SESSION_BUS_ADDRESS="} },
		// No bus address and no dbus-launch on PATH.
		"nobus": func(t *testing.T) []string {
			if u, err := user.Current(); err == nil {
				if _, err := os.Stat("/run/user/" + u.Uid + "/bus"); err == nil {
					t.Skip("godbus would discover the session bus at /run/user/" + u.Uid + "/bus")
				}
			}
			return []string{"DBUS_SESSION_BUS_ADDRESS=", "PATH=" + emptyDir}
		},
		// A real session bus with no Secret Service on it.
		"noservice": func(t *testing.T) []string {
			return []string{"DBUS_SESSION_BUS_ADDRESS=" + startBus(t)}
		},
		// A real gnome-keyring-daemon whose login keyring was never
		// unlocked, with no display to prompt on.
		"locked": func(t *testing.T) []string {
			addr := startBus(t)
			gk := lookPathOrSkip(t, "gnome-keyring-daemon")
			env := append(envWithout("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_DATA_HOME", "XDG_RUNTIME_DIR"),
				"DBUS_SESSION_BUS_ADDRESS="+addr, "XDG_DATA_HOME="+t.TempDir(), "XDG_RUNTIME_DIR="+t.TempDir())
			startDaemon(t, gk, env, "--foreground", "--components=secrets")
			return []string{"DBUS_SESSION_BUS_ADDRESS=" + addr}
		},
	}
	for mode, setup := range modes {
		t.Run(mode, func(t *testing.T) {
			env := setup(t)
			ctx, cancel := context.WithTimeout(ctxBG, time.Minute)
			defer cancel()
			cmd := helperCmd(t, ctx, "TestHelperKeyring", append(env, "HALO_STORAGE_KEYRING_MODE="+mode)...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("helper failed: %v\n%s", err, out)
			}
			if !bytes.Contains(out, []byte("Probe: the OS keyring is not available")) {
				t.Fatalf("helper did not run its checks:\n%s", out)
			}
			t.Logf("%s", out)
		})
	}
}

// lookPathOrSkip finds a program the test needs; missing is a skip, or a
// failure when the keyring tests are required.
func lookPathOrSkip(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(requireKeyringEnv) == "1" {
			t.Fatalf("%s=1 but %s is not installed", requireKeyringEnv, name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// startDaemon runs a daemon until the test ends.
func startDaemon(t *testing.T, path string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command(path, args...)
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(path), out.String())
		}
	})
}

// startBus runs a private dbus-daemon with no activatable services (so no
// Secret Service can be auto-started) and returns its address.
func startBus(t *testing.T) string {
	t.Helper()
	daemon := lookPathOrSkip(t, "dbus-daemon")
	dir := t.TempDir()
	sock := filepath.Join(dir, "bus")
	conf := `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=` + sock + `</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`
	confPath := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	startDaemon(t, daemon, os.Environ(), "--config-file="+confPath, "--nofork")
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(sock); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("dbus-daemon did not create its socket")
		}
	}
	return "unix:path=" + sock
}
