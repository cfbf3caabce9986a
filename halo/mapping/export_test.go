package mapping

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestWriteCSV(t *testing.T) {
	users := []User{
		{ID: 1, Extension: "101", Name: "Smith, John", Email: "john@example.com"},
		{ID: 2, Extension: "102", Name: "Unmapped", Email: ""},
		{ID: 3, Extension: "+44 20 7123 4567", Name: "=HYPERLINK(\"http://x\")", Email: "@evil"},
		{ID: 4, Extension: "104", Name: " padded ", Email: "multi\nline"},
	}
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	mappings := []Mapping{
		{UserID: 3, AgentID: 12, AgentName: "-Minus", AgentEmail: "\tTab", MatchedBy: MethodManual, MappedAt: at.Add(500 * time.Millisecond)},
		{UserID: 1, AgentID: 10, AgentName: "John Smith", AgentEmail: "js@msp.example", MatchedBy: MethodEmail, MappedAt: at},
		{UserID: 99, AgentID: 11, AgentName: "Nobody", MatchedBy: MethodName, MappedAt: at}, // user not exported
		{UserID: 4, AgentID: 13, AgentName: "'Quoted", AgentEmail: "''", MatchedBy: MethodImported},
		{UserID: 1, AgentID: 14, AgentName: "Second mapping of user 1", MatchedBy: MethodFuzzy, MappedAt: at},
	}
	header := "Extension,1stream User,1stream Email,Halo Agent ID,Halo Agent,Halo Agent Email,Matched By,Mapped At\r\n"
	mapped := "101,\"Smith, John\",john@example.com,10,John Smith,js@msp.example,email,2024-05-01T10:00:00Z\r\n" +
		"+44 20 7123 4567,\"'=HYPERLINK(\"\"http://x\"\")\",'@evil,12,'-Minus,\"'\tTab\",manual,2024-05-01T10:00:00.5Z\r\n" +
		"104,\" padded \",\"multi\nline\",13,'Quoted,''',imported,\r\n"
	unmapped := "102,Unmapped,,,,,,\r\n"

	tests := []struct {
		opt  ExportOptions
		want string
	}{
		{ExportOptions{}, header + mapped},
		{ExportOptions{BOM: true}, "\uFEFF" + header + mapped},
		{ExportOptions{IncludeUnmapped: true}, header + mapped[:strings.Index(mapped, "+44 20")] + unmapped + mapped[strings.Index(mapped, "+44 20"):]},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, users, mappings, tt.opt); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tt.want {
			t.Errorf("WriteCSV(%+v):\n got %q\nwant %q", tt.opt, buf.String(), tt.want)
		}
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, nil, nil, ExportOptions{}); err != nil || buf.String() != header {
		t.Errorf("empty export = %q, %v", buf.String(), err)
	}
}

func TestNeutralise(t *testing.T) {
	tests := []struct{ in, out string }{
		{"", ""},
		{"plain", "plain"},
		{"=1+1", "'=1+1"},
		// Phone numbers and extensions go out as they are.
		{"+1", "+1"},
		{"-1", "-1"},
		{"+442071234567", "+442071234567"},
		{"+44 (0)20 7123-4567", "+44 (0)20 7123-4567"},
		{"-2.5", "-2.5"},
		// Anything else that starts like a formula is neutralised.
		{"+", "'+"},
		{"- ", "'- "},
		{"+1e5", "'+1e5"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"+1,2", "'+1,2"},
		{"\t123", "'\t123"},
		{"=1+2", "'=1+2"},
		{"-Minus", "'-Minus"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"'", "'"},
		{"'x", "'x"},
		{"'=x", "''=x"},
		{"''", "'''"},
		{"'\tx", "''\tx"},
		{"a=b", "a=b"},
		// White space or double quotes before the formula do not hide it.
		{" =x", "' =x"},
		{"\u00a0=x", "'\u00a0=x"},
		{`"=x`, `'"=x`},
		// Every part after ';', tab or a line break is a cell to someone.
		{"Jane;=cmd|' /C calc'!A0", "Jane;'=cmd|' /C calc'!A0"},
		{"a;  =x", "a;'  =x"},
		{"a\n=x", "a\n'=x"},
		{"a\r@x", "a\r'@x"},
		{"a\t-x", "a\t'-x"},
		{"=x;=y", "'=x;'=y"},
		{"x;'=y", "x;''=y"},
		{"x;'y", "x;'y"},
		{`a;"+x`, `a;'"+x`},
		{"a;;b", "a;;b"},
		{"a;", "a;"},
		// Only a cell that is a phone number as a whole keeps its sign.
		{"+44 1; +44 2", "'+44 1;' +44 2"},
		{"Ann; +44 20 7946 0000", "Ann;' +44 20 7946 0000"},
	}
	for _, tt := range tests {
		got := neutralise(tt.in)
		if got != tt.out {
			t.Errorf("neutralise(%q) = %q, want %q", tt.in, got, tt.out)
		}
		if back := unNeutralise(got); back != tt.in {
			t.Errorf("unNeutralise(%q) = %q, want %q", got, back, tt.in)
		}
	}
	// A quote typed by hand in front of ordinary text is kept.
	for _, s := range []string{"'007", "x;'007", "'"} {
		if got := unNeutralise(s); got != s {
			t.Errorf("unNeutralise(%q) = %q", s, got)
		}
	}
}

// roundTripData makes users, agents and their mappings with the cells that
// are hardest to carry through a spreadsheet file.
func roundTripData() ([]User, []halo.Agent, []Mapping) {
	tricky := []string{"=cmd|' /C calc'!A0", "+44 20 7946 0000", "-5", "@SUM(A1)", "'quoted", "''", "'=x",
		"\tTab", "Smith, \"JJ\"", "line\nbreak", "Zoë 🙂 Ørsted", " padded ", "semi;colon", "", "plain"}
	users, agents := genPeople(rand.New(rand.NewPCG(9, 9)), 300, 1)
	at := time.Date(2025, 1, 2, 3, 4, 5, 600, time.UTC)
	var mappings []Mapping
	methods := []Method{MethodManual, MethodEmail, MethodExtension, MethodName, MethodFuzzy, MethodImported}
	for i := range users {
		users[i].Extension = fmt.Sprint(100 + i)
		if i < len(tricky) {
			users[i].Name = tricky[i]
			agents[i].Name = tricky[len(tricky)-1-i]
			agents[i].Email = tricky[i]
		}
		if i%4 == 3 {
			continue // unmapped
		}
		a := agents[i]
		m := Mapping{UserID: users[i].ID, AgentID: a.ID, AgentName: AgentDisplayName(a), AgentEmail: a.Email,
			MatchedBy: methods[i%len(methods)]}
		if i%5 != 0 {
			m.MappedAt = at.Add(time.Duration(i) * time.Hour)
		}
		mappings = append(mappings, m)
	}
	return users, agents, mappings
}

func TestExportRoundTrip(t *testing.T) {
	users, agents, mappings := roundTripData()
	for _, opt := range []ExportOptions{{}, {BOM: true}, {BOM: true, IncludeUnmapped: true}} {
		var buf bytes.Buffer
		if err := WriteCSV(&buf, users, mappings, opt); err != nil {
			t.Fatal(err)
		}
		recs, rejected, err := ReadMappingsCSV(&buf)
		if err != nil || len(rejected) > 0 {
			t.Fatalf("%+v: ReadMappingsCSV: %v %+v", opt, err, rejected)
		}
		got, problems := ResolveMappings(recs, users, agents)
		if len(problems) > 0 {
			t.Fatalf("%+v: problems %+v", opt, problems)
		}
		want := slices.Clone(mappings)
		// The export is in user order; so is the import.
		order := map[int64]int{}
		for i, u := range users {
			order[u.ID] = i
		}
		slices.SortFunc(want, func(a, b Mapping) int { return order[a.UserID] - order[b.UserID] })
		if len(got) != len(want) {
			t.Fatalf("%+v: %d mappings back, want %d", opt, len(got), len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.UserID != w.UserID || g.AgentID != w.AgentID || g.AgentName != w.AgentName || g.AgentEmail != w.AgentEmail ||
				g.MatchedBy != w.MatchedBy || !g.MappedAt.Equal(w.MappedAt) {
				t.Errorf("%+v: mapping %d\n got %+v\nwant %+v", opt, i, g, w)
			}
		}
		// The records carry the user cells unchanged too.
		for i, r := range recs {
			u := users[order[want[i].UserID]]
			if r.Extension != u.Extension || r.UserName != u.Name || r.UserEmail != strings.TrimSpace(u.Email) {
				t.Errorf("record %d = %q %q %q, want %q %q %q", i, r.Extension, r.UserName, r.UserEmail, u.Extension, u.Name, u.Email)
			}
		}
	}
}

func TestReadMappingsCSV(t *testing.T) {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		in      string
		want    []MappingImportRow // Raw is not compared
		wantRej []rej
	}{
		{
			name: "Excel re-saved with semicolons, LF, no BOM",
			in: "Extension;1stream User;1stream Email;Halo Agent ID;Halo Agent;Halo Agent Email;Matched By;Mapped At\n" +
				"101;Smith, John;john@example.com;10;John Smith;js@msp.example;EMAIL;2024-05-01 10:00\n" +
				"'+4420;'=x;;11;'-y;;Manual;01/05/2024\n",
			want: []MappingImportRow{
				{Line: 2, Extension: "101", UserName: "Smith, John", UserEmail: "john@example.com", AgentID: 10, AgentName: "John Smith", AgentEmail: "js@msp.example", MatchedBy: MethodEmail, MappedAt: at},
				{Line: 3, Extension: "+4420", UserName: "=x", AgentID: 11, AgentName: "-y", MatchedBy: MethodManual},
			},
		},
		{
			name: "reordered and missing columns, hand-made file",
			in:   "\uFEFFAgent ID,Email,Notes\r\n10, a@example.com ,hi\r\n,b@example.com,unmapped\r\n\r\n11,c@example.com\r\n",
			want: []MappingImportRow{
				{Line: 2, UserEmail: "a@example.com", AgentID: 10, MatchedBy: MethodImported},
				{Line: 5, UserEmail: "c@example.com", AgentID: 11, MatchedBy: MethodImported},
			},
		},
		{
			name: "bad rows",
			in: "Extension,Halo Agent ID,Matched By,Mapped At\n" +
				"101,x10,email,\n" +
				"102,-3,email,\n" +
				",12,email,\n" +
				"103,0,email,\n" +
				"104,\"unclosed,email,\n",
			wantRej: []rej{{2, `Halo Agent ID "x10" is not a positive whole number`}, {3, "not a positive"}, {4, "no extension and no email"}, {5, "not a positive"}, {6, "not closed"}},
		},
		{
			name: "unknown method and bad date are tolerated",
			in:   "Extension,Halo Agent ID,Matched By,Mapped At\n101,10,guess,yesterday\n102,11,fuzzy,2024-05-01T12:00:00+02:00\n",
			want: []MappingImportRow{
				{Line: 2, Extension: "101", AgentID: 10, MatchedBy: MethodImported},
				{Line: 3, Extension: "102", AgentID: 11, MatchedBy: MethodFuzzy, MappedAt: at},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, rejected, err := ReadMappingsCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			for i := range recs {
				if recs[i].Raw == "" {
					t.Errorf("record %d has no raw text", i)
				}
				recs[i].Raw = ""
			}
			if fmt.Sprint(recs) != fmt.Sprint(tt.want) {
				t.Errorf("records:\n got %+v\nwant %+v", recs, tt.want)
			}
			if len(rejected) != len(tt.wantRej) {
				t.Fatalf("rejected %+v, want %v", rejected, tt.wantRej)
			}
			for i, w := range tt.wantRej {
				if rejected[i].Line != w.line || !strings.Contains(rejected[i].Reason, w.reason) {
					t.Errorf("rejected[%d] = %+v, want %v", i, rejected[i], w)
				}
			}
		})
	}
}

func TestReadMappingsCSVErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
		msg  string
	}{
		{"", ErrEmpty, "empty"},
		{"Extension,Name,Email\n101,a,b@c.de\n", ErrNoHeader, `"Halo Agent ID"`},
		{"Halo Agent ID,Halo Agent\n10,x\n", ErrNoHeader, `"Extension" or "1stream Email"`},
		{"\"broken header\n", ErrNoHeader, "Extension,1stream User"},
		{"Halo Agent ID,Extension\n\x00\x01", ErrNotText, "not text"},
		{strings.Repeat("x", MaxImportBytes+1), ErrTooLarge, "10 MB"},
		{"Halo Agent ID,Extension\n" + strings.Repeat("1,2\n", MaxImportRows+1), ErrTooManyRows, "100,000"},
	}
	for _, tt := range tests {
		_, _, err := ReadMappingsCSV(strings.NewReader(tt.in))
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ReadMappingsCSV(%.40q) err = %v, want %v containing %q", tt.in, err, tt.want, tt.msg)
		}
	}
}

func TestResolveMappings(t *testing.T) {
	users := []User{
		{ID: 1, Extension: "101", Email: "a@example.com"},
		{ID: 2, Extension: "102", Email: "b@example.com"},
		{ID: 3, Extension: "", Email: "c@example.com"},
		{ID: 4, Extension: "104", Email: "d@example.com"},
	}
	agents := []halo.Agent{
		{ID: 10, Name: "Renamed Agent", Email: "new@msp.example"},
		{ID: 11, FirstName: "First", Surname: "Only"},
		{ID: 12, Name: "Twelve", IsDisabled: true},
		{ID: 13, Name: "Thirteen"},
	}
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := []MappingImportRow{
		{Line: 2, Extension: "x101", AgentID: 10, AgentName: "Old Name", MatchedBy: MethodEmail, MappedAt: at},
		{Line: 3, Extension: "999", UserEmail: "B@Example.com", AgentID: 11, MatchedBy: "bogus"}, // by email
		{Line: 4, UserEmail: "c@example.com", AgentID: 77, AgentName: "Gone Person"},
		{Line: 5, Extension: "555", UserEmail: "zz@example.com", AgentID: 13},
		{Line: 6, UserEmail: "c@example.com", AgentID: 10},                            // agent again
		{Line: 7, Extension: "102", AgentID: 13},                                      // user again
		{Line: 8, Extension: "104", AgentID: 12, MatchedBy: MethodManual, Raw: "raw"}, // disabled agents are restored
	}
	ok, problems := ResolveMappings(recs, users, agents)
	wantOK := []Mapping{
		{UserID: 1, AgentID: 10, AgentName: "Renamed Agent", AgentEmail: "new@msp.example", MatchedBy: MethodEmail, MappedAt: at},
		{UserID: 2, AgentID: 11, AgentName: "First Only", MatchedBy: MethodImported},
		{UserID: 4, AgentID: 12, AgentName: "Twelve", MatchedBy: MethodManual},
	}
	if fmt.Sprint(ok) != fmt.Sprint(wantOK) {
		t.Errorf("ok:\n got %+v\nwant %+v", ok, wantOK)
	}
	wantProblems := []rej{
		{4, `Halo agent 77 "Gone Person" no longer exists`},
		{5, `no 1stream user has extension "555" or email "zz@example.com"`},
		{6, "Halo agent 10 is already mapped on line 2"},
		{7, `the 1stream user extension "102" or email "b@example.com" is already mapped on line 3`},
	}
	if len(problems) != len(wantProblems) {
		t.Fatalf("problems %+v, want %v", problems, wantProblems)
	}
	for i, w := range wantProblems {
		if problems[i].Line != w.line || !strings.Contains(problems[i].Reason, w.reason) {
			t.Errorf("problem %d = %+v, want %v", i, problems[i], w)
		}
	}
}

func TestWriteCSVFile(t *testing.T) {
	users, _, mappings := roundTripData()
	dir := t.TempDir()
	path := filepath.Join(dir, "mappings.csv")
	var want bytes.Buffer
	if err := WriteCSV(&want, users, mappings, ExportOptions{BOM: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSVFile(path, users, mappings, ExportOptions{BOM: true}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("file content differs (err %v)", err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
		// Replacing keeps the owner's part of the mode the user gave the
		// file (see TestWriteFileAtomicIsOwnerOnly).
		if err := os.Chmod(path, 0o640); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteCSVFile(path, users[:1], nil, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(path); string(got) != strings.Join(ExportHeader, ",")+"\r\n" {
		t.Errorf("replaced content %q", got)
	}
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after replace %v, want 0600", fi.Mode().Perm())
	}
	assertOnlyFiles(t, dir, "mappings.csv")
}

func TestWriteFileAtomicFailures(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "export.csv")
	if err := os.WriteFile(path, []byte("previous export"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, "half a fi"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	if got, _ := os.ReadFile(path); string(got) != "previous export" {
		t.Errorf("previous file changed to %q", got)
	}
	assertOnlyFiles(t, dir, "export.csv")

	// A failing writer inside WriteCSV behaves the same.
	err = WriteCSV(failingWriter{}, []User{{ID: 1}}, nil, ExportOptions{IncludeUnmapped: true})
	if err == nil || !strings.Contains(err.Error(), "writing the export") {
		t.Errorf("WriteCSV to a failing writer: %v", err)
	}

	if err := WriteCSVFile(filepath.Join(dir, "missing", "x.csv"), nil, nil, ExportOptions{}); err == nil {
		t.Error("export into a missing directory succeeded")
	}
	if err := WriteCSVFile(dir, nil, nil, ExportOptions{}); err == nil {
		t.Error("export over a directory succeeded")
	}
	if err := WriteCSVFile(dir+string(filepath.Separator), nil, nil, ExportOptions{}); err == nil {
		t.Error("export to a path without a file name succeeded")
	}
	assertOnlyFiles(t, dir, "export.csv")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

func assertOnlyFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, names) {
		t.Errorf("directory holds %v, want %v", got, names)
	}
}

func FuzzReadMappingsCSV(f *testing.F) {
	users, _, mappings := roundTripData()
	var buf bytes.Buffer
	if err := WriteCSV(&buf, users[:20], mappings, ExportOptions{BOM: true, IncludeUnmapped: true}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("Extension;Halo Agent ID\n101;10\n'=1;'-2\n"))
	f.Add([]byte("Agent ID,Email\n10,a@example.com\n\"x\n"))
	f.Add([]byte("Halo Agent ID\tExtension\tMapped At\n1\t2\t2024-01-01\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, rejected, err := ReadMappingsCSV(bytes.NewReader(data))
		if err != nil {
			if recs != nil || rejected != nil {
				t.Fatal("results with an error")
			}
			return
		}
		last := 0
		for _, r := range recs {
			if r.AgentID <= 0 || r.Extension == "" && r.UserEmail == "" || !r.MatchedBy.Valid() || r.Line <= last {
				t.Fatalf("bad record %+v after line %d", r, last)
			}
			last = r.Line
			for _, s := range []string{r.Extension, r.UserName, r.UserEmail, r.AgentName, r.AgentEmail} {
				if !utf8.ValidString(s) || utf8.RuneCountInString(s) > MaxFieldLen {
					t.Fatalf("bad field %q", s)
				}
			}
		}
		for _, r := range rejected {
			if r.Reason == "" || r.Line < 1 {
				t.Fatalf("bad rejection %+v", r)
			}
		}
		ok, problems := ResolveMappings(recs, []User{{ID: 1, Extension: "101", Email: "a@example.com"}}, []halo.Agent{{ID: 10}})
		if len(ok) > 1 || len(ok)+len(problems) != len(recs) {
			t.Fatalf("resolved %d and %d problems from %d records", len(ok), len(problems), len(recs))
		}
	})
}

// crlf is a run of CRs ending in an LF: in a cell it reads back as LF.
var crlf = regexp.MustCompile("\r+\n")

// FuzzExportRoundTrip checks that any mapping survives WriteCSV and
// ReadMappingsCSV. What a CSV reader cannot carry is normalised in the
// expectation: CRs before an LF inside a cell read back as LF, and key
// cells are trimmed.
func FuzzExportRoundTrip(f *testing.F) {
	f.Add("101", "Smith, John", "john@example.com", "=John", "@js", 10, int64(1714557600), "email")
	f.Add("'-1", "''", "\t", "'\r\n'", "\"", 1, int64(0), "manual")
	f.Add("+44 20 7123 4567", "-1", "(020) 7123", "+", "-2.5", 2, int64(5), "extension")
	f.Fuzz(func(t *testing.T, ext, name, email, agentName, agentEmail string, agentID int, unix int64, method string) {
		if agentID <= 0 || unix < 0 || unix > 7e9 {
			return
		}
		// The app never stores a NUL or invalid UTF-8 in these (nor in the
		// method, which it sets itself); the file's cells drop them.
		for _, s := range []string{ext, name, email, agentName, agentEmail, method} {
			if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || utf8.RuneCountInString(s) > MaxFieldLen {
				return
			}
		}
		if cleanField(ext) == "" && cleanField(email) == "" {
			return
		}
		m := Mapping{UserID: 1, AgentID: agentID, AgentName: agentName, AgentEmail: agentEmail, MatchedBy: Method(method)}
		if unix > 0 {
			m.MappedAt = time.Unix(unix, unix%1000)
		}
		var buf bytes.Buffer
		if err := WriteCSV(&buf, []User{{ID: 1, Extension: ext, Name: name, Email: email}}, []Mapping{m}, ExportOptions{BOM: unix%2 == 0}); err != nil {
			t.Fatal(err)
		}
		recs, rejected, err := ReadMappingsCSV(&buf)
		if err != nil || len(rejected) > 0 || len(recs) != 1 {
			t.Fatalf("read back: %v %+v %d records from %q", err, rejected, len(recs), buf.String())
		}
		r := recs[0]
		lf := func(s string) string { return crlf.ReplaceAllString(s, "\n") }
		wantMethod := m.MatchedBy
		if wm, ok := ParseMethod(string(wantMethod)); ok {
			wantMethod = wm
		} else {
			wantMethod = MethodImported
		}
		if r.Extension != cleanField(lf(ext)) || r.UserEmail != cleanField(lf(email)) || r.UserName != lf(name) ||
			r.AgentID != agentID || r.AgentName != lf(agentName) || r.AgentEmail != lf(agentEmail) ||
			r.MatchedBy != wantMethod || !r.MappedAt.Equal(m.MappedAt) {
			t.Fatalf("round trip\n got %+v\nfrom %+v\nfile %q", r, m, buf.String())
		}
	})
}
