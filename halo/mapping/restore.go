package mapping

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/halo-assistant/halo-assistant/halo"
)

// MappingImportRow is one row of a mappings file read by ReadMappingsCSV:
// the columns of an exported Row, its line and its text.
// Cells are as written (the export's formula quote removed); the key cells
// Extension and UserEmail and the parsed ones are trimmed.
type MappingImportRow struct {
	Line       int
	Extension  string
	UserName   string
	UserEmail  string
	AgentID    int
	AgentName  string
	AgentEmail string
	// MatchedBy is the file's Matched By, or MethodImported when the column
	// is missing or holds something else.
	MatchedBy Method
	// MappedAt is zero when the column is missing or unreadable.
	MappedAt time.Time
	Raw      string // the row as in the file, shortened
}

// Roles of the columns of a mappings file.
const (
	mcExtension = iota
	mcUserName
	mcUserEmail
	mcAgentID
	mcAgentName
	mcAgentEmail
	mcMatchedBy
	mcMappedAt
	mcCount
)

// mappingHeaderSynonyms maps headerKey forms to column roles: the export's
// own names first, then what a hand-made file is likely to use.
var mappingHeaderSynonyms = map[string]int{
	"extension": mcExtension, "ext": mcExtension, "phoneextension": mcExtension, "extensionnumber": mcExtension,
	"1streamuser": mcUserName, "user": mcUserName, "username": mcUserName, "name": mcUserName, "fullname": mcUserName,
	"1streamemail": mcUserEmail, "email": mcUserEmail, "useremail": mcUserEmail, "emailaddress": mcUserEmail,
	"haloagentid": mcAgentID, "agentid": mcAgentID, "haloid": mcAgentID,
	"haloagent": mcAgentName, "agent": mcAgentName, "agentname": mcAgentName, "haloagentname": mcAgentName,
	"haloagentemail": mcAgentEmail, "agentemail": mcAgentEmail,
	"matchedby": mcMatchedBy, "method": mcMatchedBy,
	"mappedat": mcMappedAt, "mapped": mcMappedAt, "mappeddate": mcMappedAt,
}

// ReadMappingsCSV reads a mappings file as WriteCSV writes it, tolerating
// what a spreadsheet does to it on the way back: a BOM or none, semicolons
// or tabs instead of commas, columns in another order or missing (only Halo
// Agent ID and one of Extension and 1stream Email are required), LF line
// ends. Rows without an agent ID (unmapped users) are skipped; unusable rows
// are returned as rejected. The limits of ParseUsers apply.
func ReadMappingsCSV(r io.Reader) ([]MappingImportRow, []Rejected, error) {
	raw, err := readLimited(r)
	if err != nil {
		return nil, nil, err
	}
	data, _, err := decodeText(raw)
	if err != nil {
		return nil, nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil, ErrEmpty
	}
	rr := newCSVReader(data, detectDelimiter(data))
	var rec csvRow
	if !rr.next(&rec) || rec.err != "" {
		return nil, nil, fmt.Errorf("%w: expected the header %s", ErrNoHeader, strings.Join(ExportHeader, ","))
	}
	var cols [mcCount]int
	for i := range cols {
		cols[i] = -1
	}
	for i, h := range rec.fields {
		if role, ok := mappingHeaderSynonyms[headerKey(string(h))]; ok && cols[role] < 0 {
			cols[role] = i
		}
	}
	if cols[mcAgentID] < 0 || cols[mcExtension] < 0 && cols[mcUserEmail] < 0 {
		return nil, nil, fmt.Errorf("%w: a mappings file needs a \"Halo Agent ID\" column and an \"Extension\" or \"1stream Email\" column", ErrNoHeader)
	}

	var rows []MappingImportRow
	var rejected []Rejected
	read := 0
	for rr.next(&rec) {
		if rec.err == "" && blankRow(rec.fields) {
			continue
		}
		if read++; read > MaxImportRows {
			return nil, nil, ErrTooManyRows
		}
		if rec.err != "" {
			rejected = append(rejected, Rejected{Line: rec.line, Reason: rec.err, Raw: rr.raw(&rec)})
			continue
		}
		get := func(role int) string { return unNeutralise(cell(rec.fields, cols[role])) }
		reject := func(reason string) {
			rejected = append(rejected, Rejected{Line: rec.line, Reason: reason, Raw: rr.raw(&rec)})
		}
		idText := cleanField(get(mcAgentID))
		if idText == "" {
			continue
		}
		m := MappingImportRow{
			Line:       rec.line,
			Extension:  cleanField(get(mcExtension)),
			UserName:   get(mcUserName),
			UserEmail:  cleanField(get(mcUserEmail)),
			AgentName:  get(mcAgentName),
			AgentEmail: get(mcAgentEmail),
			MatchedBy:  MethodImported,
			Raw:        rr.raw(&rec),
		}
		id, err := strconv.Atoi(idText)
		if err != nil || id <= 0 {
			reject("Halo Agent ID " + quoteShort(idText) + " is not a positive whole number")
			continue
		}
		m.AgentID = id
		if m.Extension == "" && m.UserEmail == "" {
			reject("no extension and no email to find the 1stream user by")
			continue
		}
		if tooLong(m.Extension, m.UserName, m.UserEmail, m.AgentName, m.AgentEmail) {
			reject(fmt.Sprintf("a field is longer than %d characters", MaxFieldLen))
			continue
		}
		if method, ok := ParseMethod(get(mcMatchedBy)); ok {
			m.MatchedBy = method
		}
		m.MappedAt = parseMappedAt(get(mcMappedAt))
		rows = append(rows, m)
	}
	return rows, rejected, nil
}

func tooLong(fields ...string) bool {
	for _, f := range fields {
		if utf8.RuneCountInString(f) > MaxFieldLen {
			return true
		}
	}
	return false
}

// parseMappedAt reads RFC 3339 and the forms a spreadsheet re-saves dates
// in; times without a zone are UTC, as exported.
func parseMappedAt(s string) time.Time {
	s = cleanField(s)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	for _, layout := range [...]string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

// ResolveMappings turns the rows of a mappings file into mappings of the
// current users and agents: the agent by ID, the user by extension and
// then by email. It reports rows whose agent no longer exists, whose
// user is not found, and rows that would map an agent or a user a
// second time (the first row wins). AgentName and AgentEmail come from
// the current agent; MatchedBy and MappedAt from the row (a zero
// MappedAt is left for storage to fill in).
func ResolveMappings(rows []MappingImportRow, users []User, agents []halo.Agent) (ok []Mapping, problems []Rejected) {
	agentByID := make(map[int]*halo.Agent, len(agents))
	for i := range agents {
		if _, dup := agentByID[agents[i].ID]; !dup {
			agentByID[agents[i].ID] = &agents[i]
		}
	}
	index := NewUserIndex(users)
	agentLine := make(map[int]int, len(rows))
	userLine := make(map[int64]int, len(rows))
	for _, r := range rows {
		problem := func(reason string) {
			problems = append(problems, Rejected{Line: r.Line, Reason: reason, Raw: r.Raw})
		}
		a, found := agentByID[r.AgentID]
		if !found {
			name := ""
			if r.AgentName != "" {
				name = " " + quoteShort(r.AgentName)
			}
			problem(fmt.Sprintf("Halo agent %d%s no longer exists", r.AgentID, name))
			continue
		}
		ui, found := index.Find(r.Extension, r.UserEmail)
		if !found {
			problem("no 1stream user has " + describeUserKeys(r.Extension, r.UserEmail))
			continue
		}
		u := &users[ui]
		if line, dup := agentLine[a.ID]; dup {
			problem(fmt.Sprintf("Halo agent %d is already mapped on line %d", a.ID, line))
			continue
		}
		if line, dup := userLine[u.ID]; dup {
			problem(fmt.Sprintf("the 1stream user %s is already mapped on line %d", describeUserKeys(u.Extension, u.Email), line))
			continue
		}
		agentLine[a.ID], userLine[u.ID] = r.Line, r.Line
		method := r.MatchedBy
		if !method.Valid() {
			method = MethodImported
		}
		ok = append(ok, Mapping{
			UserID:     u.ID,
			AgentID:    a.ID,
			AgentName:  AgentDisplayName(*a),
			AgentEmail: a.Email,
			MatchedBy:  method,
			MappedAt:   r.MappedAt,
		})
	}
	return ok, problems
}

func describeUserKeys(ext, email string) string {
	switch {
	case ext != "" && email != "":
		return "extension " + quoteShort(ext) + " or email " + quoteShort(email)
	case ext != "":
		return "extension " + quoteShort(ext)
	}
	return "email " + quoteShort(email)
}

// AgentDisplayName is the agent's name, or first name and surname when
// Halo sent no name.
func AgentDisplayName(a halo.Agent) string {
	if n := strings.TrimSpace(a.Name); n != "" {
		return n
	}
	return strings.TrimSpace(strings.TrimSpace(a.FirstName) + " " + strings.TrimSpace(a.Surname))
}
