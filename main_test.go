package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildBinary builds this program with the given tags into dir as name.
func buildBinary(t *testing.T, dir, name, tags string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	bin := filepath.Join(dir, name)
	build := exec.Command(gobin, "build", "-tags", tags, "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build -tags %s: %v\n%s", tags, err, out)
	}
	return bin
}

// TestCleanStderrUnderPlainLocales runs the real binary (built as `make
// build` does, and as the Windows console twin is, with nogui) the way
// containers, cron and CI do: a command prints only its own words on stderr
// whatever the C/POSIX locale, in particular none of the toolkit's locale
// parse errors.
func TestCleanStderrUnderPlainLocales(t *testing.T) {
	for _, tags := range []string{"migrated_fynedo", "migrated_fynedo,nogui"} {
		t.Run(tags, func(t *testing.T) {
			dir := t.TempDir()
			cleanStderr(t, dir, buildBinary(t, dir, "halo-assistant", tags))
		})
	}
}

func cleanStderr(t *testing.T, dir, bin string) {
	home := filepath.Join(dir, "home")
	if err := os.Mkdir(home, 0o700); err != nil {
		t.Fatal(err)
	}
	cases := map[string][]string{
		"LANG=C.UTF-8":   {"LANG=C.UTF-8"},
		"LANG=C.utf8":    {"LANG=C.utf8"},
		"LC_ALL=C.UTF-8": {"LANG=en_GB.UTF-8", "LC_ALL=C.UTF-8"},
		"LANG=C":         {"LANG=C"},
		"LC_ALL=C":       {"LC_ALL=C"},
		"LANG=POSIX":     {"LANG=POSIX"},
		"POSIX.UTF-8":    {"LANG=POSIX.UTF-8"},
		"unset":          nil,
		"en_GB.UTF-8":    {"LANG=en_GB.UTF-8"},
	}
	for name, locale := range cases {
		for _, args := range [][]string{{"profile", "list"}, {"version"}} {
			cmd := exec.Command(bin, append([]string{"--data-dir", filepath.Join(dir, "data")}, args...)...)
			cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home}, locale...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("%s %v: %v\nstderr: %s", name, args, err, stderr.String())
				continue
			}
			if stderr.Len() != 0 {
				t.Errorf("%s %v: stderr is not empty:\n%s", name, args, stderr.String())
			}
			if stdout.Len() == 0 {
				t.Errorf("%s %v: no output", name, args)
			}
		}
	}
}

// The console twin (nogui) links no GUI toolkit, on Windows in particular:
// no Fyne, no GLFW/OpenGL bindings, hence no opengl32.dll import. The
// desktop build still has them.
func TestNoGUIBuildLinksNoToolkit(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	for _, goos := range []string{"windows", "linux"} {
		for _, tags := range []string{"migrated_fynedo,nogui", "migrated_fynedo"} {
			cmd := exec.Command(gobin, "list", "-deps", "-tags", tags, ".")
			cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("GOOS=%s go list -tags %s: %v\n%s", goos, tags, err, out)
			}
			var toolkit []string
			for _, p := range strings.Fields(string(out)) {
				if strings.HasPrefix(p, "fyne.io/") || strings.HasPrefix(p, "github.com/go-gl/") ||
					strings.HasSuffix(p, "/halo-assistant/gui") {
					toolkit = append(toolkit, p)
				}
			}
			if gui := !strings.Contains(tags, "nogui"); gui != (len(toolkit) > 0) {
				t.Errorf("GOOS=%s -tags %s: toolkit packages %v", goos, tags, toolkit)
			}
		}
	}
}

// With no command the console twin starts the desktop app beside it (by
// full path, with the same data directory and demo mode, without
// HALO_CLIENT_SECRET in its environment) and returns; if that program is
// missing it says so.
func TestNoGUIBuildOpensTheAppBesideIt(t *testing.T) {
	dir := t.TempDir()
	com := buildBinary(t, dir, "halo-assistant.com", "migrated_fynedo,nogui")
	const secret = "8c1e4f7a-2b5d-4e8f-a1c3-6d9b2e5f8a14-3f6a9c2e-5b8d-4a1f-b7e3-0c4d8f2a6b19"
	data := filepath.Join(dir, "data")
	// On Linux the command line first checks that an X display answers;
	// a TCP listener at 6000+N stands in for display N.
	x, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	display := fmt.Sprintf("127.0.0.1:%d", x.Addr().(*net.TCPAddr).Port-6000)
	run := func(args ...string) (int, string) {
		cmd := exec.Command(com, args...)
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + filepath.Join(dir, "home"), "DISPLAY=" + display,
			"HALO_CLIENT_SECRET=" + secret}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, stderr.String()
	}

	code, msg := run("--data-dir", data)
	if code != 1 || !strings.Contains(msg, "halo-assistant.exe, is not in "+dir) || !strings.Contains(msg, "--help") {
		t.Fatalf("without the desktop app beside it: exit %d, %q", code, msg)
	}

	// A stand-in desktop app that records its environment and arguments.
	got := filepath.Join(dir, "args.txt")
	script := "#!/bin/sh\nenv >" + got + ".env\nprintf '%s\\n' \"$@\" >" + got + ".tmp && mv " + got + ".tmp " + got + "\n"
	if err := os.WriteFile(filepath.Join(dir, "halo-assistant.exe"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--data-dir", data}, "--data-dir\n" + data + "\n"},
		{[]string{"--data-dir", data, "--demo"}, "--data-dir\n" + data + "\n--demo\n"},
	} {
		os.Remove(got)
		code, msg := run(tc.args...)
		if code != 0 || !strings.Contains(msg, "Opening the window (halo-assistant.exe)") {
			t.Fatalf("%v: exit %d, %q", tc.args, code, msg)
		}
		var b []byte
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if b, err = os.ReadFile(got); err == nil {
				break
			}
		}
		if string(b) != tc.want {
			t.Fatalf("%v: the desktop app got %q, want %q", tc.args, b, tc.want)
		}
		if env, err := os.ReadFile(got + ".env"); err != nil || !strings.Contains(string(env), "DISPLAY=") ||
			strings.Contains(string(env), "HALO_CLIENT_SECRET") || strings.Contains(string(env), secret) {
			t.Fatalf("%v: the desktop app's environment (%v):\n%s", tc.args, err, env)
		}
	}
}
