package textsafe

import (
	"strings"
)

// Markdown returns s as inline Markdown text that renders as exactly s
// (on one line) and can carry no markup: pasted into IT Glue, Hudu or any
// CommonMark/GFM renderer it makes no link, image, emphasis, code, HTML,
// table cell break, heading or list. It drops what Terminal drops,
// collapses runs of whitespace (newlines included) to one space and trims
// the ends (a leading indent would start a code block), escapes & < > as
// HTML entities (so no tag or entity survives, even where a renderer
// passes raw HTML through) and puts a backslash before the punctuation
// that is markup anywhere in a line. Characters that are markup only at
// the start of a line (+ - = and the "." or ")" of "1." / "1)") are
// escaped there. Parentheses elsewhere are left alone: with [ ] escaped
// they cannot form a link. It is for table cells and for text inside a
// line the program writes; the empty string stays empty.
func Markdown(s string) string {
	s = strings.Join(strings.Fields(Terminal(s)), " ")
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	// digits is true while s so far is a run of digits from its start: a
	// following "." or ")" would make an ordered-list marker.
	digits := true
	for i, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case strings.ContainsRune(inlineMarkup, r),
			i == 0 && strings.ContainsRune(lineStartMarkup, r),
			i > 0 && digits && (r == '.' || r == ')'):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
		digits = digits && r >= '0' && r <= '9'
	}
	return b.String()
}

// inlineMarkup is the ASCII punctuation that is markup anywhere in a line
// in CommonMark, GFM or the common extensions (strikethrough ~, math $,
// attribute lists { }, a heading's closing #, tables |).
const inlineMarkup = "\\`*_[]{}|~!#$"

// lineStartMarkup is markup only as the first character of a line: list
// items (+ -), setext underlines (= -).
const lineStartMarkup = "+-="

// escapable is every character Markdown may put a backslash before; a
// backslash in its output is always followed by one of them.
const escapable = inlineMarkup + lineStartMarkup + ".)"
