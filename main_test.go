package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestCleanStderrUnderPlainLocales runs the real binary (built as `make
// build` does) the way containers, cron and CI do: a command prints only its
// own words on stderr whatever the C/POSIX locale, in particular none of the
// toolkit's locale parse errors.
func TestCleanStderrUnderPlainLocales(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build the binary with")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "halo-assistant")
	build := exec.Command(gobin, "build", "-tags", "migrated_fynedo", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
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
