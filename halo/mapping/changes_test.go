package mapping

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestChanges(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	agents := []halo.Agent{
		{ID: 1, Name: "José O'Brien", Email: "jose@msp.example"},
		{ID: 2, Name: "Ann Lee", Email: "ann@msp.example"},
		{ID: 3, Name: "Bob Ray", Email: "bob@msp.example", IsDisabled: true},
		{ID: 5, Name: "Eve Moss", Email: "eve@msp.example"},
	}
	users := []User{
		{ID: 10, Extension: "307", Name: "José O'Brien", Email: "jose@msp.example"},
		{ID: 11, Extension: "201", Name: "Ann Lee", Email: "ann@msp.example"},
		{ID: 12, Extension: "202", Name: "Bob Ray", Email: "bob@msp.example"},
		{ID: 13, Extension: "203", Name: "Cat Fox", Email: "cat@msp.example"},
		{ID: 14, Extension: "", Name: "Eve Moss", Email: "eve@msp.example"},
	}
	m := func(user int64, agent int) Mapping {
		a := agents[0]
		for _, x := range agents {
			if x.ID == agent {
				a = x
			}
		}
		return Mapping{UserID: user, AgentID: agent, AgentName: a.Name, AgentEmail: a.Email, MatchedBy: MethodEmail, MappedAt: at}
	}
	row := func(ext, name, email string, agent int, agentName string) Row {
		r := Row{Extension: ext, UserName: name, UserEmail: email, AgentID: agent, AgentName: agentName, MatchedBy: MethodEmail, MappedAt: at}
		for _, a := range agents {
			if a.ID == agent {
				r.AgentEmail = a.Email
			}
		}
		return r
	}
	tests := []struct {
		name     string
		baseline []Row
		users    []User
		mappings []Mapping
		want     []string // kind|why|do
	}{
		{
			name:     "before the first export every mapping is a change",
			users:    users,
			mappings: []Mapping{m(10, 1), m(11, 2), m(14, 5)},
			want: []string{
				"added|newly mapped|set Ext. 307 José O'Brien → José O'Brien (Halo)",
				"added|newly mapped|set Ext. 201 Ann Lee → Ann Lee (Halo)",
				"added|newly mapped|set Eve Moss → Eve Moss (Halo)",
			},
		},
		{
			name:     "nothing changed",
			baseline: []Row{row("307", "José O'Brien", "jose@msp.example", 1, "José O'Brien")},
			users:    users,
			mappings: []Mapping{m(10, 1)},
		},
		{
			name:     "how and when a row was matched do not count",
			baseline: []Row{{Extension: "307", UserName: "José O'Brien", UserEmail: "JOSE@msp.example", AgentID: 1, AgentName: "José O'Brien", AgentEmail: "jose@msp.example", MatchedBy: MethodManual}},
			users:    users,
			mappings: []Mapping{m(10, 1)},
		},
		{
			name:     "agent changed",
			baseline: []Row{row("201", "Ann Lee", "ann@msp.example", 1, "José O'Brien")},
			users:    users,
			mappings: []Mapping{m(11, 2)},
			want:     []string{"changed|agent was José O'Brien|set Ext. 201 Ann Lee → Ann Lee (Halo)"},
		},
		{
			name:     "user renamed",
			baseline: []Row{row("201", "Ann Smith", "ann@msp.example", 2, "Ann Lee")},
			users:    users,
			mappings: []Mapping{m(11, 2)},
			want:     []string{`changed|user renamed from "Ann Smith"|set Ext. 201 Ann Lee → Ann Lee (Halo)`},
		},
		{
			name:     "agent disabled in Halo",
			baseline: []Row{row("202", "Bob Ray", "bob@msp.example", 3, "Bob Ray")},
			users:    users,
			mappings: []Mapping{m(12, 3)},
			want:     []string{"removed|agent disabled in Halo|clear Ext. 202 Bob Ray"},
		},
		{
			name:     "agent removed from Halo",
			baseline: []Row{row("203", "Cat Fox", "cat@msp.example", 9, "Cat Fox")},
			users:    users,
			mappings: []Mapping{{UserID: 13, AgentID: 9, AgentName: "Cat Fox"}},
			want:     []string{"removed|agent no longer in Halo|clear Ext. 203 Cat Fox"},
		},
		{
			name:     "mapping removed",
			baseline: []Row{row("201", "Ann Lee", "ann@msp.example", 2, "Ann Lee")},
			users:    users,
			want:     []string{"removed|mapping removed|clear Ext. 201 Ann Lee"},
		},
		{
			name:     "user removed",
			baseline: []Row{row("999", "Gone Person", "gone@msp.example", 2, "Ann Lee")},
			users:    users,
			want:     []string{"removed|user removed from 1stream|clear Ext. 999 Gone Person"},
		},
		{
			name:     "extensions compare by ExtensionKey",
			baseline: []Row{row("x307", "José O'Brien", "jose@msp.example", 1, "José O'Brien")},
			users:    users,
			mappings: []Mapping{m(10, 1)},
			want:     []string{"changed|user details changed|set Ext. 307 José O'Brien → José O'Brien (Halo)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, c := range Changes(tt.baseline, tt.users, tt.mappings, agents) {
				got = append(got, string(c.Kind)+"|"+c.Why+"|"+c.Do)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestChangesRemovedRowKeepsOldAgent(t *testing.T) {
	old := Row{Extension: "202", UserName: "Bob", AgentID: 3, AgentName: "Bob Ray", AgentEmail: "bob@msp.example"}
	cs := Changes([]Row{old}, nil, nil, nil)
	if len(cs) != 1 || cs[0].Row != old {
		t.Fatalf("changes = %+v, want the old row", cs)
	}
}

func TestWriteChangesCSV(t *testing.T) {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	cs := []Change{
		{Kind: ChangeAdded, Row: Row{Extension: "307", UserName: "=cmd", UserEmail: "j@x", AgentID: 1, AgentName: "José", MatchedBy: MethodEmail, MappedAt: at}},
		{Kind: ChangeRemoved, Row: Row{Extension: "202", UserName: "Bob, Jr", AgentID: 3, AgentName: "Bob Ray"}},
	}
	var buf bytes.Buffer
	if err := WriteChangesCSV(&buf, cs, true); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFChange,Extension,1stream User,1stream Email,Halo Agent ID,Halo Agent,Halo Agent Email,Matched By,Mapped At\r\n" +
		"added,307,'=cmd,j@x,1,José,,email,2026-11-30T09:00:00Z\r\n" +
		"removed,202,\"Bob, Jr\",,3,Bob Ray,,,\r\n"
	if buf.String() != want {
		t.Errorf("got %q\nwant %q", buf.String(), want)
	}
}

func TestCountStatus(t *testing.T) {
	agents := []halo.Agent{{ID: 1}, {ID: 2, IsDisabled: true}}
	users := []User{{ID: 1}, {ID: 2}, {ID: 3}, {ID: 4}}
	ms := []Mapping{{UserID: 1, AgentID: 1}, {UserID: 2, AgentID: 2}, {UserID: 3, AgentID: 7}}
	got := CountStatus(users, ms, agents)
	if want := (Counts{Users: 4, Mapped: 1, Stale: 2, Unmapped: 1}); got != want {
		t.Errorf("CountStatus = %+v, want %+v", got, want)
	}
}

// genChangesData is 10,000 users, all mapped, and a baseline in which a
// tenth of the rows differ from today.
func genChangesData() ([]Row, []User, []Mapping, []halo.Agent) {
	users, agents := genPeople(rand.New(rand.NewPCG(11, 11)), 10_000, 1)
	ms := make([]Mapping, len(users))
	for i := range users {
		users[i].ID = int64(i + 1)
		ms[i] = Mapping{UserID: users[i].ID, AgentID: agents[i].ID, AgentName: agents[i].Name, AgentEmail: agents[i].Email, MatchedBy: MethodEmail}
	}
	base := CurrentRows(users, ms, agents)
	for i := 0; i < len(base); i += 10 {
		base[i].AgentID = -1
	}
	for i := 5; i < len(agents); i += 50 {
		agents[i].IsDisabled = true
	}
	return base, users, ms, agents
}

// BenchmarkChanges10k is the budget of the Mapping screen's changes view:
// under 50 ms for 10,000 users.
func BenchmarkChanges10k(b *testing.B) {
	base, users, ms, agents := genChangesData()
	b.ResetTimer()
	for b.Loop() {
		if len(Changes(base, users, ms, agents)) == 0 {
			b.Fatal("no changes")
		}
	}
}
