package mapping

import (
	"bytes"
	"fmt"
	"io"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// ImportRow is a user accepted by an import, with the line its row starts on
// (1-based, counting physical lines, so a quoted field that spans lines
// moves the numbers of the rows after it, as a text editor shows them).
type ImportRow struct {
	Line int
	User User
}

// Rejected is a row that will not be imported, with the reason and the raw
// row text (shortened) for the preview.
type Rejected struct {
	Line   int
	Reason string
	Raw    string
}

// Preview is the result of reading a users file: what will be imported and
// what will not. Nothing is stored until the caller saves Accepted.
type Preview struct {
	Delimiter rune   // ',', ';' or '\t'
	Encoding  string // one of the Encoding constants
	// Header is the first row when it was a header; nil when the file has
	// no header and the columns were recognised from the data.
	Header []string
	// HeaderInferred is true when the columns were recognised from what the
	// cells contain rather than from header names; the GUI should show the
	// column roles so the user can confirm them.
	HeaderInferred bool
	// Columns maps the roles ColExtension, ColName, ColEmail, ColFirst and
	// ColLast to column indexes; roles not found are absent.
	Columns  map[string]int
	Accepted []ImportRow
	Rejected []Rejected
}

// Users are the accepted rows' users for a profile, as storage saves them.
func (p Preview) Users(profileID int64) []User {
	out := make([]User, len(p.Accepted))
	for i, row := range p.Accepted {
		out[i] = row.User
		out[i].ProfileID = profileID
	}
	return out
}

// headerSynonyms maps headerKey forms to column roles. The rank orders
// synonyms of one role when a file has several ("Display Name" beats
// "Username").
var headerSynonyms = map[string]struct {
	role string
	rank int
}{
	"extension": {ColExtension, 0}, "ext": {ColExtension, 0}, "extn": {ColExtension, 0},
	"phoneextension": {ColExtension, 0}, "phoneext": {ColExtension, 0},
	"extensionnumber": {ColExtension, 0}, "extensionno": {ColExtension, 0}, "extno": {ColExtension, 0},
	"extnumber": {ColExtension, 0}, "userextension": {ColExtension, 0}, "phoneextensionnumber": {ColExtension, 0},

	"fullname": {ColName, 0}, "displayname": {ColName, 0}, "name": {ColName, 1},
	"1streamuser": {ColName, 1}, "user": {ColName, 2}, "username": {ColName, 3}, "1streamusername": {ColName, 1},

	"email": {ColEmail, 0}, "emailaddress": {ColEmail, 0}, "mail": {ColEmail, 1}, "1streamemail": {ColEmail, 0},
	"useremail": {ColEmail, 0}, "emailaddr": {ColEmail, 0}, "workemail": {ColEmail, 1},

	"firstname": {ColFirst, 0}, "first": {ColFirst, 1}, "givenname": {ColFirst, 0}, "forename": {ColFirst, 0},
	"lastname": {ColLast, 0}, "last": {ColLast, 1}, "surname": {ColLast, 0}, "familyname": {ColLast, 0},
}

// ParseUsers reads 1stream users from a CSV or tab-separated file: UTF-8
// with or without a BOM (UTF-16 with a BOM and Windows-1252 are converted),
// comma, semicolon or tab detected, quoted fields, CRLF or LF. The first
// row is matched as a header by name; without a recognisable header the
// columns are recognised from the data (HeaderInferred). Columns after the
// 256th are ignored. It reads at most MaxImportBytes+1 bytes.
//
// Row problems (no extension and no email, duplicates, invalid email,
// over-long fields, broken quoting) go to Preview.Rejected; only problems
// with the whole file are errors: ErrTooLarge, ErrTooManyRows, ErrNoHeader,
// ErrEmpty, ErrNotText, or a read error.
func ParseUsers(r io.Reader) (Preview, error) {
	data, err := readLimited(r)
	if err != nil {
		return Preview{}, err
	}
	return parseUsers(data)
}

// ParseUsersText parses cells pasted from a spreadsheet (tab-separated,
// usually) or any text ParseUsers accepts.
func ParseUsersText(s string) (Preview, error) {
	if len(s) > MaxImportBytes {
		return Preview{}, ErrTooLarge
	}
	return parseUsers([]byte(s))
}

func parseUsers(raw []byte) (Preview, error) {
	data, enc, err := decodeText(raw)
	if err != nil {
		return Preview{}, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return Preview{}, ErrEmpty
	}
	p := Preview{Delimiter: detectDelimiter(data), Encoding: enc}

	sample := firstRows(data, p.Delimiter, 21)
	if len(sample) == 0 {
		return Preview{}, ErrEmpty
	}
	hasHeader := true
	cols, err := matchUserHeader(sample[0])
	switch {
	case err == nil:
		p.Columns = cols
	case len(cols) > 0:
		// Some headers were recognised, so the first row is a header; the
		// data is not second-guessed.
		return Preview{}, err
	default:
		inferred, header, ok := inferUserColumns(sample)
		if !ok {
			return Preview{}, err
		}
		p.Columns, p.HeaderInferred, hasHeader = inferred, true, header
	}

	col := func(role string) int {
		if i, ok := p.Columns[role]; ok {
			return i
		}
		return -1
	}
	iExt, iName, iEmail, iFirst, iLast := col(ColExtension), col(ColName), col(ColEmail), col(ColFirst), col(ColLast)

	rr := newCSVReader(data, p.Delimiter)
	var rec csvRow
	if hasHeader {
		p.Header = sample[0]
		rr.next(&rec)
	}
	extLine := make(map[string]int)
	emailLine := make(map[string]int)
	rows := 0
	for rr.next(&rec) {
		if rec.err == "" && blankRow(rec.fields) {
			continue
		}
		if rows++; rows > MaxImportRows {
			return Preview{}, ErrTooManyRows
		}
		reject := func(reason string) {
			p.Rejected = append(p.Rejected, Rejected{Line: rec.line, Reason: reason, Raw: rr.raw(&rec)})
		}
		if rec.err != "" {
			reject(rec.err)
			continue
		}
		get := func(i int) string { return cell(rec.fields, i) }
		u := User{
			Extension: cleanField(get(iExt)),
			Name:      cleanText(get(iName)),
			Email:     cleanField(get(iEmail)),
		}
		if u.Name == "" {
			u.Name = cleanText(cleanText(get(iFirst)) + " " + cleanText(get(iLast)))
		}
		if reason := checkLengths(u); reason != "" {
			reject(reason)
			continue
		}
		if isPlaceholder(u.Extension) {
			u.Extension = ""
		}
		if isPlaceholder(u.Email) {
			u.Email = ""
		}
		if u.Email != "" {
			e, ok := cleanEmail(u.Email)
			if !ok {
				reject("invalid email " + quoteShort(u.Email))
				continue
			}
			u.Email = e
		}
		if u.Extension != "" && !validExtension(u.Extension) {
			reject("invalid extension " + quoteShort(u.Extension))
			continue
		}
		if u.Extension == "" && u.Email == "" {
			reject("no extension and no email")
			continue
		}
		ek, mk := ExtensionKey(u.Extension), EmailKey(u.Email)
		if first, dup := extLine[ek]; dup && ek != "" {
			reject(fmt.Sprintf("duplicate extension %s (first on line %d)", quoteShort(u.Extension), first))
			continue
		}
		if first, dup := emailLine[mk]; dup && mk != "" {
			reject(fmt.Sprintf("duplicate email %s (first on line %d)", quoteShort(u.Email), first))
			continue
		}
		// Stored in canonical form ("x101", "Ext. 101" → "101") so that a
		// re-import matches the stored user the way the preview compares.
		u.Extension = ek
		if ek != "" {
			extLine[ek] = rec.line
		}
		if mk != "" {
			emailLine[mk] = rec.line
		}
		p.Accepted = append(p.Accepted, ImportRow{Line: rec.line, User: u})
	}
	return p, nil
}

// matchUserHeader maps the header cells to roles by name. Without an
// Extension or Email column it returns an error along with the roles it
// did recognise.
func matchUserHeader(header []string) (map[string]int, error) {
	cols := make(map[string]int)
	rank := make(map[string]int)
	for i, h := range header {
		syn, ok := headerSynonyms[headerKey(h)]
		if !ok {
			continue
		}
		if r, seen := rank[syn.role]; seen && r <= syn.rank {
			continue
		}
		cols[syn.role], rank[syn.role] = i, syn.rank
	}
	_, hasExt := cols[ColExtension]
	_, hasEmail := cols[ColEmail]
	switch {
	case hasExt || hasEmail:
		return cols, nil
	case len(cols) > 0:
		return cols, fmt.Errorf("%w: there is no Extension or Email column (expected headers such as Extension, Name, Email)", ErrNoHeader)
	}
	return nil, fmt.Errorf("%w: expected headers such as Extension, Name, Email (or First Name and Last Name)", ErrNoHeader)
}

// inferUserColumns recognises the columns of a file without a usable header
// (typically pasted cells) from the data: a column of emails, a column of
// extensions, and the first column of other text as the name. header
// reports whether the first row looks like a header of unknown names rather
// than data.
func inferUserColumns(sample [][]string) (cols map[string]int, header, ok bool) {
	const maxCols = 64
	body := sample
	if len(sample) > 1 {
		body = sample[1:]
	}
	var nonEmpty, emails, exts, texts [maxCols]int
	for _, row := range body {
		for j, f := range row {
			if j >= maxCols {
				break
			}
			f = cleanField(f)
			if f == "" {
				continue
			}
			nonEmpty[j]++
			switch {
			case looksLikeEmail(f):
				emails[j]++
			case looksLikeExtension(f):
				exts[j]++
			case strings.ContainsFunc(f, isLetter):
				texts[j]++
			}
		}
	}
	most := func(n, of int) bool { return of > 0 && n*5 >= of*4 }
	iExt, iEmail, iName := -1, -1, -1
	for j := range maxCols {
		switch {
		case iEmail < 0 && most(emails[j], nonEmpty[j]):
			iEmail = j
		case iExt < 0 && most(exts[j], nonEmpty[j]):
			iExt = j
		case iName < 0 && most(texts[j], nonEmpty[j]):
			iName = j
		}
	}
	if iExt < 0 && iEmail < 0 {
		return nil, false, false
	}
	cols = make(map[string]int)
	for role, j := range map[string]int{ColExtension: iExt, ColEmail: iEmail, ColName: iName} {
		if j >= 0 {
			cols[role] = j
		}
	}
	if len(sample) > 1 {
		first := sample[0]
		cell := func(j int) string {
			if j < 0 || j >= len(first) {
				return ""
			}
			return cleanField(first[j])
		}
		header = !(iExt >= 0 && looksLikeExtension(cell(iExt)) || iEmail >= 0 && looksLikeEmail(cell(iEmail)))
	}
	return cols, header, true
}

func isLetter(r rune) bool {
	var b [4]byte
	_, ok := appendFoldedRune(b[:0], r)
	return ok && !(r >= '0' && r <= '9')
}

func looksLikeEmail(s string) bool {
	_, ok := cleanEmail(s)
	return ok
}

// looksLikeExtension accepts 1–10 digits with an optional "x"/"ext" prefix.
func looksLikeExtension(s string) bool {
	k := ExtensionKey(s)
	if k == "" || len(k) > 10 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isDigit(k[i]) {
			return false
		}
	}
	return true
}

func checkLengths(u User) string {
	for _, f := range [...]struct {
		label, v string
		max      int
	}{{"extension", u.Extension, MaxExtensionLen}, {"name", u.Name, MaxNameLen}, {"email", u.Email, MaxEmailLen}} {
		if utf8.RuneCountInString(f.v) > f.max {
			return fmt.Sprintf("%s is longer than %d characters", f.label, f.max)
		}
	}
	return ""
}

// isPlaceholder reports the values spreadsheets use for "none".
func isPlaceholder(s string) bool {
	switch strings.ToLower(s) {
	case "-", "--", "n/a", "na", "none", "null", "nil":
		return true
	}
	return false
}

// validExtension accepts digits with letters and the phone symbols * # + - .
// (no spaces: the phone system has none); at least one digit is required.
func validExtension(s string) bool {
	digit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case isDigit(c):
			digit = true
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', strings.IndexByte("*#+-.", c) >= 0:
		default:
			return false
		}
	}
	return digit
}

// cleanEmail returns the bare address of s ("mailto:" and a display name in
// "Name <addr>" form removed) and whether it is a plausible address. The
// check is syntactic and deliberately simple: one "@", a non-empty local
// part without spaces or special characters, and a dotted domain.
func cleanEmail(s string) (string, bool) {
	s = cleanField(s)
	if len(s) >= 7 && strings.EqualFold(s[:7], "mailto:") {
		s = strings.TrimSpace(s[7:])
	}
	if strings.ContainsRune(s, '<') {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return s, false
		}
		s = a.Address
	}
	return s, validEmail(s)
}

func validEmail(s string) bool {
	if len(s) > 254 || !utf8.ValidString(s) {
		return false
	}
	at := strings.IndexByte(s, '@')
	if at <= 0 || at > 64 || at != strings.LastIndexByte(s, '@') {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for _, r := range local {
		if r <= ' ' || r == 0x7f || strings.ContainsRune(`"(),:;<>[\]`, r) {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && isLetter(r)) {
				return false
			}
		}
	}
	return true
}
