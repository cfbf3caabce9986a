package mapping

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// maxStoredFields bounds the cells kept per row; later cells are parsed and
// counted but not stored, so a row of ten million commas costs no memory.
// Columns beyond it are ignored.
const maxStoredFields = 256

// csvReader reads delimited text with the rules of encoding/csv (RFC 4180,
// LazyQuotes off, CRLF normalised to LF, empty lines skipped, leading white
// space trimmed when trimSpace is set) over an in-memory document. It is
// hand-written rather than encoding/csv so that it can bound the cells it
// stores, hand out cells without allocating, and report each row's line
// and byte range for the preview. A broken row is reported and reading
// resumes on the next line; reading never fails.
type csvReader struct {
	data      []byte
	pos       int
	line      int // line number of data[pos], 1-based
	delim     byte
	trimSpace bool
	buf       []byte // cell contents of the current row
	ends      []int  // end of each stored cell in buf
}

// csvRow is one row of a csvReader.
type csvRow struct {
	line     int      // line the row starts on
	fields   [][]byte // up to maxStoredFields cells, valid until the next read
	nfields  int      // cells in the row, stored or not
	from, to int      // byte range of the row in the data
	err      string   // why the row could not be read; fields is then empty
}

func newCSVReader(data []byte, delim rune) *csvReader {
	return &csvReader{
		data:  data,
		line:  1,
		delim: byte(delim),
		// Leading white space is trimmed, as encoding/csv's
		// TrimLeadingSpace, so `a, "b"` reads; not for tabs, whose empty
		// cells it would swallow.
		trimSpace: delim != '\t',
	}
}

// raw is the text of rec as in the file, shortened; it is only made for
// rows that are reported.
func (r *csvReader) raw(rec *csvRow) string {
	return rawText(r.data, rec.from, rec.to)
}

// next reads the next row into rec, reusing its slices; false at the end.
func (r *csvReader) next(rec *csvRow) bool {
	d := r.data
	for { // skip empty lines
		switch {
		case r.pos >= len(d):
			return false
		case d[r.pos] == '\n':
			r.pos++
			r.line++
			continue
		case d[r.pos] == '\r' && (r.pos+1 == len(d) || d[r.pos+1] == '\n'):
			r.pos++ // CR before LF or at the very end is a line end
			continue
		}
		break
	}
	fields := rec.fields[:0]
	*rec = csvRow{line: r.line, from: r.pos}
	r.buf, r.ends = r.buf[:0], r.ends[:0]
	if err := r.readFields(rec); err != "" {
		rec.err = err
		r.skipLine()
	} else {
		start := 0
		for _, e := range r.ends {
			fields = append(fields, r.buf[start:e:e])
			start = e
		}
		rec.fields = fields
	}
	rec.to = r.pos
	return true
}

// readFields parses the cells of one row, leaving pos after its line end.
func (r *csvReader) readFields(rec *csvRow) string {
	d := r.data
	for {
		if r.trimSpace {
			r.skipSpace()
		}
		rec.nfields++
		store := rec.nfields <= maxStoredFields
		if r.pos >= len(d) || d[r.pos] != '"' {
			// Unquoted cell: up to the delimiter or the line end.
			start := r.pos
			end := start
			for end < len(d) && d[end] != r.delim && d[end] != '\n' {
				end++
			}
			cell := d[start:end]
			if end == len(d) || d[end] == '\n' {
				cell = bytes.TrimSuffix(cell, []byte{'\r'})
			}
			if bytes.IndexByte(cell, '"') >= 0 {
				r.pos = end
				return `a cell contains a " that is not inside quotes (write it as "" in a quoted cell)`
			}
			if store {
				r.buf = append(r.buf, cell...)
				r.ends = append(r.ends, len(r.buf))
			}
			switch {
			case end == len(d):
				r.pos = end
				return ""
			case d[end] == '\n':
				r.pos = end + 1
				r.line++
				return ""
			}
			r.pos = end + 1 // delimiter
			continue
		}
		// Quoted cell: "" is a quote; line ends inside are kept, as LF.
		r.pos++
		for {
			j := bytes.IndexByte(d[r.pos:], '"')
			if j < 0 {
				r.pos = len(d)
				return "a quoted cell is not closed"
			}
			seg := d[r.pos : r.pos+j]
			r.line += bytes.Count(seg, []byte{'\n'})
			if store {
				if bytes.IndexByte(seg, '\r') >= 0 {
					r.buf = append(r.buf, bytes.ReplaceAll(seg, []byte("\r\n"), []byte("\n"))...)
				} else {
					r.buf = append(r.buf, seg...)
				}
			}
			r.pos += j + 1
			switch {
			case r.pos < len(d) && d[r.pos] == '"':
				if store {
					r.buf = append(r.buf, '"')
				}
				r.pos++
				continue
			case r.pos == len(d) || d[r.pos] == '\r' && r.pos+1 == len(d):
				r.pos = len(d)
				r.storeEnd(store)
				return ""
			case d[r.pos] == r.delim:
				r.pos++
				r.storeEnd(store)
			case d[r.pos] == '\n' || d[r.pos] == '\r' && d[r.pos+1] == '\n':
				if d[r.pos] == '\r' {
					r.pos++
				}
				r.pos++
				r.line++
				r.storeEnd(store)
				return ""
			default:
				return `a quoted cell has text after its closing " (write a quote inside a cell as "")`
			}
			break
		}
	}
}

func (r *csvReader) storeEnd(store bool) {
	if store {
		r.ends = append(r.ends, len(r.buf))
	}
}

// skipSpace skips white space before a cell, but not the line end.
func (r *csvReader) skipSpace() {
	d := r.data
	for r.pos < len(d) {
		c := d[r.pos]
		if c == '\n' || c == '\r' && (r.pos+1 == len(d) || d[r.pos+1] == '\n') {
			return
		}
		if c < utf8.RuneSelf {
			if c != ' ' && c != '\t' && c != '\r' && c != '\v' && c != '\f' {
				return
			}
			r.pos++
			continue
		}
		ru, size := utf8.DecodeRune(d[r.pos:])
		if !unicode.IsSpace(ru) {
			return
		}
		r.pos += size
	}
}

// skipLine moves past the end of the current line after a broken row.
func (r *csvReader) skipLine() {
	if r.pos >= len(r.data) {
		r.pos = len(r.data)
		return
	}
	if i := bytes.IndexByte(r.data[r.pos:], '\n'); i >= 0 {
		r.pos += i + 1
		r.line++
		return
	}
	r.pos = len(r.data)
}
