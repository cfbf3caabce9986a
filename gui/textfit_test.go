package gui

import (
	"strings"
	"testing"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestFitCellBreaksBetweenWordsAndBeforeTheDomain(t *testing.T) {
	test.NewTempApp(t)
	f := textFitter{pad: 2 * theme.InnerPadding(), width: func(s string) float32 {
		return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width
	}}
	fitCell := f.fitCell
	w := func(s string) float32 { return f.width(s) + f.pad }
	email := "jose.alvarez@contoso-msp.com"
	if got := fitCell(email, w(email), true); got != email {
		t.Errorf("a value that fits stays on one line: %q", got)
	}
	// Wide enough for "jose.alvarez@contoso-" too: the domain still goes
	// on the second line whole.
	if got := fitCell(email, w("jose.alvarez@contoso-")+1, true); got != "jose.alvarez\n@contoso-msp.com" {
		t.Errorf("email: %q", got)
	}
	if got := fitCell("Ana María Pérez", w("Ana María")+1, true); got != "Ana María\nPérez" {
		t.Errorf("name: %q", got)
	}
	// No space or "@" that fits both lines: a weaker break, else inside
	// the word; what still does not fit ends in "…".
	if got := fitCell("tomas.o.suilleabhain", w("suilleabhain")+1, true); got != "tomas.o.\nsuilleabhain" {
		t.Errorf("weak break: %q", got)
	}
	long := "Bartholomew-Fitzgerald-Montgomery"
	got := fitCell(long, w("Bartholomew-")+1, true)
	lines := strings.Split(got, "\n")
	if len(lines) != 2 || lines[0] != "Bartholomew-" || !strings.HasSuffix(lines[1], "…") || w(lines[1]) > w("Bartholomew-")+1 {
		t.Errorf("too long for two lines: %q", got)
	}
	// One-line columns get an ellipsis, within the width.
	if got := fitCell("suggested", w("sugg…")+1, false); !strings.HasSuffix(got, "…") || w(got) > w("sugg…")+1 {
		t.Errorf("one line: %q", got)
	}
}

// runeWidth measures every rune as 10 px wide, so the fitting rules can be
// checked without a font.
func runeWidth(s string) float32 { return float32(10 * utf8.RuneCountInString(s)) }

func TestTextFitterWithFixedWidths(t *testing.T) {
	f := textFitter{width: runeWidth, pad: 4}
	tests := []struct {
		text     string
		width    float32
		twoLines bool
		want     string
	}{
		{"", 10, true, ""},
		{"abc", 0, true, "abc"},                   // not laid out yet
		{"abc", 34, false, "abc"},                 // fits exactly
		{"abcdef", 44, false, "abc…"},             // one line: ellipsis
		{"ab cd", 34, true, "ab\ncd"},             // at the space, dropped
		{"ab@cd.ef", 64, true, "ab\n@cd.ef"},      // before the domain
		{"a-b-c", 34, true, "a-\nb-c"},            // the last break that fits both lines
		{"abcdefgh", 44, true, "abcd\nefgh"},      // inside the word
		{"abcdefghijkl", 44, true, "abcd\nefg…"},  // the second line cut
		{"é", 4, true, "…"},                       // nothing fits
		{"ñandú ñandú", 64, true, "ñandú\nñandú"}, // runes, not bytes
	}
	for _, tc := range tests {
		if got := f.fitCell(tc.text, tc.width, tc.twoLines); got != tc.want {
			t.Errorf("fitCell(%q, %v, %v) = %q, want %q", tc.text, tc.width, tc.twoLines, got, tc.want)
		}
	}
}

func TestTwoLineWidth(t *testing.T) {
	f := textFitter{width: runeWidth, pad: 4}
	for text, want := range map[string]float32{
		"":               0,
		"abc":            34,  // no break: one line
		"ab cd":          24,  // "ab" / "cd"
		"jo@contoso.com": 114, // "jo@contoso." / "com" is narrower than "jo" / "@contoso.com"
	} {
		if got := f.twoLineWidth(text); got != want {
			t.Errorf("twoLineWidth(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestBreakAtAndEllipsize(t *testing.T) {
	for _, tc := range []struct {
		text          string
		i             int
		first, second string
		ok            bool
	}{
		{"ab cd", 2, "ab", "cd", true},
		{"ab@cd", 2, "ab", "@cd", true},
		{"ab.cd", 2, "ab.", "cd", true},
		{"ab,cd", 2, "ab,", "cd", true},
		{"abcd", 2, "", "", false},
		{" ab", 0, "", "ab", false}, // an empty first line is no break
	} {
		a, b, ok := breakAt(tc.text, tc.i)
		if a != tc.first || b != tc.second || ok != tc.ok {
			t.Errorf("breakAt(%q, %d) = %q, %q, %v", tc.text, tc.i, a, b, ok)
		}
	}
	fits := func(s string) bool { return runeWidth(s) <= 40 }
	if got := ellipsize("abcdefgh", fits); got != "abc…" {
		t.Errorf("ellipsize = %q", got)
	}
	if got := ellipsize("abcdefgh", func(string) bool { return false }); got != "…" {
		t.Errorf("ellipsize with no room = %q", got)
	}
}
