package mapping

import (
	"bytes"

	"github.com/halo-assistant/halo-assistant/halo"
)

// AgentIndex filters a list of agents by a search box query. The search
// keys (name, first name and surname, email, default team, team names,
// extension; lower case, accents folded) are built once, so filtering on
// each keystroke only scans bytes. It is immutable after NewAgentIndex and
// safe for concurrent use; rebuild it when the agent list changes.
type AgentIndex struct {
	keys   []byte  // all search keys, concatenated
	ends   []int32 // ends[i] is the end of agent i's key in keys
	hidden []bool  // disabled or API-only
}

// fieldSep separates the fields of a key so a query word cannot match
// across two fields; the query folding never produces it.
const fieldSep = 0

// NewAgentIndex builds the index of agents; Filter returns indexes into
// this slice.
func NewAgentIndex(agents []halo.Agent) *AgentIndex {
	x := &AgentIndex{
		keys:   make([]byte, 0, len(agents)*64),
		ends:   make([]int32, len(agents)),
		hidden: make([]bool, len(agents)),
	}
	for i := range agents {
		a := &agents[i]
		for _, f := range [...]string{a.Name, a.FirstName + " " + a.Surname, a.Email, a.Team, a.Extension} {
			x.keys = append(appendSearchFold(x.keys, f), fieldSep)
		}
		for _, t := range a.Teams {
			x.keys = append(appendSearchFold(x.keys, t.TeamName), fieldSep)
		}
		x.ends[i] = int32(len(x.keys))
		x.hidden[i] = a.IsDisabled || a.IsAPIAgent
	}
	return x
}

// Len is the number of agents indexed.
func (x *AgentIndex) Len() int { return len(x.ends) }

// Filter appends to dst[:0] the indexes, in list order, of the agents whose
// name, email, team or extension contain every word of query (case and
// accents ignored; an empty query matches all). Disabled and API-only
// agents are included only when showDisabled is set. Passing the previous
// result as dst makes a keystroke allocation-free for queries up to 256
// bytes.
func (x *AgentIndex) Filter(query string, showDisabled bool, dst []int) []int {
	dst = dst[:0]
	var qbuf [256]byte
	q := appendSearchFold(qbuf[:0], query)
	start := int32(0)
	for i, end := range x.ends {
		key := x.keys[start:end]
		start = end
		if x.hidden[i] && !showDisabled {
			continue
		}
		if containsAllWords(key, q) {
			dst = append(dst, i)
		}
	}
	return dst
}

// containsAllWords reports whether key contains each space-separated word
// of q.
func containsAllWords(key, q []byte) bool {
	for len(q) > 0 {
		w := q
		if sp := bytes.IndexByte(q, ' '); sp >= 0 {
			w, q = q[:sp], q[sp+1:]
		} else {
			q = nil
		}
		if len(w) > 0 && !bytes.Contains(key, w) {
			return false
		}
	}
	return true
}
