package mapping

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestAgentIndexFilter(t *testing.T) {
	agents := []halo.Agent{
		{ID: 1, Name: "José Núñez", Email: "jose.nunez@msp.example", Team: "Service Desk", Extension: "101"},
		{ID: 2, Name: "Jo Bloggs", Email: "jo@msp.example", Team: "Projects", Extension: "x202",
			Teams: []halo.TeamMembership{{TeamID: 5, TeamName: "Field Engineers"}}},
		{ID: 3, Name: "Old Timer", Email: "old@msp.example", Team: "Service Desk", IsDisabled: true},
		{ID: 4, Name: "1stream API", Email: "api@msp.example", IsAPIAgent: true},
		{ID: 5, Name: "", FirstName: "Seán", Surname: "O'Brien", Email: "sean@msp.example", Team: "Sales"},
	}
	x := NewAgentIndex(agents)
	if x.Len() != len(agents) {
		t.Fatalf("Len = %d", x.Len())
	}
	tests := []struct {
		query string
		all   bool
		want  []int
	}{
		{"", false, []int{0, 1, 4}},
		{"   ", false, []int{0, 1, 4}},
		{"", true, []int{0, 1, 2, 3, 4}},
		{"jo", false, []int{0, 1}},
		{"JOSE", false, []int{0}},
		{"núñez", false, []int{0}},
		{"nunez jose", false, []int{0}}, // every word, any order
		{"jose bloggs", false, nil},
		{"service", false, []int{0}},
		{"service", true, []int{0, 2}},
		{"engineers", false, []int{1}}, // team membership
		{"202", false, []int{1}},       // extension
		{"jo@", false, []int{1}},       // email
		{"@msp.example", false, []int{0, 1, 4}},
		{"obrien", false, []int{4}}, // first name + surname, apostrophe ignored
		{"o'brien", false, []int{4}},
		{"sean sales", false, []int{4}},
		{"api", true, []int{3}},
		{"api", false, nil},
		{"desk projects", false, nil}, // words must not match across agents
		{"nunez\x00101", false, []int{0}},
		{"zzz", true, nil},
	}
	var dst []int
	for _, tt := range tests {
		dst = x.Filter(tt.query, tt.all, dst)
		if !slices.Equal(dst, tt.want) && !(len(dst) == 0 && len(tt.want) == 0) {
			t.Errorf("Filter(%q, %v) = %v, want %v", tt.query, tt.all, dst, tt.want)
		}
	}
}

func TestAgentIndexFieldBoundaries(t *testing.T) {
	// "nez jo" must not match "Núñez" followed by the email "jose…" as if
	// they were one string.
	x := NewAgentIndex([]halo.Agent{{ID: 1, Name: "Ana Nunez", Email: "jose@msp.example"}})
	if got := x.Filter("nezjose", false, nil); len(got) != 0 {
		t.Errorf("matched across fields: %v", got)
	}
	if got := x.Filter("nez jose", false, nil); len(got) != 1 {
		t.Errorf("words in two fields: %v", got)
	}
}

func TestAgentIndexFilterNoAllocs(t *testing.T) {
	_, agents := genPeople(rand.New(rand.NewPCG(1, 2)), 2000, 1)
	x := NewAgentIndex(agents)
	dst := make([]int, 0, len(agents))
	for _, q := range []string{"", "j", "jo", "john sm", "JOSÉ", "@msp", strings.Repeat("abc ", 60)} {
		allocs := testing.AllocsPerRun(50, func() { dst = x.Filter(q, true, dst) })
		if allocs != 0 {
			t.Errorf("Filter(%q) allocates %v times per call", q, allocs)
		}
	}
}

func TestAgentIndexMatchesNaiveSearch(t *testing.T) {
	_, agents := genPeople(rand.New(rand.NewPCG(4, 2)), 500, 1)
	x := NewAgentIndex(agents)
	fold := func(s string) string { return string(appendSearchFold(nil, s)) }
	for _, q := range []string{"a", "jo", "smith", "garcia", "service desk", "1001", "zoe", "ødegaard", "msp 10"} {
		var want []int
		for i, a := range agents {
			if a.IsDisabled || a.IsAPIAgent {
				continue
			}
			fields := []string{fold(a.Name), fold(a.FirstName + " " + a.Surname), fold(a.Email), fold(a.Team), fold(a.Extension)}
			for _, tm := range a.Teams {
				fields = append(fields, fold(tm.TeamName))
			}
			ok := true
			for _, w := range strings.Fields(fold(q)) {
				if !slices.ContainsFunc(fields, func(f string) bool { return strings.Contains(f, w) }) {
					ok = false
				}
			}
			if ok {
				want = append(want, i)
			}
		}
		if got := x.Filter(q, false, nil); !slices.Equal(got, want) {
			t.Errorf("Filter(%q) = %d agents, naive search %d", q, len(got), len(want))
		}
	}
}
