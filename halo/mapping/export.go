package mapping

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// ExportHeader is the first row of an exported mappings file.
var ExportHeader = []string{"Extension", "1stream User", "1stream Email", "Halo Agent ID", "Halo Agent", "Halo Agent Email", "Matched By", "Mapped At"}

// ExportOptions controls WriteCSV.
type ExportOptions struct {
	// BOM starts the file with a UTF-8 byte order mark, which Excel needs to
	// read non-ASCII names correctly.
	BOM bool
	// IncludeUnmapped adds the users without a mapping, with the agent
	// columns empty.
	IncludeUnmapped bool
}

// WriteCSV writes the mappings as RFC 4180 CSV (comma, CRLF, UTF-8): the
// ExportHeader row, then one row per mapped user in the order of users
// (mappings of users not in users are left out; a user with several
// mappings is written with the first). Mapped At is RFC 3339 in UTC.
//
// Every part of a cell a spreadsheet could read as a formula gets a single
// quote in front (see neutralise): the cell's start and whatever follows a
// ';', tab or line break in it, which Excel in a ';' locale (DE, FR, NL…)
// or a tab-separated import reads as a cell of its own; cells holding ';'
// or tab are quoted too. A cell that is only a phone number or extension
// (see isPhoneLike) is written as it is: 1stream must receive it so.
// ReadMappingsCSV takes exactly those quotes off, so the round trip is
// lossless. Invalid UTF-8 and NUL bytes in a cell are replaced or dropped
// so the file always reads back as text; a CRLF inside a cell reads back
// as LF, as with any CSV reader.
func WriteCSV(w io.Writer, users []User, mappings []Mapping, opt ExportOptions) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if opt.BOM {
		bw.WriteString("\uFEFF")
	}
	writeCSVRow(bw, ExportHeader)
	byUser := make(map[int64]int, len(mappings))
	for i := range mappings {
		if _, dup := byUser[mappings[i].UserID]; !dup {
			byUser[mappings[i].UserID] = i
		}
	}
	var row [8]string
	var idBuf [20]byte
	var timeBuf [40]byte
	for i := range users {
		u := &users[i]
		mi, mapped := byUser[u.ID]
		if !mapped && !opt.IncludeUnmapped {
			continue
		}
		row = [8]string{u.Extension, u.Name, u.Email}
		if mapped {
			m := &mappings[mi]
			row[3] = string(strconv.AppendInt(idBuf[:0], int64(m.AgentID), 10))
			row[4], row[5], row[6] = m.AgentName, m.AgentEmail, string(m.MatchedBy)
			if !m.MappedAt.IsZero() {
				row[7] = string(m.MappedAt.UTC().AppendFormat(timeBuf[:0], time.RFC3339Nano))
			}
		}
		writeCSVRow(bw, row[:])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	return nil
}

// WriteCSVRow writes one row with WriteCSV's rules (CRLF, quoting,
// formula-safe and valid UTF-8 cells), so every CSV the app writes follows
// them; errors surface at the writer's Flush.
func WriteCSVRow(w *bufio.Writer, cells []string) { writeCSVRow(w, cells) }

// writeCSVRow writes one CRLF-terminated row; errors surface at Flush.
func writeCSVRow(w *bufio.Writer, cells []string) {
	for i, c := range cells {
		if i > 0 {
			w.WriteByte(',')
		}
		c = neutralise(sanitizeCell(c))
		if !needsQuotes(c) {
			w.WriteString(c)
			continue
		}
		w.WriteByte('"')
		for {
			j := strings.IndexByte(c, '"')
			if j < 0 {
				break
			}
			w.WriteString(c[:j+1])
			w.WriteByte('"')
			c = c[j+1:]
		}
		w.WriteString(c)
		w.WriteByte('"')
	}
	w.WriteString("\r\n")
}

// sanitizeCell makes a cell valid UTF-8 without NUL bytes: one bad agent
// name from Halo must not make the whole file unreadable (ReadMappingsCSV
// refuses binary content and reads invalid UTF-8 as Windows-1252). CRs
// right before an LF are dropped, as CSV readers drop them: a cell
// starting with CR LF would otherwise get the formula quote and read back
// as a quote and LF, which no longer shows it was one.
func sanitizeCell(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 && !strings.Contains(s, "\r\n") {
		return s
	}
	return dropCRBeforeLF(strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", ""))
}

// dropCRBeforeLF removes every run of CRs that ends in an LF (in one pass:
// "\r\r\n" becomes "\n", not "\r\n").
func dropCRBeforeLF(s string) string {
	if !strings.Contains(s, "\r\n") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] != '\r' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == '\r' {
			j++
		}
		if j == len(s) || s[j] != '\n' {
			b.WriteString(s[i:j])
		}
		i = j
	}
	return b.String()
}

// unNeutralise undoes neutralise: it removes the formula quote from the
// start of each part of the cell that neutralise gave one.
func unNeutralise(s string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	return eachPart(s, func(part string, first bool, next byte) (string, string) {
		if strings.HasPrefix(part, "'") && marked(part, first, next) {
			return "", part[1:]
		}
		return "", part
	})
}

// needsQuotes reports cells RFC 4180 requires quoting, cells holding the
// other separators spreadsheets use (';' in locales whose decimal mark is
// a comma, tab), and cells with leading or trailing white space, which
// many readers (and ours, for "a, b") would trim.
func needsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if strings.ContainsAny(s, ",\"\r\n;\t") {
		return true
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(first) || unicode.IsSpace(last)
}

// WriteCSVFile writes WriteCSV's output to path atomically: to a temporary
// file in the same directory, synced, then renamed over path, so a failed
// export leaves any previous file untouched and never a partial one.
func WriteCSVFile(path string, users []User, mappings []Mapping, opt ExportOptions) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		return WriteCSV(w, users, mappings, opt)
	})
}

// WriteFileAtomic writes what write produces to path through a temporary
// file in the same folder, synced and then renamed over path: a failure at
// any point leaves an existing file as it was and no partial file behind.
// The GUI's save flow uses it for every file it writes.
func WriteFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return fmt.Errorf("%q is not a file name", path)
	}
	// What the app writes holds names, e-mail addresses and numbers: a new
	// file is the owner's only (0600); a file it replaces keeps its
	// owner's permissions and loses any group or other access.
	mode := fs.FileMode(0o600)
	if fi, statErr := os.Stat(path); statErr == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", path)
		}
		mode = fi.Mode().Perm() & 0o700
	}
	f, err := createTemp(dir, base)
	if err != nil {
		return fmt.Errorf("cannot create a file in %s: %w", dir, err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				f.Close()
			}
			os.Remove(tmp)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	// Chmod is best effort: some file systems (and Windows) ignore modes.
	if mode != 0o600 {
		_ = f.Chmod(mode)
	}
	closed = true
	if err = f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			err = le.Err
		}
		return fmt.Errorf("cannot replace %s (is it open in another program?): %w", path, err)
	}
	syncDir(dir)
	return nil
}

// createTemp is os.CreateTemp next to the target: a new file, 0600 (the
// owner's only, whatever the umask).
func createTemp(dir, base string) (*os.File, error) {
	for i := 0; ; i++ {
		name := filepath.Join(dir, "."+base+"."+strconv.Itoa(os.Getpid())+"-"+strconv.FormatInt(time.Now().UnixNano()+int64(i), 36)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if !errors.Is(err, fs.ErrExist) || i == 100 {
			return f, err
		}
	}
}

// syncDir makes the rename durable where directories can be synced; it is
// best effort because Windows cannot open a directory for syncing.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
