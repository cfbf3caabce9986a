package redact

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestStringRemovesRegisteredAndExtraSecrets(t *testing.T) {
	Add("registered-secret-1")
	Add("abc") // too short to be a secret: ordinary text stays intact
	got := String("a registered-secret-1 b own-secret-2 abc", "own-secret-2", "")
	if want := "a " + Marker + " b " + Marker + " abc"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
}

func TestClipCutsOnARuneBoundary(t *testing.T) {
	s := strings.Repeat("é", 10) // 2 bytes each
	got := Clip(s, 5)
	if !utf8.ValidString(got) || got != "éé…" {
		t.Fatalf("Clip = %q", got)
	}
	if Clip("short", 5) != "short" {
		t.Fatal("Clip changed a short string")
	}
}
