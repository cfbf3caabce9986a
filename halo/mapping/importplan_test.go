package mapping

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// mp is a mapping of user to agent in test tables.
func mp(user int64, agent int) Mapping { return Mapping{UserID: user, AgentID: agent} }

func describeMappings(ms []Mapping) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = fmt.Sprintf("%d→%d", m.UserID, m.AgentID)
	}
	return strings.Join(parts, " ")
}

func TestPlanMappingImport(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		name       string
		current    []Mapping
		rows       []Mapping
		set        string
		unmap      []int64
		counts     [4]int // added, changed, same, unmapped
		edits      int
		resultSame string // Reassign(current, rows)
	}{
		{"empty", nil, nil, "", nil, [4]int{}, 0, ""},
		{"new mappings", nil, []Mapping{mp(1, 10), mp(2, 20)}, "1→10 2→20", nil, [4]int{2, 0, 0, 0}, 2, "1→10 2→20"},
		{"a row as stored changes nothing", []Mapping{mp(1, 10)}, []Mapping{mp(1, 10)}, "", nil, [4]int{0, 0, 1, 0}, 0, "1→10"},
		{"another agent", []Mapping{mp(1, 10)}, []Mapping{mp(1, 11)}, "1→11", nil, [4]int{0, 1, 0, 0}, 1, "1→11"},
		{"the file wins: the agent leaves its previous user", []Mapping{mp(1, 10), mp(2, 20)}, []Mapping{mp(3, 10)},
			"3→10", []int64{1}, [4]int{1, 0, 0, 1}, 2, "2→20 3→10"},
		{"a user whose agent goes and who gets a new one is changed, not new", []Mapping{mp(1, 10), mp(2, 20)},
			[]Mapping{mp(2, 10), mp(1, 30)}, "1→30 2→10", nil, [4]int{0, 2, 0, 0}, 3, "1→30 2→10"},
		{"a later row wins over an earlier one", nil, []Mapping{mp(1, 10), mp(2, 10)},
			"2→10", []int64{1}, [4]int{1, 0, 0, 0}, 3, "2→10"},
		{"swapping two agents", []Mapping{mp(1, 10), mp(2, 20)}, []Mapping{mp(1, 20), mp(2, 10)},
			"2→10 1→20", nil, [4]int{0, 2, 0, 0}, 3, "1→20 2→10"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := PlanMappingImport(c.current, c.rows, at)
			if got := describeMappings(p.Set); got != c.set {
				t.Errorf("set %q, want %q", got, c.set)
			}
			if !slices.Equal(p.Unmap, c.unmap) {
				t.Errorf("unmap %v, want %v", p.Unmap, c.unmap)
			}
			if got := [4]int{p.Added, p.Changed, p.Same, p.Unmapped}; got != c.counts {
				t.Errorf("added, changed, same, unmapped = %v, want %v", got, c.counts)
			}
			if len(p.Edits) != c.edits {
				t.Errorf("%d edits %+v, want %d", len(p.Edits), p.Edits, c.edits)
			}
			for _, m := range p.Set {
				if !m.MappedAt.Equal(at) {
					t.Errorf("%d→%d mapped at %v, want %v", m.UserID, m.AgentID, m.MappedAt, at)
				}
			}
			if got := describeMappings(Reassign(c.current, c.rows)); got != c.resultSame {
				t.Errorf("Reassign = %q, want %q", got, c.resultSame)
			}
		})
	}
}

// Undo walks the edits back: the before of each user's first edit is its
// mapping before the import.
func TestPlanMappingImportEditsUndo(t *testing.T) {
	current := []Mapping{mp(1, 10), mp(2, 20)}
	p := PlanMappingImport(current, []Mapping{mp(2, 10), mp(1, 30)}, time.Time{})
	first := map[int64]*Mapping{}
	for _, s := range p.Edits {
		if _, seen := first[s.UserID]; !seen {
			first[s.UserID] = s.Before
		}
	}
	for _, m := range current {
		if b := first[m.UserID]; b == nil || b.AgentID != m.AgentID {
			t.Errorf("user %d: first edit's before %+v, want agent %d", m.UserID, b, m.AgentID)
		}
	}
}

// Reassign keeps a change's method and time even when the agent is the same.
func TestReassignReplacesSameAgent(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	got := Reassign([]Mapping{{UserID: 1, AgentID: 10, MatchedBy: MethodManual, MappedAt: old}},
		[]Mapping{{UserID: 1, AgentID: 10, MatchedBy: MethodImported}})
	if len(got) != 1 || got[0].MatchedBy != MethodImported || !got[0].MappedAt.IsZero() {
		t.Fatalf("got %+v", got)
	}
}
