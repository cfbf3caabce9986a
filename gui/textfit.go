package gui

import (
	"math"
	"sort"
)

// textFitter fits text into the users table's cells. Its functions are
// pure: width measures a string in the cells' text style, pad is a cell's
// padding (both sides together).
type textFitter struct {
	width func(text string) float32
	pad   float32
}

// fitCell is text as a users-table cell of the given width shows it: as it
// is when it fits on one line; for a two-line column, else, broken in two
// (breakAt), or inside a word when no break lets the first line fit; the
// last line ends in "…" when it still does not fit.
// Fitting here, once per row and width, keeps Fyne from shaping an
// ellipsis label again on every refresh.
func (f textFitter) fitCell(text string, width float32, twoLines bool) string {
	avail := width - f.pad
	fits := func(t string) bool { return f.width(t) <= avail }
	if text == "" || width <= 0 || fits(text) {
		return text
	}
	if !twoLines {
		return ellipsize(text, fits)
	}
	// The last break that fits both lines, preferring a space or "@"
	// (names break between words, emails before the domain); else the
	// last one that fits the first line.
	first, rest := "", ""
	for _, strong := range []bool{true, false} {
		for i := len(text) - 1; i > 0 && first == ""; i-- {
			if a, b, ok := breakAt(text, i); ok && (!strong || text[i] == ' ' || text[i] == '@') && fits(a) && fits(b) {
				first, rest = a, b
			}
		}
	}
	for i := len(text) - 1; i > 0 && first == ""; i-- {
		if a, b, ok := breakAt(text, i); ok && fits(a) {
			first, rest = a, b
		}
	}
	if first == "" {
		// No break point fits: break inside the word, at a rune.
		runes := []rune(text)
		n := sort.Search(len(runes), func(n int) bool { return !fits(string(runes[:n+1])) })
		if n == 0 {
			return ellipsize(text, fits)
		}
		first, rest = string(runes[:n]), string(runes[n:])
	}
	if !fits(rest) {
		rest = ellipsize(rest, fits)
	}
	return first + "\n" + rest
}

// ellipsize cuts text to the longest start that fits with "…" after it.
func ellipsize(text string, fits func(string) bool) string {
	runes := []rune(text)
	n := sort.Search(len(runes), func(n int) bool { return !fits(string(runes[:n]) + "…") })
	if n == 0 {
		return "…"
	}
	return string(runes[:n-1]) + "…"
}

// twoLineWidth is the narrowest cell (padding included) that shows text
// on at most two lines broken where fitCell breaks it.
func (f textFitter) twoLineWidth(text string) float32 {
	if text == "" {
		return 0
	}
	w := f.width
	best := w(text)
	for i := 1; i < len(text); i++ {
		if a, b, ok := breakAt(text, i); ok {
			best = min(best, max(w(a), w(b)))
		}
	}
	return float32(math.Ceil(float64(best + f.pad)))
}

// breakAt splits text into two lines at byte i when a line may break
// there: at a space (dropped), before an "@" (so an email's domain goes on
// the second line), or after a ".", "-" or ",". These are all ASCII, so i
// never falls inside a multi-byte rune.
func breakAt(text string, i int) (first, second string, ok bool) {
	switch text[i] {
	case ' ':
		first, second = text[:i], text[i+1:]
	case '@':
		first, second = text[:i], text[i:]
	case '.', '-', ',':
		first, second = text[:i+1], text[i+1:]
	default:
		return "", "", false
	}
	return first, second, first != "" && second != ""
}
