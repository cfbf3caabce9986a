package mapping

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
)

// sug is the comparable part of a Suggestion in test tables.
type sug struct {
	user      int64
	agent     int
	method    Method
	confident bool
	cands     []int
	note      string // substring
}

func checkSuggestions(t *testing.T, got []Suggestion, want []sug) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d suggestions %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		wc := w.cands
		if wc == nil && w.agent != 0 {
			wc = []int{w.agent}
		}
		if g.UserID != w.user || g.AgentID != w.agent || g.Method != w.method || g.Confident != w.confident ||
			!slices.Equal(g.Candidates, wc) || !strings.Contains(g.Note, w.note) {
			t.Errorf("suggestion %d = %+v, want %+v", i, g, w)
		}
		if g.Confident && g.Note != "" {
			t.Errorf("suggestion %d is confident with a note %q", i, g.Note)
		}
	}
}

func TestSuggestRules(t *testing.T) {
	tests := []struct {
		name     string
		users    []User
		agents   []halo.Agent
		existing []Mapping
		want     []sug
	}{
		{
			name:   "email, case-insensitive",
			users:  []User{{ID: 1, Extension: "101", Name: "Someone", Email: " JOHN.Smith@Example.com"}},
			agents: []halo.Agent{{ID: 10, Name: "John Smith", Email: "john.smith@example.com"}},
			want:   []sug{{user: 1, agent: 10, method: MethodEmail, confident: true}},
		},
		{
			name:   "extension against extensionnumber",
			users:  []User{{ID: 1, Extension: "101", Name: "Jo Bloggs"}},
			agents: []halo.Agent{{ID: 10, Name: "Jo", Extension: "x101"}, {ID: 11, Name: "Al", Extension: "102"}},
			want:   []sug{{user: 1, agent: 10, method: MethodExtension, confident: true}},
		},
		{
			// Halo's extension fields go stale after staff turnover.
			name:   "an extension match whose names plainly disagree is a suggestion",
			users:  []User{{ID: 1, Extension: "1000", Name: "Ana Smith"}},
			agents: []halo.Agent{{ID: 10, Name: "Zeynep García", Extension: "1000"}},
			want:   []sug{{user: 1, agent: 10, method: MethodExtension, note: "extension matches, names differ"}},
		},
		{
			name: "an extension match with a shared first name or surname, or a name missing, stays confident",
			users: []User{
				{ID: 1, Extension: "101", Name: "Bob Smith"},
				{ID: 2, Extension: "102", Name: "Dubois, Marie"},
				{ID: 3, Extension: "103", Name: "Zoe Muller"},
				{ID: 4, Extension: "104"},
				{ID: 5, Extension: "105", Name: "Front desk"},
			},
			agents: []halo.Agent{
				{ID: 10, Name: "Robert Smith", Extension: "101"},
				{ID: 11, Name: "Marie Laurent", Extension: "102"},
				{ID: 12, Name: "Zoë Müller-Weiß", Extension: "103"},
				{ID: 13, Name: "Anyone", Extension: "104"},
				{ID: 14, Extension: "105"},
			},
			want: []sug{
				{user: 1, agent: 10, method: MethodExtension, confident: true},
				{user: 2, agent: 11, method: MethodExtension, confident: true},
				{user: 3, agent: 12, method: MethodExtension, confident: true},
				{user: 4, agent: 13, method: MethodExtension, confident: true},
				{user: 5, agent: 14, method: MethodExtension, confident: true},
			},
		},
		{
			name: "normalised name, both agent name forms",
			users: []User{
				{ID: 1, Extension: "201", Name: "Núñez, José"},
				{ID: 2, Extension: "202", Name: "Robert  SMITH"},
			},
			agents: []halo.Agent{
				{ID: 10, Name: "Jose Nunez (Sales)"},
				{ID: 11, Name: "Bob Smith", FirstName: "Robert", Surname: "Smith"},
			},
			want: []sug{
				{user: 1, agent: 10, method: MethodName, confident: true},
				{user: 2, agent: 11, method: MethodName, confident: true},
			},
		},
		{
			name:   "fuzzy name is only suggested",
			users:  []User{{ID: 1, Extension: "300", Name: "Jon Smyth"}},
			agents: []halo.Agent{{ID: 10, Name: "John Smith"}, {ID: 11, Name: "Jane Smith"}},
			want:   []sug{{user: 1, agent: 10, method: MethodFuzzy, note: "similar name"}},
		},
		{
			name:   "no fuzzy match between different first names",
			users:  []User{{ID: 1, Extension: "300", Name: "Mark Jones"}},
			agents: []halo.Agent{{ID: 10, Name: "Mike Jones"}, {ID: 11, Name: "Jane Smith"}},
			want:   nil,
		},
		{
			name:   "email local part on another domain",
			users:  []User{{ID: 1, Extension: "300", Email: "john.smith@phones.example"}},
			agents: []halo.Agent{{ID: 10, Name: "J. Smith", Email: "John.Smith@msp.example"}},
			want:   []sug{{user: 1, agent: 10, method: MethodFuzzy, note: "email address"}},
		},
		{
			name:  "disabled and API-only agents are never suggested",
			users: []User{{ID: 1, Extension: "101", Name: "John Smith", Email: "john@example.com"}},
			agents: []halo.Agent{
				{ID: 10, Name: "John Smith", Email: "john@example.com", Extension: "101", IsDisabled: true},
				{ID: 11, Name: "John Smith", Email: "john@example.com", Extension: "101", IsAPIAgent: true},
				{ID: 12, Name: "Jon Smith", IsAPIAgent: true},
			},
			want: nil,
		},
		{
			name: "existing mappings skip their users and agents",
			users: []User{
				{ID: 1, Email: "a@example.com"},
				{ID: 2, Email: "b@example.com", Name: "Bea Bee"},
			},
			agents: []halo.Agent{
				{ID: 10, Email: "a@example.com"},
				{ID: 11, Email: "b@example.com", Name: "Bea Bee"},
			},
			existing: []Mapping{{UserID: 1, AgentID: 99}, {UserID: 77, AgentID: 11}},
			want:     nil,
		},
		{
			name:  "two agents with the same email",
			users: []User{{ID: 1, Email: "shared@example.com"}},
			agents: []halo.Agent{
				{ID: 12, Email: "Shared@example.com"},
				{ID: 10, Email: "shared@example.com"},
			},
			want: []sug{{user: 1, agent: 0, method: MethodEmail, cands: []int{10, 12}, note: "2 Halo agents have this email"}},
		},
		{
			name:  "an ambiguous email is settled by the extension",
			users: []User{{ID: 1, Extension: "102", Email: "shared@example.com"}},
			agents: []halo.Agent{
				{ID: 10, Email: "shared@example.com", Extension: "101"},
				{ID: 11, Email: "shared@example.com", Extension: "102"},
			},
			want: []sug{{user: 1, agent: 11, method: MethodExtension, confident: true}},
		},
		{
			name: "two users with the same name",
			users: []User{
				{ID: 1, Extension: "101", Name: "Chris Lee"},
				{ID: 2, Extension: "102", Name: "Lee, Chris"},
			},
			agents: []halo.Agent{{ID: 10, Name: "Chris Lee"}},
			want: []sug{
				{user: 1, agent: 10, method: MethodName, note: "another 1stream user has the same name"},
				{user: 2, agent: 10, method: MethodName, note: "another 1stream user has the same name"},
			},
		},
		{
			name: "one agent reached through both of its names by two users",
			users: []User{
				{ID: 1, Extension: "101", Name: "Bob Smith"},
				{ID: 2, Extension: "102", Name: "Robert Smith"},
			},
			agents: []halo.Agent{{ID: 10, Name: "Bob Smith", FirstName: "Robert", Surname: "Smith"}},
			want: []sug{
				{user: 1, agent: 10, method: MethodName, note: "another"},
				{user: 2, agent: 10, method: MethodName, note: "another"},
			},
		},
		{
			name:  "email beats a conflicting extension",
			users: []User{{ID: 1, Extension: "101", Email: "a@example.com"}, {ID: 2, Extension: "102", Name: "Zed"}},
			agents: []halo.Agent{
				{ID: 10, Email: "a@example.com", Extension: "555"},
				{ID: 11, Email: "b@example.com", Extension: "101"},
				{ID: 12, Extension: "102"},
			},
			want: []sug{
				{user: 1, agent: 10, method: MethodEmail, confident: true},
				{user: 2, agent: 12, method: MethodExtension, confident: true},
			},
		},
		{
			name: "a weaker rule contradicted by a stronger one stays a suggestion",
			users: []User{
				{ID: 1, Email: "a@example.com"},
				{ID: 2, Extension: "101", Name: "Pat Kim"},
			},
			agents: []halo.Agent{
				{ID: 10, Email: "a@example.com", Extension: "101"},
				{ID: 11, Name: "Pat Kim"},
			},
			want: []sug{
				{user: 1, agent: 10, method: MethodEmail, confident: true},
				{user: 2, agent: 11, method: MethodName, note: "the extension matches a different Halo agent"},
			},
		},
		{
			name: "the agent's stronger key points to another user",
			users: []User{
				{ID: 1, Email: "x@example.com"},
				{ID: 2, Name: "Pat Kim", Extension: "900"},
			},
			agents: []halo.Agent{
				{ID: 10, Email: "x@example.com", Name: "Pat Kim"},
				{ID: 11, Email: "x@example.com"},
			},
			want: []sug{
				{user: 1, agent: 0, method: MethodEmail, cands: []int{10, 11}, note: "2 Halo agents"},
				{user: 2, agent: 10, method: MethodName, note: "the agent's email matches a different 1stream user"},
			},
		},
		{
			name: "fuzzy never proposes one agent twice",
			users: []User{
				{ID: 1, Extension: "1", Name: "Jonn Smith"},
				{ID: 2, Extension: "2", Name: "Jon Smith"},
			},
			agents: []halo.Agent{{ID: 10, Name: "John Smith"}},
			want: []sug{
				{user: 1, agent: 0, method: MethodFuzzy, cands: []int{10}, note: "suit other users"},
				{user: 2, agent: 10, method: MethodFuzzy, note: "similar name"},
			},
		},
		{
			name: "users without keys get nothing",
			users: []User{
				{ID: 1},
				{ID: 2, Name: "   "},
			},
			agents: []halo.Agent{{ID: 10}, {ID: 11, Name: " "}},
			want:   nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkSuggestions(t, Suggest(tt.users, tt.agents, tt.existing), tt.want)
		})
	}
}

func TestSuggestFuzzyScores(t *testing.T) {
	tests := []struct {
		user, agent string
		match       bool
	}{
		{"Jon Smith", "John Smith", true},
		{"Catherine Jones", "Katherine Jones", true},
		{"Steven Clark", "Stephen Clark", true},
		{"John A Smith", "John Smith", true},
		{"Smith John", "John Smith", true},
		{"J Smith", "John Smith", true},
		{"Mary Smith-Jones", "Mary Smith", true},
		{"John Smith", "Jane Smith", false},
		{"Mark Jones", "Mike Jones", false},
		{"John Smith", "John Taylor", false},
		{"John", "John Smith", false},
	}
	for _, tt := range tests {
		tab := newTokenTable()
		s := nameSimilarity(tab, tab.tokens(NormalizeName(tt.user)), tab.tokens(NormalizeName(tt.agent)))
		if (s >= fuzzyThreshold) != tt.match || s > 1 {
			t.Errorf("similarity(%q, %q) = %.3f, want match=%v", tt.user, tt.agent, s, tt.match)
		}
		got := Suggest([]User{{ID: 1, Extension: "1", Name: tt.user}}, []halo.Agent{{ID: 10, Name: tt.agent}}, nil)
		if (len(got) == 1) != tt.match {
			t.Errorf("Suggest(%q, %q) = %+v, want match=%v", tt.user, tt.agent, got, tt.match)
		}
		if len(got) == 1 && (got[0].Confident || got[0].Method != MethodFuzzy || got[0].Score < fuzzyThreshold || got[0].Score > 1) {
			t.Errorf("Suggest(%q, %q) = %+v, want a fuzzy suggestion", tt.user, tt.agent, got[0])
		}
	}
}

func TestJaroWinkler(t *testing.T) {
	tests := []struct {
		a, b string
		want float64
	}{
		{"martha", "marhta", 0.961},
		{"dixon", "dicksonx", 0.813},
		{"jellyfish", "smellyfish", 0.896},
		{"abc", "abc", 1},
		{"abc", "xyz", 0},
		{"", "", 1},
		{"a", "", 0},
	}
	for _, tt := range tests {
		got := jaroWinkler([]rune(tt.a), []rune(tt.b))
		if got < tt.want-0.001 || got > tt.want+0.001 {
			t.Errorf("jaroWinkler(%q, %q) = %.4f, want %.3f", tt.a, tt.b, got, tt.want)
		}
	}
	long := []rune(strings.Repeat("ab", 100))
	if got := jaroWinkler(long, long); got != 1 {
		t.Errorf("long strings: %v", got)
	}
}

func TestConfident(t *testing.T) {
	in := []Suggestion{
		{UserID: 1, AgentID: 10, Method: MethodEmail, Confident: true},
		{UserID: 2, AgentID: 11, Method: MethodFuzzy, Confident: true}, // fuzzy is never applied
		{UserID: 3, AgentID: 12, Method: MethodName, Confident: false},
		{UserID: 4, AgentID: 0, Method: MethodEmail, Confident: true},
		{UserID: 5, AgentID: 13, Method: MethodExtension, Confident: true},
		{UserID: 6, AgentID: 13, Method: MethodName, Confident: true}, // same agent as user 5
		{UserID: 7, AgentID: 14, Method: MethodName, Confident: true},
		{UserID: 7, AgentID: 15, Method: MethodEmail, Confident: true}, // same user twice
		{UserID: 8, AgentID: 16, Method: MethodManual, Confident: true},
		{UserID: 9, AgentID: 17, Method: MethodName, Confident: true},
	}
	got := Confident(in)
	var ids []int64
	for _, s := range got {
		ids = append(ids, s.UserID)
	}
	if !slices.Equal(ids, []int64{1, 9}) {
		t.Errorf("Confident kept users %v, want [1 9]", ids)
	}
	if Confident(nil) != nil {
		t.Error("Confident(nil) != nil")
	}
}

// TestSuggestInvariants checks, on random data full of collisions, the
// promises the GUI relies on.
func TestSuggestInvariants(t *testing.T) {
	for seed := range uint64(30) {
		rng := rand.New(rand.NewPCG(seed, 7))
		users, agents := genPeople(rng, 40+rng.IntN(200), 3)
		var existing []Mapping
		for i := range users {
			if rng.IntN(10) == 0 {
				existing = append(existing, Mapping{UserID: users[i].ID, AgentID: agents[rng.IntN(len(agents))].ID})
			}
		}
		got := Suggest(users, agents, existing)
		checkSuggestInvariants(t, fmt.Sprint("seed ", seed), users, agents, existing, got)
		if again := Suggest(users, agents, existing); fmt.Sprint(again) != fmt.Sprint(got) {
			t.Fatalf("seed %d: Suggest is not deterministic", seed)
		}
	}
}

func checkSuggestInvariants(t *testing.T, label string, users []User, agents []halo.Agent, existing []Mapping, got []Suggestion) {
	t.Helper()
	mappedUser := map[int64]bool{}
	takenAgent := map[int]bool{}
	for _, m := range existing {
		mappedUser[m.UserID], takenAgent[m.AgentID] = true, true
	}
	bad := map[int]bool{}
	for _, a := range agents {
		if a.IsDisabled || a.IsAPIAgent {
			bad[a.ID] = true
		}
	}
	order := map[int64]int{}
	for i, u := range users {
		order[u.ID] = i
	}
	confAgents := map[int]int64{}
	seenUser := map[int64]bool{}
	last := -1
	nConf := 0
	for _, s := range got {
		if mappedUser[s.UserID] || seenUser[s.UserID] {
			t.Fatalf("%s: user %d already mapped or suggested twice", label, s.UserID)
		}
		seenUser[s.UserID] = true
		if order[s.UserID] <= last {
			t.Fatalf("%s: suggestions out of user order", label)
		}
		last = order[s.UserID]
		if len(s.Candidates) == 0 || s.AgentID != 0 && !slices.Contains(s.Candidates, s.AgentID) {
			t.Fatalf("%s: candidates %v do not hold agent %d", label, s.Candidates, s.AgentID)
		}
		for _, id := range s.Candidates {
			if bad[id] || takenAgent[id] {
				t.Fatalf("%s: agent %d is disabled, API-only or taken but suggested", label, id)
			}
		}
		if s.Confident {
			nConf++
			if s.Method == MethodFuzzy || s.AgentID == 0 || len(s.Candidates) != 1 {
				t.Fatalf("%s: bad confident suggestion %+v", label, s)
			}
			if other, dup := confAgents[s.AgentID]; dup {
				t.Fatalf("%s: agent %d confidently suggested for users %d and %d", label, s.AgentID, other, s.UserID)
			}
			confAgents[s.AgentID] = s.UserID
		} else if s.Note == "" {
			t.Fatalf("%s: suggestion without confidence or note %+v", label, s)
		}
		if s.Method == MethodFuzzy && (s.Score < fuzzyThreshold || s.Score > 1) {
			t.Fatalf("%s: fuzzy score %v", label, s.Score)
		}
	}
	if c := Confident(got); len(c) != nConf {
		t.Fatalf("%s: Confident kept %d of %d", label, len(c), nConf)
	}
}

func TestSuggestLargeSharedKeys(t *testing.T) {
	// Many agents and users sharing one mailbox and one extension must stay
	// cheap and ambiguous, not quadratic or confident.
	const n = 3000
	users := make([]User, n)
	agents := make([]halo.Agent, n)
	for i := range n {
		users[i] = User{ID: int64(i + 1), Extension: "100", Email: "support@example.com", Name: "Support Desk"}
		agents[i] = halo.Agent{ID: i + 1, Email: "support@example.com", Extension: "100", Name: "Support Desk"}
	}
	got := Suggest(users, agents, nil)
	if len(got) != n {
		t.Fatalf("got %d suggestions, want %d", len(got), n)
	}
	for _, s := range got {
		if s.Confident || s.AgentID != 0 || len(s.Candidates) != maxExactCandidates || !strings.Contains(s.Note, "3000 Halo agents") {
			t.Fatalf("suggestion %+v", s)
		}
	}
}
