package mapping

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Encodings reported in Preview.Encoding.
const (
	EncodingUTF8        = "UTF-8"
	EncodingUTF8BOM     = "UTF-8 with BOM"
	EncodingUTF16LE     = "UTF-16LE"
	EncodingUTF16BE     = "UTF-16BE"
	EncodingWindows1252 = "Windows-1252"
)

// readLimited reads at most MaxImportBytes+1 bytes so an oversized file is
// refused after a bounded read instead of being loaded whole.
func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the file: %w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, ErrTooLarge
	}
	return data, nil
}

// decodeText turns the bytes of a spreadsheet export into UTF-8. Excel
// writes UTF-8 with a BOM ("CSV UTF-8"), UTF-16 with a BOM ("Unicode
// Text"), or the Windows ANSI code page ("CSV"); the last one is recognised
// by not being valid UTF-8.
func decodeText(data []byte) ([]byte, string, error) {
	if len(data) >= 4 && (bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0})) {
		return nil, "", fmt.Errorf("%w (it looks like an Excel workbook: in Excel use File > Save As > CSV UTF-8)", ErrNotText)
	}
	enc := EncodingUTF8
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data, enc = data[3:], EncodingUTF8BOM
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		data, enc = decodeUTF16(data[2:], false), EncodingUTF16LE
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		data, enc = decodeUTF16(data[2:], true), EncodingUTF16BE
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, "", ErrNotText
	}
	if !utf8.Valid(data) {
		data, enc = decodeWindows1252(data), EncodingWindows1252
	}
	return data, enc, nil
}

func decodeUTF16(b []byte, bigEndian bool) []byte {
	u := make([]uint16, len(b)/2)
	for i := range u {
		if bigEndian {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		} else {
			u[i] = uint16(b[2*i+1])<<8 | uint16(b[2*i])
		}
	}
	out := make([]byte, 0, len(u)+len(u)/4)
	for _, r := range utf16.Decode(u) {
		out = utf8.AppendRune(out, r)
	}
	return out
}

// cp1252High maps bytes 0x80–0x9F of Windows-1252; the other bytes are the
// Latin-1 code points. Unassigned bytes become U+FFFD.
var cp1252High = [32]rune{
	'€', '\ufffd', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\ufffd', 'Ž', '\ufffd',
	'\ufffd', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\ufffd', 'ž', 'Ÿ',
}

func decodeWindows1252(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		switch {
		case c < 0x80:
			out = append(out, c)
		case c < 0xA0:
			out = utf8.AppendRune(out, cp1252High[c-0x80])
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return out
}

// detectDelimiter picks tab, semicolon or comma from the first lines,
// counting only outside quotes. The delimiter the header uses that the most
// following lines repeat the same number of times wins; ties go to tab, then
// semicolon (a tab or semicolon in a comma file is rarer than the reverse).
// A file with none of them (one column) is read as comma-separated.
func detectDelimiter(data []byte) rune {
	const maxLines = 20
	cands := [3]byte{'\t', ';', ','}
	var counts [maxLines][3]int
	var cur [3]int
	lines := 0
	inQuote, content := false, false
	for i := 0; i < len(data) && lines < maxLines; i++ {
		c := data[i]
		switch {
		case c == '"':
			inQuote = !inQuote
			content = true
		case inQuote:
		case c == '\n':
			if content {
				counts[lines] = cur
				lines++
			}
			cur, content = [3]int{}, false
		case c == '\r':
		default:
			content = true
			for k, d := range cands {
				if c == d {
					cur[k]++
				}
			}
		}
	}
	if content && lines < maxLines {
		counts[lines] = cur
		lines++
	}
	best, bestConsistent, bestCount := ',', -1, 0
	for k, d := range cands {
		h := counts[0][k]
		if h == 0 {
			continue
		}
		consistent := 0
		for l := 1; l < lines; l++ {
			if counts[l][k] == h {
				consistent++
			}
		}
		if consistent > bestConsistent || consistent == bestConsistent && h > bestCount {
			best, bestConsistent, bestCount = rune(d), consistent, h
		}
	}
	return best
}

// maxRawLen bounds the raw row text kept for the preview.
const maxRawLen = 200

func rawText(data []byte, from, to int) string {
	if from < 0 || to > len(data) || from >= to {
		return ""
	}
	b := bytes.Trim(data[from:to], "\r\n")
	if len(b) > maxRawLen {
		cut := maxRawLen
		for cut > 0 && !utf8.RuneStart(b[cut]) {
			cut--
		}
		return string(b[:cut]) + "…"
	}
	return string(b)
}

// headerKey reduces a header cell to its letters and digits, folded, so
// "E-mail Address", "email_address" and "EMAIL ADDRESS" compare equal.
func headerKey(s string) string {
	var buf [64]byte
	b := buf[:0]
	for _, r := range s {
		b, _ = appendFoldedRune(b, r)
	}
	return string(b)
}

// cleanField trims white space (including no-break and zero-width spaces
// and stray BOMs that spreadsheets leave in cells).
func cleanField(s string) string {
	return strings.TrimFunc(s, isTrimRune)
}

func isTrimRune(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff'
}

// cleanText is cleanField plus control characters turned into spaces and
// runs of spaces collapsed, for names shown in lists.
func cleanText(s string) string {
	s = cleanField(s)
	dirty := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c == ' ' && i+1 < len(s) && s[i+1] == ' ' || c >= 0x80 {
			dirty = true
			break
		}
	}
	if !dirty {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		b.WriteRune(r)
		space = false
	}
	return strings.TrimSpace(b.String())
}

// firstRows reads up to n rows for header detection; a broken row is
// nil.
func firstRows(data []byte, delim rune, n int) [][]string {
	rr := newCSVReader(data, delim)
	var out [][]string
	var rec csvRow
	for len(out) < n && rr.next(&rec) {
		if rec.err != "" {
			out = append(out, nil)
			continue
		}
		row := make([]string, len(rec.fields))
		for i, f := range rec.fields {
			row[i] = string(f)
		}
		out = append(out, row)
	}
	return out
}

// blankRow reports a row whose stored cells are all white space.
func blankRow(fields [][]byte) bool {
	for _, f := range fields {
		for i := 0; i < len(f); {
			r, size := utf8.DecodeRune(f[i:])
			if !isTrimRune(r) {
				return false
			}
			i += size
		}
	}
	return true
}

// cell returns the i-th cell of fields as a string, "" when absent.
func cell(fields [][]byte, i int) string {
	if i < 0 || i >= len(fields) {
		return ""
	}
	return string(fields[i])
}

// quoteShort quotes a value for a message, cut to a readable length.
func quoteShort(s string) string {
	const maxLen = 60
	if utf8.RuneCountInString(s) > maxLen {
		r := []rune(s)
		s = string(r[:maxLen]) + "…"
	}
	return fmt.Sprintf("%q", s)
}
