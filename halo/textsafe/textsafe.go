// Package textsafe keeps text from outside the program (names from Halo,
// a users file, server messages) from acting where it is shown: in a
// terminal, where control and format characters are commands, and in
// Markdown pasted into a documentation tool, where punctuation is markup.
// It imports nothing from the project, so the CLI, the halo package, the
// mapping package and the GUI can all use the same rules.
package textsafe

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Dropped reports whether Terminal removes r. Newline and tab are kept:
// they are the line structure the program itself writes. Everything else
// in Unicode's Cc category goes (ESC starts a terminal command, BEL and
// ST end one, CR overwrites the line, C1 controls such as U+009B are
// commands in many UTF-8 terminals), and so does Cf (bidi overrides and
// isolates reorder what is shown, zero-width characters hide text) and
// the line and paragraph separators, which some viewers break lines at.
func Dropped(r rune) bool {
	if r == '\n' || r == '\t' {
		return false
	}
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)
}

// Terminal returns s without the characters Dropped removes, with invalid
// UTF-8 bytes replaced by U+FFFD (a lone byte 0x9B is CSI to an 8-bit
// terminal). Ordinary Unicode, newlines and tabs are kept.
func Terminal(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || Dropped(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		// range yields U+FFFD for each invalid byte, written as such.
		if !Dropped(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Writer passes what is written through Terminal. A rune split across two
// Write calls is held back until its last byte arrives, so splitting
// never turns valid text into U+FFFD; an incomplete rune left at the end
// is never written (it would have been invalid UTF-8).
type Writer struct {
	w       io.Writer
	pending [utf8.UTFMax]byte
	n       int
}

// NewWriter returns a Writer that writes the terminal-safe form of its
// input to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write filters p and writes the result; it reports len(p) on success,
// as io.Writer requires, although fewer bytes may reach w.
func (t *Writer) Write(p []byte) (int, error) {
	buf := p
	if t.n > 0 {
		buf = append(t.pending[:t.n:t.n], p...)
		t.n = 0
	}
	// Hold back a trailing incomplete (but so far valid) rune.
	cut := len(buf)
	for i := len(buf) - 1; i >= 0 && i >= len(buf)-utf8.UTFMax+1; i-- {
		if utf8.RuneStart(buf[i]) {
			if !utf8.FullRune(buf[i:]) {
				cut = i
			}
			break
		}
	}
	t.n = copy(t.pending[:], buf[cut:])
	if cut == 0 {
		return len(p), nil
	}
	if _, err := io.WriteString(t.w, Terminal(string(buf[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}
