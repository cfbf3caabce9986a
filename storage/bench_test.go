package storage

import (
	"fmt"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// Target: a 10,000-agent pull is stored well under 300 ms.
func BenchmarkReplaceSnapshot10k(b *testing.B) {
	db := openTest(b)
	p := mustProfile(b, db, "Acme")
	snap := makeSnapshot(10000)
	// Start from a full snapshot so each op also deletes 10k rows, as a
	// real re-pull does.
	must(b, db.ReplaceSnapshot(ctxBG, p.ID, snap, time.Now()))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := db.ReplaceSnapshot(ctxBG, p.ID, snap, time.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

func makeUsers(n int, nameSuffix string) []mapping.User {
	users := make([]mapping.User, n)
	for i := range users {
		users[i] = mapping.User{
			Extension: fmt.Sprint(10000 + i),
			Name:      fmt.Sprintf("User %d%s", i, nameSuffix),
			Email:     fmt.Sprintf("user%d@acme.example", i),
		}
	}
	return users
}

func BenchmarkUpsertUsers10k(b *testing.B) {
	b.Run("add", func(b *testing.B) {
		db := openTest(b)
		users := makeUsers(10000, "")
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			p := mustProfile(b, db, fmt.Sprintf("P%d", i))
			b.StartTimer()
			added, _, err := db.UpsertUsers(ctxBG, p.ID, users)
			if err != nil || added != len(users) {
				b.Fatalf("added %d, %v", added, err)
			}
		}
	})
	b.Run("update", func(b *testing.B) {
		db := openTest(b)
		p := mustProfile(b, db, "Acme")
		sets := [2][]mapping.User{makeUsers(10000, " A"), makeUsers(10000, " B")}
		_, _, err := db.UpsertUsers(ctxBG, p.ID, sets[1])
		must(b, err)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_, updated, err := db.UpsertUsers(ctxBG, p.ID, sets[i%2])
			if err != nil || updated != 10000 {
				b.Fatalf("updated %d, %v", updated, err)
			}
		}
	})
}

func BenchmarkSetMappings10k(b *testing.B) {
	db := openTest(b)
	p := mustProfile(b, db, "Acme")
	_, _, err := db.UpsertUsers(ctxBG, p.ID, makeUsers(10000, ""))
	must(b, err)
	users, err := db.Users(ctxBG, p.ID)
	must(b, err)
	mappings := func(shift, changed int) []mapping.Mapping {
		var ms []mapping.Mapping
		for i, u := range users {
			agent := i + 1
			if i < changed {
				agent = (i+shift)%changed + 1
			}
			ms = append(ms, mapping.Mapping{UserID: u.ID, AgentID: agent, AgentName: fmt.Sprintf("Agent %d", agent), MatchedBy: "email"})
		}
		return ms
	}
	for _, bc := range []struct {
		name    string
		changed int
	}{
		{"all-changed", len(users)}, // e.g. a full import that reassigns every agent
		{"10-changed", 10},          // e.g. applying an auto-match to a mapped profile
	} {
		b.Run(bc.name, func(b *testing.B) {
			sets := [2][]mapping.Mapping{mappings(0, bc.changed), mappings(1, bc.changed)}
			must(b, db.SetMappings(ctxBG, p.ID, sets[1]))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := db.SetMappings(ctxBG, p.ID, sets[i%2]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
