package cli

import (
	"bytes"
	"fmt"
	"os"
	"syscall"
	"testing"
	"unsafe"

	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// openPTY opens a pseudo-terminal pair: what is written to master is read
// from slave as typed on a terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		m.Close()
		t.Skipf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		m.Close()
		t.Skipf("ptsname: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		m.Close()
		t.Skipf("open pts: %v", err)
	}
	t.Cleanup(func() { s.Close(); m.Close() })
	return m, s
}

// runTerminal runs the CLI with standard input on a terminal where typed
// has been typed.
func (h *harness) runTerminal(t *testing.T, typed string, args ...string) result {
	t.Helper()
	master, slave := openPTY(t)
	if _, err := master.WriteString(typed); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := Env{
		Stdin: slave, Stdout: &out, Stderr: &errb,
		Getenv:  func(k string) string { return h.env[k] },
		Secrets: func(string) storage.Secrets { return h.secrets },
		Logger:  applog.Discard(),
		GUI:     func(GUIOptions) int { t.Fatal("GUI must not start"); return 0 },
	}
	code := Main(append([]string{"--data-dir", h.dir}, args...), env)
	return result{code, out.String(), errb.String()}
}
