package mapping

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode"
)

// FuzzCSVCellsAreFormulaSafe writes a row of any three cells and reads it
// as spreadsheets in both kinds of locale would: split on ',' by RFC 4180
// (English Excel), and split on every ';', tab and line break whatever
// the quotes (Excel where ';' is the list separator, which also ends a row
// at a line break inside our quotes; a tab-separated import). No cell
// either way may start with = + - or @ after white space and double
// quotes, except the row's first cell when it is a phone number; and each
// cell reads back as written once the formula quotes are taken off.
func FuzzCSVCellsAreFormulaSafe(f *testing.F) {
	for _, seed := range [][3]string{
		{"Jane;=cmd|' /C calc'!A0", "x", "y"},
		{"+44 20 7946 0000", "5+cmd|' /C calc'!A0", "-2"},
		{"a\n=1+1", "b\t@SUM(A1)", "c\r-1"},
		{"a; =x", `a;"=x`, "a;\u00a0+x"},
		{"'=x;'", "'';''", "x;'\t'"},
		{"+44 1; +44 2", "", ";"},
		{"\t=x", "\r=x", " \"=x"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		cells := []string{a, b, c}
		var buf bytes.Buffer
		w := bufio.NewWriter(&buf)
		WriteCSVRow(w, cells)
		w.Flush()
		row := strings.TrimSuffix(buf.String(), "\r\n")

		// ',' as the separator.
		r := csv.NewReader(strings.NewReader(buf.String()))
		r.FieldsPerRecord = len(cells)
		fields, err := r.Read()
		if err != nil {
			t.Fatalf("reading %q: %v", buf.String(), err)
		}
		for i, field := range fields {
			want := sanitizeCell(cells[i])
			if back := unNeutralise(field); back != want {
				t.Fatalf("cell %d: %q read back as %q, want %q (file %q)", i, cells[i], back, want, row)
			}
			if isPhoneLike(want) {
				continue
			}
			eachPart(field, func(part string, _ bool, _ byte) (string, string) {
				if startsFormula(part) {
					t.Fatalf("cell %d %q: the part %q starts a formula (file %q)", i, cells[i], part, row)
				}
				return "", part
			})
		}

		// ';', tab or a line break as the separator, quotes or not.
		pieces := strings.FieldsFunc(row, func(r rune) bool { return r < 0x80 && isPartBreak(byte(r)) })
		for k, p := range pieces {
			if k == 0 && strings.HasPrefix(row, p) && isPhoneLike(sanitizeCell(a)) {
				continue // the row's first cell, a phone number written as it is
			}
			if formulaAfterQuotes(p) {
				t.Fatalf("%q starts a formula when the row is split on ';', tab and line breaks (file %q)", p, row)
			}
		}
	})
}

// formulaAfterQuotes reports a raw piece of a file whose first character
// after white space and double quotes is = + - or @.
func formulaAfterQuotes(p string) bool {
	s := strings.TrimLeftFunc(p, func(r rune) bool { return r == '"' || unicode.IsSpace(r) })
	return s != "" && strings.ContainsRune("=+-@", rune(s[0]))
}
