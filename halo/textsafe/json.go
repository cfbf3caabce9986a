package textsafe

import (
	"unicode/utf16"
	"unicode/utf8"
)

// JSON returns encoded JSON with every character Dropped removes written
// as a \u escape instead. encoding/json escapes C0 controls and U+2028/9
// but writes DEL, C1 controls (U+009B is CSI to many UTF-8 terminals) and
// bidi or zero-width characters raw. Outside its strings JSON is ASCII,
// so only string contents change, and only in spelling: a decoder reads
// the same values. Newlines and tabs (indentation) stay.
func JSON(b []byte) []byte {
	out := b[:0:0]
	last := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf && b[i] != 0x7f {
			// The other ASCII controls are escaped by encoding/json
			// already, or are its own layout.
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if (r == utf8.RuneError && size == 1) || !Dropped(r) {
			i += size
			continue
		}
		out = append(out, b[last:i]...)
		if r1, r2 := utf16.EncodeRune(r); r1 != utf8.RuneError {
			out = appendU(appendU(out, r1), r2)
		} else {
			out = appendU(out, r)
		}
		i += size
		last = i
	}
	if last == 0 {
		return b
	}
	return append(out, b[last:]...)
}

func appendU(b []byte, r rune) []byte {
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
