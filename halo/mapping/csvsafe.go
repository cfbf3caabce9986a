package mapping

import (
	"strings"
	"unicode"
)

// Formula safety of the CSV files the app writes. A spreadsheet runs a cell
// that starts with = + - or @ as a formula (a DDE payload such as
// =cmd|' /C calc'!A0 runs a program). Excel splits a line on the list
// separator of the user's locale: ',' in some, ';' in many (DE, FR, NL…),
// where a line break inside our quoted cell also ends its row; a
// tab-separated import or a paste splits on tabs. So every part of a cell
// that follows one of these is the start of a cell to someone, and names
// come from outside the MSP (Halo makes contacts from inbound e-mail
// senders).

// isPartBreak reports the bytes after which a spreadsheet may start a new
// cell inside one of ours.
func isPartBreak(c byte) bool { return c == ';' || c == '\t' || c == '\r' || c == '\n' }

// startsFormula reports a part a spreadsheet would read as a formula: its
// first character after white space and double quotes (which some readers
// skip or trim) is = + - or @.
func startsFormula(p string) bool {
	for _, r := range p {
		switch {
		case r == '"' || unicode.IsSpace(r):
		case r == '=' || r == '+' || r == '-' || r == '@':
			return true
		default:
			return false
		}
	}
	return false
}

// marked reports whether a part of a cell gets the formula quote. first
// says it starts the cell; next is the break after it (0 at the end). A
// part that would start a formula gets one, and so does a cell starting
// with tab or CR (readers that trim them would see what follows first).
// So that exactly the added quotes can be taken off again, a part already
// starting with a quote gets another one when what follows that quote
// would get one, or is a quote.
func marked(p string, first bool, next byte) bool {
	if rest, ok := strings.CutPrefix(p, "'"); ok {
		return strings.HasPrefix(rest, "'") || needsMark(rest, first, next)
	}
	return needsMark(p, first, next)
}

func needsMark(p string, first bool, next byte) bool {
	return startsFormula(p) || first && p == "" && (next == '\t' || next == '\r')
}

// neutralise puts a single quote in front of every part of cell s that
// would start a formula (see marked), unless the whole cell is a phone
// number or extension (isPhoneLike), which carries no formula payload and
// must reach 1stream as it is.
func neutralise(s string) string {
	if s == "" || isPhoneLike(s) {
		return s
	}
	return eachPart(s, func(part string, first bool, next byte) (string, string) {
		if marked(part, first, next) {
			return "'", part
		}
		return "", part
	})
}

// eachPart rebuilds s from its parts (split after ';', tab, CR and LF, the
// breaks kept in place), each replaced by what f makes of it: a prefix and
// the part.
func eachPart(s string, f func(part string, first bool, next byte) (prefix, out string)) string {
	if !strings.ContainsAny(s, ";\t\r\n") {
		p, out := f(s, true, 0)
		return p + out
	}
	var b strings.Builder
	b.Grow(len(s) + 4)
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && !isPartBreak(s[i]) {
			continue
		}
		var next byte
		if i < len(s) {
			next = s[i]
		}
		p, out := f(s[start:i], start == 0, next)
		b.WriteString(p)
		b.WriteString(out)
		if i < len(s) {
			b.WriteByte(next)
		}
		start = i + 1
	}
	return b.String()
}

// isPhoneLike reports a cell of only digits, spaces and + - ( ) . with at
// least one digit, such as +442071234567 or -2 (an extension). At most it
// is arithmetic: with no letters, quotes or separators it cannot name a
// function, a reference or a command, so it carries no formula payload.
func isPhoneLike(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c == ' ' || c == '+' || c == '-' || c == '(' || c == ')' || c == '.':
		default:
			return false
		}
	}
	return digit
}
