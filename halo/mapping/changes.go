package mapping

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// Row is one row of an export as 1stream holds it after the upload: a
// 1stream user and the Halo agent chosen for it. The rows of the last
// export are the baseline the changes are computed against.
type Row struct {
	Extension  string    `json:"extension"`
	UserName   string    `json:"user"`
	UserEmail  string    `json:"email"`
	AgentID    int       `json:"agent_id"`
	AgentName  string    `json:"agent"`
	AgentEmail string    `json:"agent_email"`
	MatchedBy  Method    `json:"matched_by"`
	MappedAt   time.Time `json:"mapped_at"`
}

// key identifies the 1stream user a row is for: its extension, or its
// email for a user without one (1stream lists users by both).
func (r *Row) key() rowKey {
	if k := ExtensionKey(r.Extension); k != "" {
		return rowKey{ext: true, s: k}
	}
	return rowKey{s: EmailKey(r.UserEmail)}
}

type rowKey struct {
	ext bool
	s   string
}

// label names the user the way 1stream's CRM User Mappings screen lists it.
func (r *Row) label() string {
	name := r.UserName
	if name == "" {
		name = r.UserEmail
	}
	if r.Extension == "" {
		return name
	}
	return strings.TrimSpace("Ext. " + r.Extension + " " + name)
}

// ChangeKind is what happened to a row since the baseline; the values are
// the Change column of a changes export, so they never change.
type ChangeKind string

const (
	ChangeAdded   ChangeKind = "added"
	ChangeChanged ChangeKind = "changed"
	ChangeRemoved ChangeKind = "removed"
)

// Change is one row 1stream's CRM User Mappings screen must be updated for.
type Change struct {
	Kind ChangeKind
	// Row is the row as it is now; for a removed row, the row 1stream
	// still holds (with the agent it used to have).
	Row Row
	// Before is the baseline row of a changed row.
	Before Row
	// Why says what changed, e.g. "agent disabled in Halo".
	Why string
	// Do is the instruction for the CRM User Mappings screen.
	Do string
}

// CurrentRows are the rows 1stream should hold now: every user whose
// mapping counts as mapped (UserStatus), in the order of users. A stale
// mapping yields no row, so an agent disabled or removed in Halo shows up
// as a row to clear.
func CurrentRows(users []User, mappings []Mapping, agents []halo.Agent) []Row {
	return currentRows(users, MappingsByUser(mappings), IndexAgents(agents))
}

func currentRows(users []User, byUser map[int64]*Mapping, idx map[int]*halo.Agent) []Row {
	rows := make([]Row, 0, len(byUser))
	for i := range users {
		u := &users[i]
		m := byUser[u.ID]
		if UserStatus(m, idx) != StatusMapped {
			continue
		}
		rows = append(rows, Row{Extension: u.Extension, UserName: u.Name, UserEmail: u.Email, AgentID: m.AgentID,
			AgentName: m.AgentName, AgentEmail: m.AgentEmail, MatchedBy: m.MatchedBy, MappedAt: m.MappedAt})
	}
	return rows
}

// ExportRows are the mapped rows WriteCSV writes for users and mappings,
// stale ones included: what 1stream holds after a full export is uploaded.
func ExportRows(users []User, mappings []Mapping) []Row {
	byUser := MappingsByUser(mappings)
	rows := make([]Row, 0, len(mappings))
	for i := range users {
		u := &users[i]
		if m := byUser[u.ID]; m != nil {
			rows = append(rows, Row{Extension: u.Extension, UserName: u.Name, UserEmail: u.Email, AgentID: m.AgentID,
				AgentName: m.AgentName, AgentEmail: m.AgentEmail, MatchedBy: m.MatchedBy, MappedAt: m.MappedAt})
		}
	}
	return rows
}

// Changes compares the baseline (the rows of the last export; nil before
// the first, when every mapping is a change) with the current users,
// mappings and agents. Added and changed rows come in the order of users,
// removed ones after them in baseline order. How a row was matched and
// when do not count: 1stream holds neither.
func Changes(baseline []Row, users []User, mappings []Mapping, agents []halo.Agent) []Change {
	idx := IndexAgents(agents)
	byUser := MappingsByUser(mappings)
	base := make(map[rowKey]int, len(baseline))
	for i := range baseline {
		base[baseline[i].key()] = i
	}
	seen := make([]bool, len(baseline))
	var out []Change
	for _, cur := range currentRows(users, byUser, idx) {
		k := cur.key()
		bi, had := base[k]
		if !had {
			out = append(out, Change{Kind: ChangeAdded, Row: cur, Why: "newly mapped", Do: setText(&cur)})
			continue
		}
		seen[bi] = true
		if why := differs(&baseline[bi], &cur); why != "" {
			out = append(out, Change{Kind: ChangeChanged, Row: cur, Before: baseline[bi], Why: why, Do: setText(&cur)})
		}
	}
	if len(baseline) == 0 {
		return out
	}
	// A nil value: the user is still there, without a mapping.
	userKeys := make(map[rowKey]*Mapping, len(users))
	for i := range users {
		r := Row{Extension: users[i].Extension, UserEmail: users[i].Email}
		userKeys[r.key()] = byUser[users[i].ID]
	}
	for i := range baseline {
		if seen[i] {
			continue
		}
		old := baseline[i]
		why := "user removed from 1stream"
		if m, ok := userKeys[old.key()]; ok {
			if m == nil {
				why = "mapping removed"
			} else {
				why = StaleReason(m, idx)
			}
		}
		out = append(out, Change{Kind: ChangeRemoved, Row: old, Why: why, Do: "clear " + old.label()})
	}
	return out
}

func setText(r *Row) string {
	return fmt.Sprintf("set %s → %s (Halo)", r.label(), r.AgentName)
}

// differs says how cur differs from the baseline row for the same user,
// or "" when 1stream needs no update.
func differs(old, cur *Row) string {
	var why []string
	if old.AgentID != cur.AgentID {
		why = append(why, fmt.Sprintf("agent was %s", nameOrID(old.AgentName, old.AgentID)))
	} else if old.AgentName != cur.AgentName || !strings.EqualFold(old.AgentEmail, cur.AgentEmail) {
		why = append(why, "agent details changed")
	}
	if old.UserName != cur.UserName {
		why = append(why, fmt.Sprintf("user renamed from %q", old.UserName))
	}
	if !strings.EqualFold(old.UserEmail, cur.UserEmail) || old.Extension != cur.Extension {
		why = append(why, "user details changed")
	}
	return strings.Join(why, "; ")
}

func nameOrID(name string, id int) string {
	if name != "" {
		return name
	}
	return fmt.Sprintf("agent %d", id)
}

// ChangesHeader is the first row of a changes export: ExportHeader with
// the Change column in front.
var ChangesHeader = append([]string{"Change"}, ExportHeader...)

// WriteChangesCSV writes changes as CSV by WriteCSV's rules (CRLF, UTF-8,
// optional BOM, formula-safe cells): the ChangesHeader row, then one row
// per change. A removed row carries the agent it used to have.
func WriteChangesCSV(w io.Writer, changes []Change, bom bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if bom {
		bw.WriteString("\uFEFF")
	}
	writeCSVRow(bw, ChangesHeader)
	var row [9]string
	for i := range changes {
		c := &changes[i]
		r := &c.Row
		row = [9]string{string(c.Kind), r.Extension, r.UserName, r.UserEmail, strconv.Itoa(r.AgentID), r.AgentName, r.AgentEmail, string(r.MatchedBy), ""}
		if !r.MappedAt.IsZero() {
			row[8] = r.MappedAt.UTC().Format(time.RFC3339Nano)
		}
		writeCSVRow(bw, row[:])
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the export: %w", err)
	}
	return nil
}
