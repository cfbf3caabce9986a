package mapping

import (
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestAcceptConfident(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	agents := []halo.Agent{
		{ID: 10, Name: "Ann", Email: "ann@x"},
		{ID: 11, FirstName: " Bob ", Surname: "Lee"}, // no name: named from first name and surname
		{ID: 12, Name: "Off", IsDisabled: true},
		{ID: 13, Name: "Api", IsAPIAgent: true},
		{ID: 14, Name: "Taken"},
	}
	conf := func(user int64, agent int, m Method) Suggestion {
		return Suggestion{UserID: user, AgentID: agent, Method: m, Confident: true}
	}
	existing := []Mapping{{UserID: 9, AgentID: 14}, {UserID: 8, AgentID: 99}}
	cases := []struct {
		name string
		sugg []Suggestion
		want []Mapping
	}{
		{"none", nil, nil},
		{"email match, named as on screen", []Suggestion{conf(1, 10, MethodEmail)},
			[]Mapping{{UserID: 1, AgentID: 10, AgentName: "Ann", AgentEmail: "ann@x", MatchedBy: MethodEmail, MappedAt: at}}},
		{"agent without a name", []Suggestion{conf(2, 11, MethodExtension)},
			[]Mapping{{UserID: 2, AgentID: 11, AgentName: "Bob Lee", MatchedBy: MethodExtension, MappedAt: at}}},
		{"disabled, API-only, taken and unknown agents are skipped", []Suggestion{
			conf(1, 12, MethodEmail), conf(2, 13, MethodEmail), conf(3, 14, MethodEmail), conf(4, 77, MethodEmail)}, nil},
		{"an already mapped user is skipped", []Suggestion{conf(8, 10, MethodName)}, nil},
		{"fuzzy and unconfident suggestions are not accepted", []Suggestion{
			conf(1, 10, MethodFuzzy), {UserID: 2, AgentID: 11, Method: MethodEmail}}, nil},
		{"order of the suggestions is kept", []Suggestion{conf(2, 11, MethodName), conf(1, 10, MethodEmail)},
			[]Mapping{{UserID: 2, AgentID: 11, AgentName: "Bob Lee", MatchedBy: MethodName, MappedAt: at},
				{UserID: 1, AgentID: 10, AgentName: "Ann", AgentEmail: "ann@x", MatchedBy: MethodEmail, MappedAt: at}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, used := AcceptConfident(c.sugg, agents, existing, at)
			if len(got) != len(c.want) || len(used) != len(got) {
				t.Fatalf("got %+v (used %d), want %+v", got, len(used), c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("mapping %d = %+v, want %+v", i, got[i], c.want[i])
				}
				if used[i].UserID != got[i].UserID || used[i].AgentID != got[i].AgentID {
					t.Errorf("used %d = %+v for mapping %+v", i, used[i], got[i])
				}
			}
		})
	}
}

func TestPreviewUsers(t *testing.T) {
	p, err := ParseUsersText("Extension,Name,Email\n101,Ann,ann@example.com\n102,Bob,\n")
	if err != nil {
		t.Fatal(err)
	}
	got := p.Users(7)
	if len(got) != 2 || got[0] != (User{ProfileID: 7, Extension: "101", Name: "Ann", Email: "ann@example.com"}) ||
		got[1] != (User{ProfileID: 7, Extension: "102", Name: "Bob"}) {
		t.Fatalf("Users(7) = %+v", got)
	}
}
