package applog

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRedactionCoversMessageAttrsGroupsAndErrors(t *testing.T) {
	dir := t.TempDir()
	const secret = "7f2c9a1e-secret-value-ü"
	AddSecret(secret)
	log, c, err := Open(dir, 0, slog.LevelDebug)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("token request with "+secret, "body", "client_secret="+secret)
	log.With("pre", secret).Warn("with attrs")
	log.Error("failed", "err", fmt.Errorf("wrapped: %w", errors.New("bad "+secret)))
	log.Info("grouped", slog.Group("req", slog.String("form", secret), slog.Int("n", 1)))
	log.Info("struct", "v", struct{ S string }{secret})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), secret) || strings.Contains(string(b), "7f2c9a1e") {
		t.Fatalf("secret leaked into the log:\n%s", b)
	}
	if got := strings.Count(string(b), Redacted); got < 6 {
		t.Fatalf("want at least 6 redactions, got %d:\n%s", got, b)
	}
}

func TestShortValuesAreNotRedacted(t *testing.T) {
	AddSecret("ab")
	if got := Redact("tab cab"); got != "tab cab" {
		t.Fatalf("Redact mangled text: %q", got)
	}
}

func TestLogIsSizeBounded(t *testing.T) {
	dir := t.TempDir()
	log, c, err := Open(dir, 4096, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000; i++ {
		log.Info("filler line to grow the log", "i", i)
	}
	c.Close()
	for _, name := range []string{FileName, FileName + ".1"} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() > 4096 {
			t.Fatalf("%s is %d bytes, bound is 4096", name, st.Size())
		}
		if st.Mode().Perm() != 0o600 {
			t.Fatalf("%s mode %v, want 0600", name, st.Mode().Perm())
		}
	}
}
