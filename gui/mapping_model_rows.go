package gui

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// What the Mapping screen's users table and agent list show, derived from
// the model's data: the rows, the views (filter, search, sort) and the
// selection both share.

// Columns of the users table; Status comes before Match so it stays
// in view in a narrow window.
const (
	colExt = iota
	colName
	colEmail
	colAgent
	colStatus
	colHow
	numCols
)

// statusSuggested is the Status column's word for an unmapped user with a
// suggestion: mapping.UserStatus says unmapped, the screen adds that an
// agent is proposed. The other statuses are mapping.UserStatus's.
const statusSuggested mapping.Status = "suggested"

// rowStatuses are the statuses of the users table in the order its Status
// column sorts.
var rowStatuses = [...]mapping.Status{mapping.StatusUnmapped, statusSuggested, mapping.StatusStale, mapping.StatusMapped}

// statusSortKey is a status's sort key: its place in rowStatuses.
func statusSortKey(st mapping.Status) string {
	for i, s := range rowStatuses {
		if s == st {
			return string(rune('0' + i))
		}
	}
	return "0"
}

// Filters of the users table.
const (
	filterAll       = "All users"
	filterUnmapped  = "Unmapped"
	filterSuggested = "Suggested"
	filterStale     = "Stale"
	filterMapped    = "Mapped"
)

func filterMatches(filter string, st mapping.Status) bool {
	switch filter {
	case filterUnmapped:
		return st == mapping.StatusUnmapped || st == statusSuggested
	case filterSuggested:
		return st == statusSuggested
	case filterStale:
		return st == mapping.StatusStale
	case filterMapped:
		return st == mapping.StatusMapped
	}
	return true
}

// userRow is what the users table shows for one user, computed when the
// data changes so that UpdateCell only copies strings into recycled cells.
type userRow struct {
	user   mapping.User
	cells  [numCols]string
	keys   [numCols]string // lower-case sort keys
	search string          // lower-case text the user filter searches
	status mapping.Status  // mapping.UserStatus, or statusSuggested
	// shown is cells fitted to the column (fitCell) at width fitW: it is
	// measured the first time the row is drawn at that width, so
	// scrolling back over a row only copies strings into the cell.
	shown [numCols]string
	fitW  [numCols]float32
}

// mappingRows is what rebuild derives from the data and the suggestions.
type mappingRows struct {
	rows   []userRow
	byUser map[int64]int // user ID → index in rows
	badges []string      // per agent: the user it is mapped to, or why it cannot be
	stale  []int         // rows whose mapping is stale
	// counts are mapping.CountStatus's, as the CLI's status counts;
	// suggested counts the unmapped users with a suggestion.
	counts    mapping.Counts
	suggested int
	changes   []mapping.Change // since the last export (mapping.Changes)
}

// rowView is the users table's view of the rows: the status filter, the
// search, the sort and the rows they leave, in order.
type rowView struct {
	filter   string
	query    string // lower case, trimmed
	sortCol  int
	sortDesc bool
	order    []int // indexes into rows
}

// agentView is the agent list's: the search, "Show disabled" and the
// agents they leave, in order.
type agentView struct {
	query        string
	showDisabled bool
	order        []int // indexes into agents
}

// selection is the user and the agent Map would map.
type selection struct {
	user  int64 // 0: none
	agent int   // agent ID, 0: none
}

// rebuild recomputes the rows, badges, counts and changes from the data,
// then both views, and has the screen redraw.
func (m *mappingModel) rebuild() {
	m.deriveRows()
	m.deriveBadges()
	cur := m.currentMappings()
	m.counts = mapping.CountStatus(m.users, cur, m.agents)
	m.updateChanges(cur)
	m.filterUsers()
	m.filterAgents()
	m.on.changed()
}

func (m *mappingModel) deriveRows() {
	if cap(m.rows) < len(m.users) {
		m.rows = make([]userRow, 0, len(m.users))
	}
	m.rows = m.rows[:0]
	m.byUser = make(map[int64]int, len(m.users))
	m.stale = m.stale[:0]
	m.suggested = 0
	agents := mapping.IndexAgents(m.agents)
	for i, u := range m.users {
		m.rows = append(m.rows, m.userRow(u, agents))
		m.byUser[u.ID] = i
		switch m.rows[i].status {
		case mapping.StatusStale:
			m.stale = append(m.stale, i)
		case statusSuggested:
			m.suggested++
		}
	}
}

func (m *mappingModel) userRow(u mapping.User, agents map[int]*halo.Agent) userRow {
	r := userRow{user: u, status: mapping.StatusUnmapped}
	r.cells[colExt], r.cells[colName], r.cells[colEmail] = u.Extension, u.Name, u.Email
	if mp, mapped := m.maps[u.ID]; mapped {
		r.cells[colHow] = string(mp.MatchedBy)
		name := mp.AgentName
		if a := agents[mp.AgentID]; a != nil {
			if n := mapping.AgentDisplayName(*a); n != "" {
				name = n
			}
		}
		if name == "" {
			name = fmt.Sprintf("agent %d", mp.AgentID)
		}
		// The rule the CLI's users list and status use.
		if r.status = mapping.UserStatus(&mp, agents); r.status == mapping.StatusStale {
			name += " (" + mapping.StaleReason(&mp, agents) + ")"
		}
		r.cells[colAgent] = name
	} else if sg, ok := m.sugg[u.ID]; ok {
		r.status = statusSuggested
		r.cells[colHow] = string(sg.Method)
		r.cells[colAgent] = m.describeSuggestion(sg)
	}
	r.cells[colStatus] = string(r.status)
	for c := range numCols {
		r.keys[c] = strings.ToLower(r.cells[c])
	}
	r.keys[colStatus] = statusSortKey(r.status)
	r.search = r.keys[colExt] + "\x00" + r.keys[colName] + "\x00" + r.keys[colEmail] + "\x00" + r.keys[colAgent]
	return r
}

func (m *mappingModel) deriveBadges() {
	m.badges = make([]string, len(m.agents))
	for i := range m.agents {
		a := &m.agents[i]
		switch uid, held := m.holder[a.ID]; {
		case held:
			if ri, ok := m.byUser[uid]; ok {
				m.badges[i] = "→ " + shortUser(m.rows[ri].user)
			}
		case a.IsAPIAgent:
			m.badges[i] = "API agent"
		case a.IsDisabled:
			m.badges[i] = "disabled"
		}
	}
}

// describeSuggestion is the Halo agent cell of a suggested user: the agent,
// or the candidates to choose from when none stands out.
func (m *mappingModel) describeSuggestion(sg mapping.Suggestion) string {
	if sg.AgentID != 0 {
		return m.agentName(sg.AgentID) + "?"
	}
	names := make([]string, 0, 3)
	for _, id := range sg.Candidates {
		if len(names) == 3 {
			break
		}
		names = append(names, m.agentName(id))
	}
	text := "choose: " + strings.Join(names, ", ")
	if more := len(sg.Candidates) - len(names); more > 0 {
		text += fmt.Sprintf(" +%d more", more)
	}
	return text
}

func (m *mappingModel) agentName(id int) string {
	if pos, ok := m.agentPos[id]; ok {
		if n := mapping.AgentDisplayName(m.agents[pos]); n != "" {
			return n
		}
	}
	return fmt.Sprintf("agent %d", id)
}

// shortUser names a user briefly: the extension, else the name or email.
func shortUser(u mapping.User) string {
	switch {
	case u.Extension != "":
		return u.Extension
	case u.Name != "":
		return u.Name
	}
	return u.Email
}

// countersText is the screen's headline count.
func (m *mappingModel) countersText() string {
	text := fmt.Sprintf("Mapped %d / %d", m.counts.Mapped, m.counts.Users)
	if m.counts.Stale > 0 {
		text += fmt.Sprintf(" · %d stale", m.counts.Stale)
	}
	if m.suggested > 0 {
		text += fmt.Sprintf(" · %d suggested", m.suggested)
	}
	return text
}

// staleText says which mappings to review, or "" when none is stale.
func (m *mappingModel) staleText() string {
	if len(m.stale) == 0 {
		return ""
	}
	parts := make([]string, 0, 4)
	for _, ri := range m.stale {
		if len(parts) == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(m.stale)-3))
			break
		}
		r := &m.rows[ri]
		parts = append(parts, r.user.Short()+" → "+r.cells[colAgent])
	}
	return fmt.Sprintf("%s to review: the Halo agent was removed or disabled since it was mapped "+
		"(%s). Drag another agent onto the user, or unmap it.",
		halo.CountOf(len(m.stale), "mapping", "mappings"), strings.Join(parts, "; "))
}

// setUserFilter sets the users table's status filter and search.
func (m *mappingModel) setUserFilter(filter, query string) {
	m.userView.filter, m.userView.query = filter, strings.ToLower(strings.TrimSpace(query))
	m.filterUsers()
}

// sortUsersBy sorts by col; the same column again reverses the order.
func (m *mappingModel) sortUsersBy(col int) {
	if col < 0 || col >= numCols {
		return
	}
	if v := &m.userView; v.sortCol == col {
		v.sortDesc = !v.sortDesc
	} else {
		v.sortCol, v.sortDesc = col, false
	}
	m.filterUsers()
}

// filterUsers shows the rows the status filter and the search match, in
// the sort order. A selected user no longer shown is no longer selected.
func (m *mappingModel) filterUsers() {
	v := &m.userView
	v.order = v.order[:0]
	for i := range m.rows {
		r := &m.rows[i]
		if !filterMatches(v.filter, r.status) || (v.query != "" && !strings.Contains(r.search, v.query)) {
			continue
		}
		v.order = append(v.order, i)
	}
	col, desc := v.sortCol, v.sortDesc
	if col == colExt {
		// Users are loaded in extension order (numeric where possible).
		if desc {
			for i, j := 0, len(v.order)-1; i < j; i, j = i+1, j-1 {
				v.order[i], v.order[j] = v.order[j], v.order[i]
			}
		}
	} else {
		sort.SliceStable(v.order, func(a, b int) bool {
			ka, kb := m.rows[v.order[a]].keys[col], m.rows[v.order[b]].keys[col]
			if desc {
				return ka > kb
			}
			return ka < kb
		})
	}
	if m.sel.user != 0 && m.viewRowOf(m.sel.user) < 0 {
		m.sel.user = 0
	}
}

// viewRowOf returns the users view's row showing the user, or -1.
func (m *mappingModel) viewRowOf(userID int64) int {
	return viewRow(m.byUser, m.userView.order, userID)
}

// viewRow returns the row of a view (order: indexes of items) showing the
// item of key, or -1; pos maps keys to items.
func viewRow[K comparable](pos map[K]int, order []int, key K) int {
	if i, ok := pos[key]; ok {
		return slices.Index(order, i)
	}
	return -1
}

// setAgentFilter sets the agent list's search and "Show disabled"; the
// selection may go with an agent no longer listed.
func (m *mappingModel) setAgentFilter(query string, showDisabled bool) {
	m.agentView.query, m.agentView.showDisabled = query, showDisabled
	m.filterAgents()
	m.on.state()
}

// filterAgents applies the search and "Show disabled" to the agents
// (mapping.AgentIndex). A selected agent no longer shown is no longer
// selected.
func (m *mappingModel) filterAgents() {
	v := &m.agentView
	v.order = m.index.Filter(v.query, v.showDisabled, v.order)
	if m.sel.agent != 0 && m.agentRowOf(m.sel.agent) < 0 {
		m.sel.agent = 0
	}
}

// agentRowOf returns the agent view's row showing the agent, or -1.
func (m *mappingModel) agentRowOf(agentID int) int {
	return viewRow(m.agentPos, m.agentView.order, agentID)
}

// selectUser makes the user the selected one. A suggested user with a
// single proposed agent also selects that agent when none is selected and
// the agent is listed, so Ctrl+M accepts the suggestion.
func (m *mappingModel) selectUser(userID int64) {
	m.sel.user = userID
	if sg, ok := m.sugg[userID]; ok {
		if sg.AgentID != 0 && m.sel.agent == 0 && m.agentRowOf(sg.AgentID) >= 0 {
			m.sel.agent = sg.AgentID
		}
		msg := "Suggested by " + string(sg.Method) + ": " + m.describeSuggestion(sg)
		if sg.Note != "" {
			msg += " — " + sg.Note
		}
		m.on.status(msg)
	}
	m.on.state()
}

// selectAgent makes the agent (by ID) the selected one.
func (m *mappingModel) selectAgent(agentID int) {
	m.sel.agent = agentID
	m.on.state()
}

// selectedUser is the selected user, if any.
func (m *mappingModel) selectedUser() (mapping.User, bool) {
	ri, ok := m.byUser[m.sel.user]
	if m.sel.user == 0 || !ok {
		return mapping.User{}, false
	}
	return m.rows[ri].user, true
}
