package mapping

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

func readAllRecords(data []byte, delim rune) (rows [][]string, lines []int, errs []string) {
	r := newCSVReader(data, delim)
	var rec csvRow
	for r.next(&rec) {
		var row []string
		for _, f := range rec.fields {
			row = append(row, string(f))
		}
		rows = append(rows, row)
		lines = append(lines, rec.line)
		errs = append(errs, rec.err)
	}
	return rows, lines, errs
}

func TestCSVReader(t *testing.T) {
	tests := []struct {
		in    string
		delim rune
		rows  [][]string
		lines []int
		errs  []string // substrings; "" for a good row
	}{
		{"a,b\r\nc,d", ',', [][]string{{"a", "b"}, {"c", "d"}}, []int{1, 2}, []string{"", ""}},
		{"\n\r\na,\n\n,\r", ',', [][]string{{"a", ""}, {"", ""}}, []int{3, 5}, []string{"", ""}},
		{`"a ""q"" b","x` + "\r\n" + `y",z`, ',', [][]string{{`a "q" b`, "x\ny", "z"}}, []int{1}, []string{""}},
		{`a, "b" ,c`, ',', nil, []int{1}, []string{"text after its closing"}},
		{"a, \"b\",  c\n", ',', [][]string{{"a", "b", "c"}}, []int{1}, []string{""}},
		{"a\t \"b\"\n", '\t', nil, []int{1}, []string{"not inside quotes"}},
		{"a\t\t\tb\n", '\t', [][]string{{"a", "", "", "b"}}, []int{1}, []string{""}},
		{"x\"y,z\nok,1\n", ',', [][]string{nil, {"ok", "1"}}, []int{1, 2}, []string{"not inside quotes", ""}},
		{"\"open\nmore\nstill", ';', nil, []int{1}, []string{"not closed"}},
		{"\"a\"x;b\nc;d", ';', [][]string{nil, {"c", "d"}}, []int{1, 2}, []string{"text after", ""}},
		{"a\rb,c\r\r\n", ',', [][]string{{"a\rb", "c\r"}}, []int{1}, []string{""}},
		{"\"a\"\r", ',', [][]string{{"a"}}, []int{1}, []string{""}},
	}
	for _, tt := range tests {
		rows, lines, errs := readAllRecords([]byte(tt.in), tt.delim)
		if len(rows) != len(tt.lines) {
			t.Errorf("%q: %d rows %q, want %d", tt.in, len(rows), rows, len(tt.lines))
			continue
		}
		for i := range rows {
			if tt.errs[i] == "" && (errs[i] != "" || strings.Join(rows[i], "|") != strings.Join(tt.rows[i], "|")) ||
				tt.errs[i] != "" && !strings.Contains(errs[i], tt.errs[i]) || lines[i] != tt.lines[i] {
				t.Errorf("%q row %d = %q line %d err %q; want %q line %d err %q", tt.in, i, rows[i], lines[i], errs[i], tt.rows, tt.lines[i], tt.errs[i])
			}
		}
	}
}

func TestCSVReaderBoundsStoredCells(t *testing.T) {
	data := []byte(strings.Repeat(`"x",`, 10_000) + "\nnext\n")
	r := newCSVReader(data, ',')
	var rec csvRow
	if !r.next(&rec) || rec.err != "" || rec.nfields != 10_001 || len(rec.fields) != maxStoredFields {
		t.Fatalf("row: nfields %d stored %d err %q", rec.nfields, len(rec.fields), rec.err)
	}
	if !r.next(&rec) || rec.line != 2 || string(rec.fields[0]) != "next" {
		t.Fatalf("next row: %+v", rec)
	}
}

// FuzzCSVReader checks the reader against encoding/csv, whose rules it
// follows: the same cells, row start lines, broken rows and byte offsets.
func FuzzCSVReader(f *testing.F) {
	for _, s := range []string{
		"a,b\r\nc,d", "\n\r\na,\n\n,\r", `"a ""q"" b","x` + "\r\ny\",z", `a, "b" ,c`, "a\t \"b\"\n",
		"x\"y,z\nok,1\n", "\"open\nmore", "\"a\"x;b\nc;d", "a\rb,c\r\r\n", "\"a\"\r", " \u0085\"x\"", "\"\r\n\"\r\n",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(1))
		f.Add([]byte(s), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			return // decodeText guarantees both
		}
		delim := []rune{',', ';', '\t'}[which%3]
		ref := csv.NewReader(bytes.NewReader(data))
		ref.Comma = delim
		ref.FieldsPerRecord = -1
		ref.TrimLeadingSpace = delim != '\t'
		r := newCSVReader(data, delim)
		var rec csvRow
		for i := 0; ; i++ {
			want, werr := ref.Read()
			got := r.next(&rec)
			if werr == io.EOF {
				if got {
					t.Fatalf("row %d: extra row %+v", i, rec)
				}
				return
			}
			if !got {
				t.Fatalf("row %d: missing row %q (%v)", i, want, werr)
			}
			var pe *csv.ParseError
			switch {
			case werr == nil:
				if rec.err != "" || rec.nfields != len(want) {
					t.Fatalf("row %d: got err %q nfields %d, want %q", i, rec.err, rec.nfields, want)
				}
				for j, w := range want[:min(len(want), maxStoredFields)] {
					if string(rec.fields[j]) != w {
						t.Fatalf("row %d cell %d: %q, want %q", i, j, rec.fields[j], w)
					}
				}
				if line, _ := ref.FieldPos(0); line != rec.line {
					t.Fatalf("row %d: line %d, want %d", i, rec.line, line)
				}
			case errors.As(werr, &pe):
				if rec.err == "" || pe.StartLine != rec.line {
					t.Fatalf("row %d: err %q line %d, want %v", i, rec.err, rec.line, werr)
				}
			default:
				t.Fatal(werr)
			}
			if off := ref.InputOffset(); int64(rec.to) != off {
				t.Fatalf("row %d: ends at %d, want %d", i, rec.to, off)
			}
		}
	})
}
