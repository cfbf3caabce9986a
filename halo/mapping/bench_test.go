package mapping

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

var firstNames = strings.Fields(`James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth
David Barbara Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Nancy Daniel Lisa
Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua
Michelle Kenneth Dorothy Kevin Carol Brian Amanda George Melissa Edward Deborah Ronald Stephanie Timothy
Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Shirley Eric Angela
Jonathan Helen Stephen Anna Larry Brenda Justin Pamela Scott Nicole Brandon Samantha Benjamin Katherine
José Zoë Renée François Søren Łukasz Björn Siobhán Noémie Chloé Jürgen Sinéad Ana Priya Wei Aiko`)

var lastNames = strings.Fields(`Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White
Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner
Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan
Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James
Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez
Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez
Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole
Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens
Müller García Núñez O'Brien Kowalski Smith-Jones Ødegaard Dvořák Çelik Šimić Nakamura Okafor`)

var teamNames = []string{"Service Desk", "Projects", "Sales", "Accounts", "Field Engineers", "NOC"}

// genPeople makes n Halo agents and n 1stream users that relate to them
// the way real data does: most share an email, some only an extension or
// a (differently written) name, a few have a typo, and some match nothing.
// narrow > 1 shrinks the name, email and extension pools to force
// collisions.
func genPeople(rng *rand.Rand, n, narrow int) ([]User, []halo.Agent) {
	fn := firstNames[:max(len(firstNames)/narrow, 2)]
	ln := lastNames[:max(len(lastNames)/narrow, 2)]
	pool := func(i int) int {
		if narrow <= 1 {
			return i
		}
		return rng.IntN(n/narrow + 1)
	}
	compact := func(s string) string { return strings.ReplaceAll(NormalizeName(s), " ", "") }
	agents := make([]halo.Agent, n)
	for i := range agents {
		f, l := fn[rng.IntN(len(fn))], ln[rng.IntN(len(ln))]
		a := halo.Agent{
			ID: i + 1, Name: f + " " + l, FirstName: f, Surname: l,
			Email: fmt.Sprintf("%s.%s%d@msp.example", compact(f), compact(l), pool(i)),
			Team:  teamNames[i%len(teamNames)],
			Teams: []halo.TeamMembership{{TeamID: i % 6, TeamName: teamNames[(i+1)%len(teamNames)]}},
		}
		if rng.IntN(10) < 7 {
			a.Extension = fmt.Sprint(1000 + pool(i))
		}
		switch r := rng.IntN(200); {
		case r < 4:
			a.IsDisabled = true
		case r < 5:
			a.IsAPIAgent = true
		}
		agents[i] = a
	}
	users := make([]User, n)
	for i, a := range agents {
		u := User{ID: int64(i + 1), Name: a.Name, Extension: fmt.Sprint(500000 + i)}
		switch c := rng.IntN(20); {
		case c < 12: // same email, written differently
			u.Email = a.Email
			if c%3 == 0 {
				u.Email = strings.ToUpper(u.Email)
			}
			if c%2 == 0 {
				u.Name = a.Surname + ", " + a.FirstName
			}
		case c < 15: // same extension
			if a.Extension != "" {
				u.Extension = a.Extension
			}
			u.Email = fmt.Sprintf("u%d@phones.example", i)
		case c < 18: // same name, other spelling
			u.Name = strings.ToUpper(a.Surname) + ",  " + NormalizeName(a.FirstName)
		case c < 19: // a typo in the surname
			r := []rune(a.Surname)
			if len(r) > 3 {
				j := 1 + rng.IntN(len(r)-2)
				r[j], r[j+1] = r[j+1], r[j]
			}
			u.Name = a.FirstName + " " + string(r)
		default: // nobody in Halo
			u.Name = fmt.Sprintf("Temp User %d", i)
			u.Email = fmt.Sprintf("temp%d@other.example", i)
		}
		users[i] = u
	}
	rng.Shuffle(len(users), func(i, j int) { users[i], users[j] = users[j], users[i] })
	return users, agents
}

func BenchmarkSuggest10k(b *testing.B) {
	users, agents := genPeople(rand.New(rand.NewPCG(1, 2)), 10_000, 1)
	b.ReportAllocs()
	var n, conf int
	for b.Loop() {
		s := Suggest(users, agents, nil)
		n, conf = len(s), len(Confident(s))
	}
	b.ReportMetric(float64(n), "suggestions")
	b.ReportMetric(float64(conf), "confident")
}

// BenchmarkSuggestScaling shows the growth with the input size.
func BenchmarkSuggestScaling(b *testing.B) {
	for _, n := range []int{2_500, 5_000, 10_000, 20_000} {
		users, agents := genPeople(rand.New(rand.NewPCG(1, 2)), n, 1)
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				Suggest(users, agents, nil)
			}
		})
	}
}

// BenchmarkSuggest10kFuzzyOnly is the worst case: no user matches exactly,
// so every one goes through fuzzy matching.
func BenchmarkSuggest10kFuzzyOnly(b *testing.B) {
	users, agents := genPeople(rand.New(rand.NewPCG(3, 4)), 10_000, 1)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range users {
		r := []rune(users[i].Name)
		if len(r) > 4 {
			j := 1 + rng.IntN(len(r)-3)
			r[j], r[j+1] = r[j+1], r[j]
		}
		users[i] = User{ID: users[i].ID, Name: string(r)}
	}
	b.ReportAllocs()
	for b.Loop() {
		Suggest(users, agents, nil)
	}
}

func usersCSV(n int) []byte {
	var buf bytes.Buffer
	buf.WriteString("\uFEFFExtension,Name,Email\r\n")
	for i := range n {
		f, l := firstNames[i%len(firstNames)], lastNames[(i/7)%len(lastNames)]
		fmt.Fprintf(&buf, "%d,\"%s, %s\",%s.%s%d@example.com\r\n", 1000+i, l, f, strings.ToLower(f[:1]), strings.ToLower(l[:1]), i)
	}
	return buf.Bytes()
}

func BenchmarkParseUsers10k(b *testing.B) {
	data := usersCSV(10_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := ParseUsers(bytes.NewReader(data))
		if err != nil || len(p.Accepted) != 10_000 {
			b.Fatalf("accepted %d, err %v", len(p.Accepted), err)
		}
	}
}

func exportData(n int) ([]User, []Mapping) {
	users := make([]User, n)
	mappings := make([]Mapping, n)
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	for i := range n {
		f, l := firstNames[i%len(firstNames)], lastNames[(i/7)%len(lastNames)]
		users[i] = User{ID: int64(i + 1), Extension: fmt.Sprint(1000 + i), Name: l + ", " + f, Email: fmt.Sprintf("u%d@example.com", i)}
		mappings[i] = Mapping{UserID: int64(i + 1), AgentID: 5000 + i, AgentName: f + " " + l, AgentEmail: fmt.Sprintf("a%d@msp.example", i),
			MatchedBy: MethodEmail, MappedAt: at.Add(time.Duration(i) * time.Second)}
	}
	return users, mappings
}

func BenchmarkWriteCSV10k(b *testing.B) {
	users, mappings := exportData(10_000)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteCSV(io.Discard, users, mappings, ExportOptions{BOM: true, IncludeUnmapped: true}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadMappingsCSV10k(b *testing.B) {
	users, mappings := exportData(10_000)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, users, mappings, ExportOptions{BOM: true}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		recs, _, err := ReadMappingsCSV(bytes.NewReader(buf.Bytes()))
		if err != nil || len(recs) != 10_000 {
			b.Fatalf("%d records, err %v", len(recs), err)
		}
	}
}

// BenchmarkAgentFilter10k types "jose nu" one keystroke per iteration, as
// the search box does, reusing the result slice.
func BenchmarkAgentFilter10k(b *testing.B) {
	_, agents := genPeople(rand.New(rand.NewPCG(1, 2)), 10_000, 1)
	x := NewAgentIndex(agents)
	const typed = "jose nu"
	queries := make([]string, len(typed))
	for i := range queries {
		queries[i] = typed[:i+1]
	}
	dst := make([]int, 0, len(agents))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		dst = x.Filter(queries[i%len(queries)], false, dst)
		i++
	}
}

func BenchmarkNewAgentIndex10k(b *testing.B) {
	_, agents := genPeople(rand.New(rand.NewPCG(1, 2)), 10_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		NewAgentIndex(agents)
	}
}

// BenchmarkParseUsersPathological runs the adversarial inputs of
// TestParseUsersPathological; each must stay well under a second.
func BenchmarkParseUsersPathological(b *testing.B) {
	for _, tc := range pathologicalInputs() {
		b.Run(strings.ReplaceAll(tc.name, " ", "_"), func(b *testing.B) {
			for b.Loop() {
				ParseUsersText(tc.in)
			}
		})
	}
}
