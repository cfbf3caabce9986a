package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// acc is an accepted row in test tables: line, extension, name, email.
type acc struct {
	line             int
	ext, name, email string
}

// rej is a rejected row in test tables: line and a substring of the reason.
type rej struct {
	line   int
	reason string
}

func checkPreview(t *testing.T, p Preview, wantAcc []acc, wantRej []rej) {
	t.Helper()
	var got []acc
	for _, r := range p.Accepted {
		got = append(got, acc{r.Line, r.User.Extension, r.User.Name, r.User.Email})
	}
	if fmt.Sprint(got) != fmt.Sprint(wantAcc) {
		t.Errorf("accepted:\n got %v\nwant %v", got, wantAcc)
	}
	if len(p.Rejected) != len(wantRej) {
		t.Errorf("rejected: got %d %+v, want %d %v", len(p.Rejected), p.Rejected, len(wantRej), wantRej)
		return
	}
	for i, w := range wantRej {
		g := p.Rejected[i]
		if g.Line != w.line || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("rejected[%d] = line %d %q, want line %d containing %q", i, g.Line, g.Reason, w.line, w.reason)
		}
	}
}

func TestParseUsers(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		delim   rune
		enc     string
		cols    map[string]int
		wantAcc []acc
		wantRej []rej
	}{
		{
			name:    "comma LF",
			in:      "Extension,Name,Email\n101,John Smith,john@example.com\n102,Jane Doe,jane@example.com\n",
			delim:   ',',
			enc:     EncodingUTF8,
			cols:    map[string]int{ColExtension: 0, ColName: 1, ColEmail: 2},
			wantAcc: []acc{{2, "101", "John Smith", "john@example.com"}, {3, "102", "Jane Doe", "jane@example.com"}},
		},
		{
			name:    "BOM CRLF no final newline",
			in:      "\uFEFFExtension,Name,Email\r\n101,José Núñez,jose@example.com\r\n102,Jane Doe,jane@example.com",
			delim:   ',',
			enc:     EncodingUTF8BOM,
			wantAcc: []acc{{2, "101", "José Núñez", "jose@example.com"}, {3, "102", "Jane Doe", "jane@example.com"}},
		},
		{
			name:    "semicolons with commas in names",
			in:      "Ext;Display Name;E-mail\n101;Smith, John;john@example.com\n102;\"Doe; Jane\";jane@example.com\n",
			delim:   ';',
			cols:    map[string]int{ColExtension: 0, ColName: 1, ColEmail: 2},
			wantAcc: []acc{{2, "101", "Smith, John", "john@example.com"}, {3, "102", "Doe; Jane", "jane@example.com"}},
		},
		{
			name:    "tabs with empty cells",
			in:      "Phone Extension\tFull Name\tEmail Address\n101\t\tjohn@example.com\n\tJane Doe\tjane@example.com\n",
			delim:   '\t',
			wantAcc: []acc{{2, "101", "", "john@example.com"}, {3, "", "Jane Doe", "jane@example.com"}},
		},
		{
			name: "quotes with embedded newlines shift line numbers",
			in: "Extension,Name,Email\n" +
				"101,\"John\nSmith\",john@example.com\n" + // lines 2-3
				"102,\"Jane \"\"JJ\"\" Doe\",jane@example.com\n" + // line 4
				"103,Bob,not-an-email\n", // line 5
			wantAcc: []acc{{2, "101", "John Smith", "john@example.com"}, {4, "102", `Jane "JJ" Doe`, "jane@example.com"}},
			wantRej: []rej{{5, "invalid email"}},
		},
		{
			name: "first and last name columns, reordered",
			in:   "Email,Last Name,First Name,Extension\njohn@example.com,Smith,John,101\n,Doe,Jane,102\n",
			cols: map[string]int{ColEmail: 0, ColLast: 1, ColFirst: 2, ColExtension: 3},
			wantAcc: []acc{
				{2, "101", "John Smith", "john@example.com"},
				{3, "102", "Jane Doe", ""},
			},
		},
		{
			name:    "name column preferred, first+last as fallback",
			in:      "Name,First Name,Last Name,Ext\nJ Smith,John,Smith,101\n,Jane,Doe,102\n",
			wantAcc: []acc{{2, "101", "J Smith", ""}, {3, "102", "Jane Doe", ""}},
		},
		{
			name:    "display name beats username",
			in:      "Username,Display Name,Extension\njsmith,John Smith,101\n",
			cols:    map[string]int{ColName: 1, ColExtension: 2},
			wantAcc: []acc{{2, "101", "John Smith", ""}},
		},
		{
			name: "duplicates and missing keys",
			in: "Extension,Name,Email\n" +
				"101,John,john@example.com\n" +
				"101,Johnny,johnny@example.com\n" +
				"x101,Johnny,johnny@example.com\n" +
				"102,Jane,JOHN@example.com\n" +
				",Nobody,\n" +
				"n/a,Placeholder,\n" +
				"103,Ok,\n" +
				",Mail only,mail@example.com\n",
			wantAcc: []acc{{2, "101", "John", "john@example.com"}, {8, "103", "Ok", ""}, {9, "", "Mail only", "mail@example.com"}},
			wantRej: []rej{
				{3, `duplicate extension "101" (first on line 2)`},
				{4, `duplicate extension "x101" (first on line 2)`},
				{5, `duplicate email "JOHN@example.com" (first on line 2)`},
				{6, "no extension and no email"},
				{7, "no extension and no email"},
			},
		},
		{
			name: "invalid values and over-long fields",
			in: "Extension,Name,Email\n" +
				"101,A,a@b\n" +
				"102,B,b@@example.com\n" +
				"10 3!,C,c@example.com\n" +
				"104," + strings.Repeat("n", MaxNameLen+1) + ",d@example.com\n" +
				"105," + strings.Repeat("é", MaxNameLen) + ",e@example.com\n" +
				"106,F,\"Frank <frank@example.com>\"\n" +
				"107,G,mailto:g@example.com\n",
			wantAcc: []acc{
				{6, "105", strings.Repeat("é", MaxNameLen), "e@example.com"},
				{7, "106", "F", "frank@example.com"},
				{8, "107", "G", "g@example.com"},
			},
			wantRej: []rej{
				{2, `invalid email "a@b"`},
				{3, "invalid email"},
				{4, `invalid extension "10 3!"`},
				{5, "name is longer than 200 characters"},
			},
		},
		{
			name: "bare quote and unterminated quote",
			in: "Extension,Name,Email\n" +
				"101,John \"JJ\" Smith,john@example.com\n" +
				"102,Jane,jane@example.com\n" +
				"103,\"Unclosed,x@example.com\n" +
				"104,Lost,lost@example.com\n",
			wantAcc: []acc{{3, "102", "Jane", "jane@example.com"}},
			wantRej: []rej{{2, "not inside quotes"}, {4, "not closed"}},
		},
		{
			name:    "blank rows and rows of empty cells are skipped",
			in:      "Extension,Name\n\n101,A\n,,\n \t \n102,B\n\n",
			wantAcc: []acc{{3, "101", "A", ""}, {6, "102", "B", ""}},
		},
		{
			name:    "control characters in names are spaced out",
			in:      "Extension,Name\n101,\"Jo\u0007\r\nBloggs  \"\n",
			wantAcc: []acc{{2, "101", "Jo Bloggs", ""}},
		},
		{
			name:    "our own export file imports as users",
			in:      "\uFEFFExtension,1stream User,1stream Email,Halo Agent ID,Halo Agent,Halo Agent Email,Matched By,Mapped At\r\n101,John,john@example.com,7,John S,js@halo.example,email,2024-05-01T10:00:00Z\r\n",
			cols:    map[string]int{ColExtension: 0, ColName: 1, ColEmail: 2},
			wantAcc: []acc{{2, "101", "John", "john@example.com"}},
		},
		{
			name:    "single email column",
			in:      "Email\nA@example.com\nb@example.com\n",
			delim:   ',',
			wantAcc: []acc{{2, "", "", "A@example.com"}, {3, "", "", "b@example.com"}},
		},
		{
			name:    "short rows and extra columns",
			in:      "Extension,Name,Email,Notes\n101\n102,B,b@example.com,hello,extra\n",
			wantAcc: []acc{{2, "101", "", ""}, {3, "102", "B", "b@example.com"}},
		},
		{
			name:    "Windows-1252",
			in:      "Extension,Name\n101,Ren\xe9e M\xfcller \x96 Sales\n",
			enc:     EncodingWindows1252,
			wantAcc: []acc{{2, "101", "Renée Müller – Sales", ""}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseUsers(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if tt.delim != 0 && p.Delimiter != tt.delim {
				t.Errorf("delimiter %q, want %q", p.Delimiter, tt.delim)
			}
			if tt.enc != "" && p.Encoding != tt.enc {
				t.Errorf("encoding %q, want %q", p.Encoding, tt.enc)
			}
			if tt.cols != nil && fmt.Sprint(p.Columns) != fmt.Sprint(tt.cols) {
				t.Errorf("columns %v, want %v", p.Columns, tt.cols)
			}
			if p.HeaderInferred || p.Header == nil {
				t.Errorf("header %v inferred=%v, want a header by name", p.Header, p.HeaderInferred)
			}
			checkPreview(t, p, tt.wantAcc, tt.wantRej)
		})
	}
}

func TestParseUsersUTF16(t *testing.T) {
	text := "Extension\tName\tEmail\r\n101\tZoë Ørsted\tzoe@example.com\r\n"
	u := utf16.Encode([]rune(text))
	for _, tc := range []struct {
		enc string
		bom []byte
		put func(b []byte, v uint16)
	}{
		{EncodingUTF16LE, []byte{0xFF, 0xFE}, func(b []byte, v uint16) { b[0], b[1] = byte(v), byte(v>>8) }},
		{EncodingUTF16BE, []byte{0xFE, 0xFF}, func(b []byte, v uint16) { b[0], b[1] = byte(v>>8), byte(v) }},
	} {
		data := append([]byte(nil), tc.bom...)
		for _, v := range u {
			var b [2]byte
			tc.put(b[:], v)
			data = append(data, b[:]...)
		}
		p, err := ParseUsers(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", tc.enc, err)
		}
		if p.Encoding != tc.enc || p.Delimiter != '\t' {
			t.Errorf("%s: encoding %q delimiter %q", tc.enc, p.Encoding, p.Delimiter)
		}
		checkPreview(t, p, []acc{{2, "101", "Zoë Ørsted", "zoe@example.com"}}, nil)
	}
}

func TestParseUsersTextPastedCells(t *testing.T) {
	// Excel copies cells as tab-separated CRLF lines and quotes cells that
	// contain line breaks or quotes.
	paste := "Extension\tName\tEmail\r\n101\t\"Smith, John\"\tjohn@example.com\r\n102\tJane \"JJ\" Doe\tjane@example.com\r\n"
	p, err := ParseUsersText(paste)
	if err != nil {
		t.Fatal(err)
	}
	// The bare quote in a tab-separated cell is a parse error like in CSV:
	// the row is reported, not silently mangled.
	checkPreview(t, p, []acc{{2, "101", "Smith, John", "john@example.com"}}, []rej{{3, "not inside quotes"}})
}

func TestParseUsersInferredColumns(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantHeader bool
		cols       map[string]int
		wantAcc    []acc
		wantRej    []rej
	}{
		{
			name: "pasted cells without a header",
			in:   "101\tJohn Smith\tjohn@example.com\n102\tJane Doe\tjane@example.com\n103\tBob\t\n",
			cols: map[string]int{ColExtension: 0, ColName: 1, ColEmail: 2},
			wantAcc: []acc{
				{1, "101", "John Smith", "john@example.com"},
				{2, "102", "Jane Doe", "jane@example.com"},
				{3, "103", "Bob", ""},
			},
		},
		{
			name:       "unknown header names",
			in:         "Nr.;Wer;Post\n101;John Smith;john@example.com\n102;Jane Doe;jane@example.com\n",
			wantHeader: true,
			cols:       map[string]int{ColExtension: 0, ColName: 1, ColEmail: 2},
			wantAcc:    []acc{{2, "101", "John Smith", "john@example.com"}, {3, "102", "Jane Doe", "jane@example.com"}},
		},
		{
			name:    "one pasted row",
			in:      "jane@example.com\tJane Doe",
			cols:    map[string]int{ColEmail: 0, ColName: 1},
			wantAcc: []acc{{1, "", "Jane Doe", "jane@example.com"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseUsersText(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !p.HeaderInferred || (p.Header != nil) != tt.wantHeader {
				t.Errorf("HeaderInferred=%v Header=%q, want inferred with header=%v", p.HeaderInferred, p.Header, tt.wantHeader)
			}
			if fmt.Sprint(p.Columns) != fmt.Sprint(tt.cols) {
				t.Errorf("columns %v, want %v", p.Columns, tt.cols)
			}
			checkPreview(t, p, tt.wantAcc, tt.wantRej)
		})
	}
}

func TestParseUsersErrors(t *testing.T) {
	many := func(n int) string {
		var b strings.Builder
		b.WriteString("Extension,Email\n")
		for i := range n {
			fmt.Fprintf(&b, "%d,u%d@example.com\n", 1000+i, i)
		}
		return b.String()
	}
	tests := []struct {
		name string
		in   []byte
		want error
		msg  string
	}{
		{"empty", nil, ErrEmpty, "empty"},
		{"only spaces", []byte(" \r\n\t\n"), ErrEmpty, "empty"},
		{"only BOM", []byte("\uFEFF"), ErrEmpty, "empty"},
		{"no known header", []byte("Foo,Bar\nx,y\n"), ErrNoHeader, "Extension, Name, Email"},
		{"name without key column", []byte("Name,Phone\nJohn,555\n"), ErrNoHeader, "no Extension or Email column"},
		{"binary junk", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrNotText, "not text"},
		{"xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"), ErrNotText, "Excel workbook"},
		{"too large", bytes.Repeat([]byte("a"), MaxImportBytes+1), ErrTooLarge, "10 MB"},
		{"too many rows", []byte(many(MaxImportRows + 1)), ErrTooManyRows, "100,000 rows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseUsers(bytes.NewReader(tt.in))
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want %v containing %q", err, tt.want, tt.msg)
			}
			_, err = ParseUsersText(string(tt.in))
			if !errors.Is(err, tt.want) {
				t.Errorf("ParseUsersText: err = %v, want %v", err, tt.want)
			}
		})
	}

	t.Run("exactly the row limit", func(t *testing.T) {
		p, err := ParseUsersText(many(MaxImportRows))
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Accepted) != MaxImportRows || len(p.Rejected) != 0 {
			t.Errorf("accepted %d rejected %d", len(p.Accepted), len(p.Rejected))
		}
	})
	t.Run("exactly the size limit", func(t *testing.T) {
		head := "Extension\n101\n"
		data := head + strings.Repeat(" ", MaxImportBytes-len(head))
		p, err := ParseUsers(strings.NewReader(data))
		if err != nil || len(p.Accepted) != 1 {
			t.Fatalf("accepted %d, err %v", len(p.Accepted), err)
		}
	})
}

// endlessReader is a stream that never ends, like a device file picked by
// mistake; the import must stop at the size limit.
type endlessReader struct{ n int64 }

func (r *endlessReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	r.n += int64(len(p))
	return len(p), nil
}

func TestParseUsersBoundedRead(t *testing.T) {
	r := &endlessReader{}
	if _, err := ParseUsers(r); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if r.n > MaxImportBytes+64<<10 {
		t.Errorf("read %d bytes, want about %d", r.n, MaxImportBytes+1)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestParseUsersReadError(t *testing.T) {
	if _, err := ParseUsers(failingReader{}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v", err)
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"a,b,c\n1,2,3\n", ','},
		{"a;b;c\n1;2,5;3\n", ';'},
		{"a\tb\tc\n1\t2,5\t3\n", '\t'},
		{"\"a,b\";c\n1;2\n", ';'},
		{"name\nx\n", ','},
		{"a,b;c\n1,2;3\n1,2;3\n", ';'}, // tie on consistency: semicolon before comma
		{"a,b,c;d\n1,2,3\n4,5,6\n", ','},
		{"\"multi\nline\",b\n1,2\n", ','},
	}
	for _, tt := range tests {
		if got := detectDelimiter([]byte(tt.in)); got != tt.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidEmail(t *testing.T) {
	good := []string{"a@b.co", "john.smith+tag@example.co.uk", "o'brien@example.com", "müller@exämple.de", "x_y-z@sub-domain.example"}
	bad := []string{"", "a", "@b.co", "a@", "a@b", "a@@b.co", "a b@c.co", "a@b..co", ".a@b.co", "a.@b.co", "a..b@c.co",
		"a@-b.co", "a@b-.co", "a@b_c.co", "a@b.co.", "a(b)@c.co", strings.Repeat("a", 65) + "@b.co"}
	for _, s := range good {
		if !validEmail(s) {
			t.Errorf("validEmail(%q) = false", s)
		}
	}
	for _, s := range bad {
		if validEmail(s) {
			t.Errorf("validEmail(%q) = true", s)
		}
	}
}

func FuzzParseUsers(f *testing.F) {
	seeds := []string{
		"Extension,Name,Email\n101,John Smith,john@example.com\n",
		"\uFEFFExt;Name;E-mail\r\n101;\"Smith, John\";JOHN@example.com\r\n102;x;\r\n",
		"Extension\tName\n101\t\"multi\nline\"\n101\tdup\n",
		"101\tJohn\tjohn@example.com\n",
		"Email\n\"unterminated\n",
		"Extension,Name\n1,a\"b\n",
		"\xff\xfeE\x00x\x00t\x00\n\x001\x00",
		"Extension,Name\n101,Ren\xe9e\n",
		"First Name,Last Name,Email\nJane,Doe,jane@example.com\n,,\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseUsers(bytes.NewReader(data))
		p2, err2 := ParseUsersText(string(data))
		if (err == nil) != (err2 == nil) || len(p.Accepted) != len(p2.Accepted) || len(p.Rejected) != len(p2.Rejected) {
			t.Fatalf("ParseUsers and ParseUsersText differ: %v / %v", err, err2)
		}
		if err != nil {
			return
		}
		if p.Delimiter != ',' && p.Delimiter != ';' && p.Delimiter != '\t' {
			t.Fatalf("delimiter %q", p.Delimiter)
		}
		exts, emails := map[string]bool{}, map[string]bool{}
		lastLine := 0
		for _, r := range p.Accepted {
			u := r.User
			if u.Extension == "" && u.Email == "" {
				t.Fatalf("accepted row %d without extension and email", r.Line)
			}
			for _, s := range []string{u.Extension, u.Name, u.Email} {
				if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxFieldLen || s != strings.TrimSpace(s) {
					t.Fatalf("accepted row %d has a bad field %q", r.Line, s)
				}
			}
			if u.Email != "" && !validEmail(u.Email) {
				t.Fatalf("accepted invalid email %q", u.Email)
			}
			if k := ExtensionKey(u.Extension); k != "" {
				if exts[k] {
					t.Fatalf("duplicate extension %q accepted", u.Extension)
				}
				exts[k] = true
			}
			if k := EmailKey(u.Email); k != "" {
				if emails[k] {
					t.Fatalf("duplicate email %q accepted", u.Email)
				}
				emails[k] = true
			}
			if r.Line <= lastLine || r.Line < 1 {
				t.Fatalf("line numbers not increasing: %d after %d", r.Line, lastLine)
			}
			lastLine = r.Line
		}
		for _, r := range p.Rejected {
			if r.Reason == "" || r.Line < 1 || len(r.Raw) > maxRawLen+len("…") {
				t.Fatalf("bad rejection %+v", r)
			}
		}
		if len(p.Accepted)+len(p.Rejected) > MaxImportRows {
			t.Fatalf("%d rows over the limit", len(p.Accepted)+len(p.Rejected))
		}
	})
}

// TestParseUsersPathological feeds inputs at the size limit that are built
// to be slow or memory-hungry (a row of millions of cells, a file of
// quotes); each must end with an ordinary result. Their speed is covered by
// BenchmarkParseUsersPathological.
func TestParseUsersPathological(t *testing.T) {
	if testing.Short() {
		t.Skip("large inputs")
	}
	for _, tc := range pathologicalInputs() {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParseUsersText(tc.in)
			if !errors.Is(err, tc.err) || len(p.Accepted) != tc.accepted || len(p.Rejected) != tc.rejected {
				t.Errorf("accepted %d rejected %d err %v; want %d, %d, %v", len(p.Accepted), len(p.Rejected), err, tc.accepted, tc.rejected, tc.err)
			}
			if _, _, err := ReadMappingsCSV(strings.NewReader(tc.in)); err == nil && tc.err == nil {
				t.Errorf("ReadMappingsCSV accepted a users file")
			}
		})
	}
}

type pathological struct {
	name               string
	in                 string
	accepted, rejected int
	err                error
}

func pathologicalInputs() []pathological {
	const n = MaxImportBytes - 64
	return []pathological{
		{name: "one row of commas", in: "Email\n" + strings.Repeat(",", n)},
		{name: "one row of tabs", in: "Email\n" + strings.Repeat("\t", n)},
		{name: "a header of many columns", in: strings.Repeat("Email,", n/6)},
		{name: "quotes", in: "Email\n" + strings.Repeat(`"`, n), rejected: 1},
		{name: "empty lines", in: "Email\n" + strings.Repeat("\r\n", n/2)},
		{name: "one huge cell", in: "Email\n\"" + strings.Repeat("a", n) + "\"\n", rejected: 1},
		{name: "a cell in quotes per line", in: "Extension,Email\n" + strings.Repeat("\"x\n\",", n/6), rejected: 1},
		{name: "bare quotes on every row", in: "Email\n" + strings.Repeat("a\"b\n", MaxImportRows), rejected: MaxImportRows},
		{name: "high bytes", in: "Email\n" + strings.Repeat("\xe9", n), rejected: 1},
		{name: "rows without keys", in: "Extension,Email\n" + strings.Repeat(",x\n", MaxImportRows), rejected: MaxImportRows},
		{name: "duplicates", in: "Email\n" + strings.Repeat("a@b.co\n", MaxImportRows), accepted: 1, rejected: MaxImportRows - 1},
		{name: "too many duplicates", in: "Email\n" + strings.Repeat("a@b.co\n", MaxImportRows+1), err: ErrTooManyRows},
	}
}

func TestMatchStoredUsers(t *testing.T) {
	existing := []User{
		{ID: 1, Extension: "101", Name: "Ann", Email: "ann@example.com"},
		{ID: 2, Extension: "102", Name: "Bob", Email: "bob@example.com"},
		{ID: 3, Extension: "", Name: "", Email: "cy@example.com"},
	}
	rows := []ImportRow{
		{Line: 2, User: User{Extension: "x101", Name: "Ann Smith"}},                      // by extension, keeps email
		{Line: 3, User: User{Extension: "300", Email: "CY@example.com"}},                 // by email, sets extension
		{Line: 4, User: User{Extension: "102", Email: "ann@example.com"}},                // two different users
		{Line: 5, User: User{Extension: "400", Name: "New", Email: "new@example.com"}},   // insert
		{Line: 6, User: User{ID: 99, Email: "ann@example.com", Name: "Ann again"}},       // same user as line 2
		{Line: 7, User: User{Extension: "102", Name: "Bob B", Email: "bob@example.com"}}, // both keys agree
	}
	upserts, rejected := matchStoredUsers(rows, existing)
	want := []upsert{
		{Line: 2, User: User{ID: 1, Extension: "x101", Name: "Ann Smith", Email: "ann@example.com"}},
		{Line: 3, User: User{ID: 3, Extension: "300", Email: "CY@example.com"}},
		{Line: 5, User: User{Extension: "400", Name: "New", Email: "new@example.com"}},
		{Line: 7, User: User{ID: 2, Extension: "102", Name: "Bob B", Email: "bob@example.com"}},
	}
	if fmt.Sprint(upserts) != fmt.Sprint(want) {
		t.Errorf("upserts:\n got %+v\nwant %+v", upserts, want)
	}
	wantRej := []rej{
		{4, `extension "102" belongs to "Bob" but email "ann@example.com" to "Ann"`},
		{6, `updates the same user as line 2 ("Ann")`},
	}
	if len(rejected) != len(wantRej) {
		t.Fatalf("rejected %+v", rejected)
	}
	for i, w := range wantRej {
		if rejected[i].Line != w.line || rejected[i].Reason != w.reason {
			t.Errorf("rejected[%d] = %+v, want %+v", i, rejected[i], w)
		}
	}
	if upserts, rej := matchStoredUsers(nil, existing); upserts != nil || rej != nil {
		t.Errorf("empty import: %v %v", upserts, rej)
	}
}
