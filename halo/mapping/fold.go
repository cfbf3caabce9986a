package mapping

import (
	"unicode"
	"unicode/utf8"
)

// Accent folding is a hand-written table rather than golang.org/x/text's
// Unicode normalisation: decomposition does not fold letters such as ø, ł,
// đ or ß that people type without the stroke, the table allocates nothing,
// and it keeps the package on the standard library. It covers Latin-1
// Supplement and Latin Extended-A (the letters of Western, Central and
// Northern European names); '*' marks the letters that fold to two, ' ' the
// symbols that are not letters.
const (
	latin1Fold = "aaaaaa*ceeeeiiii" + "dnooooo ouuuuy**" + "aaaaaa*ceeeeiiii" + "dnooooo ouuuuy*y"   // U+00C0–U+00FF
	latinAFold = "aaaaaaccccccccdd" + "ddeeeeeeeeeegggg" + "gggghhhhiiiiiiii" + "ii**jjkkklllllll" + // U+0100–U+013F
		"lllnnnnnnnnnoooo" + "oo**rrrrrrssssss" + "ssttttttuuuuuuuu" + "uuuuwwyyyzzzzzzs" // U+0140–U+017F
)

// appendFoldedRune appends r in lower case with Latin diacritics removed and
// reports true, or appends nothing and reports false when r is neither a
// letter nor a digit.
func appendFoldedRune(dst []byte, r rune) ([]byte, bool) {
	switch {
	case r < utf8.RuneSelf:
		c := byte(r)
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			return append(dst, c), true
		case c >= 'A' && c <= 'Z':
			return append(dst, c+'a'-'A'), true
		}
		return dst, false
	case r >= 0xC0 && r <= 0x17F:
		var c byte
		if r < 0x100 {
			c = latin1Fold[r-0xC0]
		} else {
			c = latinAFold[r-0x100]
		}
		switch c {
		case ' ':
			return dst, false
		case '*':
			switch r {
			case 'Æ', 'æ':
				return append(dst, "ae"...), true
			case 'Þ', 'þ':
				return append(dst, "th"...), true
			case 'ß':
				return append(dst, "ss"...), true
			case 'Ĳ', 'ĳ':
				return append(dst, "ij"...), true
			case 'Œ', 'œ':
				return append(dst, "oe"...), true
			}
			return dst, false
		}
		return append(dst, c), true
	case r >= 0x218 && r <= 0x21B: // Romanian Ș ș Ț ț
		if r < 0x21A {
			return append(dst, 's'), true
		}
		return append(dst, 't'), true
	case unicode.IsLetter(r) || unicode.IsDigit(r):
		// A capital outside Latin-1 can lower into the ranges folded above
		// (ẞ → ß, the Kelvin sign → k, the Ångström sign → å): fold that
		// too, or normalising twice would not give the same result.
		if l := unicode.ToLower(r); l != r && l < 0x220 {
			return appendFoldedRune(dst, l)
		}
		return utf8.AppendRune(dst, unicode.ToLower(r)), true
	}
	return dst, false
}

// isIgnored reports runes that vanish without separating words: apostrophes
// (O'Brien = OBrien), combining accents (decomposed text), soft hyphens and
// zero-width characters.
func isIgnored(r rune) bool {
	switch r {
	case '\'', '`', '\u00b4', '\u2018', '\u2019', '\u02bc', '\u00ad', '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return r >= 0x300 && r <= 0x36F || r > 0x36F && unicode.Is(unicode.Mn, r)
}

// nameSuffixes are generational and academic suffixes that may follow a
// comma without the name being in "Last, First" order.
var nameSuffixes = map[string]bool{
	"jr": true, "sr": true, "ii": true, "iii": true, "iv": true,
	"phd": true, "md": true, "esq": true,
}

// NormalizeName returns the form in which full names are compared: lower
// case, Latin accents folded, apostrophes dropped, other punctuation turned
// into single spaces, text in brackets removed ("Jo Bloggs (Contractor)"),
// and "Last, First" turned into "first last" (a generational suffix after a
// comma stays at the end: "Smith, John, Jr." → "john smith jr").
func NormalizeName(s string) string {
	var buf [96]byte
	return string(appendNormalizedName(buf[:0], s))
}

func appendNormalizedName(dst []byte, s string) []byte {
	start := len(dst)
	depth := 0
	sep := byte(0) // pending separator: ' ' or ','
	commas := 0
	for _, r := range s {
		switch r {
		case '(', '[', '{':
			depth++
			if sep == 0 {
				sep = ' '
			}
			continue
		case ')', ']', '}':
			if depth > 0 {
				depth--
			}
			if sep == 0 {
				sep = ' '
			}
			continue
		}
		if depth > 0 || isIgnored(r) {
			continue
		}
		if r == ',' {
			sep = ','
			continue
		}
		mark := len(dst)
		withSep := sep != 0 && len(dst) > start
		if withSep {
			dst = append(dst, sep)
		}
		var ok bool
		if dst, ok = appendFoldedRune(dst, r); !ok {
			dst = dst[:mark]
			if sep == 0 {
				sep = ' '
			}
			continue
		}
		if withSep && sep == ',' {
			commas++
		}
		sep = 0
	}
	if commas == 0 {
		return dst
	}
	return reorderCommaName(dst, start, commas)
}

// reorderCommaName rewrites dst[start:], whose parts are separated by
// commas, into space-separated "first last [suffix]" order.
func reorderCommaName(dst []byte, start, commas int) []byte {
	body := dst[start:]
	parts := make([][]byte, 0, commas+1)
	from := 0
	for i, c := range body {
		if c == ',' {
			parts = append(parts, body[from:i])
			from = i + 1
		}
	}
	parts = append(parts, body[from:])
	var suffix []byte
	if last := parts[len(parts)-1]; len(parts) > 1 && nameSuffixes[string(last)] {
		suffix = last
		parts = parts[:len(parts)-1]
	}
	out := make([]byte, 0, len(body))
	if len(parts) == 2 {
		out = append(append(append(out, parts[1]...), ' '), parts[0]...)
	} else {
		for i, p := range parts {
			if i > 0 {
				out = append(out, ' ')
			}
			out = append(out, p...)
		}
	}
	if suffix != nil {
		out = append(append(out, ' '), suffix...)
	}
	return append(dst[:start], out...)
}

// appendSearchFold appends s folded for substring search: letters and digits
// as appendFoldedRune makes them, ignored runes dropped, runs of white space
// and control characters turned into one space, and other symbols ("@", ".",
// "-") lower-cased but kept so a query like "jo@" still narrows by email.
func appendSearchFold(dst []byte, s string) []byte {
	space := true // drop leading space
	for _, r := range s {
		if isIgnored(r) {
			continue
		}
		var ok bool
		if dst, ok = appendFoldedRune(dst, r); ok {
			space = false
			continue
		}
		if unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			if !space {
				dst = append(dst, ' ')
				space = true
			}
			continue
		}
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		space = false
	}
	if space && len(dst) > 0 && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}
