package storage

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func TestSetAndMoveMapping(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	u1 := mustUser(t, db, p.ID, "201", "Alice", "")
	u2 := mustUser(t, db, p.ID, "202", "Bob", "")

	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u1.ID, AgentID: 5, AgentName: "Alice Agent",
		AgentEmail: "alice@halo", MatchedBy: "email"}))
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionMappingSet || ev.Detail != "extension 201 → agent Alice Agent (id 5) (matched by email)" {
		t.Errorf("set audit = %+v", ev)
	}

	err := db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u2.ID, AgentID: 5, AgentName: "Alice Agent"})
	wantErrIs(t, err, ErrAgentTaken)
	if !strings.Contains(err.Error(), "extension 201") {
		t.Errorf("taken message = %q", err)
	}

	// Replacing a user's agent.
	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u1.ID, AgentID: 6, AgentName: "Other Agent"}))
	ms, _ := db.Mappings(ctxBG, p.ID)
	if len(ms) != 1 || ms[0].UserID != u1.ID || ms[0].AgentID != 6 || ms[0].MappedAt.IsZero() {
		t.Fatalf("after replace = %+v", ms)
	}

	// Moving agent 6 to Bob unmaps Alice.
	must(t, db.MoveMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u2.ID, AgentID: 6, AgentName: "Other Agent", MatchedBy: "manual"}))
	ms, _ = db.Mappings(ctxBG, p.ID)
	if len(ms) != 1 || ms[0].UserID != u2.ID || ms[0].AgentID != 6 || ms[0].MatchedBy != "manual" {
		t.Fatalf("after move = %+v", ms)
	}
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionMappingMoved ||
		!strings.Contains(ev.Detail, "agent Other Agent (id 6) moved from extension 201 to extension 202") {
		t.Errorf("move audit = %+v", ev)
	}
	// MoveMapping of a free agent is a plain set.
	must(t, db.MoveMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u1.ID, AgentID: 7}))
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionMappingSet {
		t.Errorf("move of free agent audit = %+v", ev)
	}

	must(t, db.DeleteMapping(ctxBG, p.ID, u2.ID))
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionMappingRemoved || ev.Detail != "extension 202 no longer mapped to agent Other Agent (id 6)" {
		t.Errorf("remove audit = %+v", ev)
	}
	wantErrIs(t, db.DeleteMapping(ctxBG, p.ID, u2.ID), ErrNotFound)

	// Users of another profile cannot be mapped here; the same agent ID is
	// free in another profile.
	other := mustProfile(t, db, "Other")
	ou := mustUser(t, db, other.ID, "201", "Alice", "")
	wantErrIs(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: ou.ID, AgentID: 8}), ErrNotFound)
	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: other.ID, UserID: ou.ID, AgentID: 7}))

	wantErrIs(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u1.ID, AgentID: 0}), ErrInvalid)
	wantErrIs(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, AgentID: 3}), ErrInvalid)
}

func TestMappingConstraintsInSchema(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	other := mustProfile(t, db, "Other")
	u1 := mustUser(t, db, p.ID, "201", "A", "")
	u2 := mustUser(t, db, p.ID, "202", "B", "")
	ou := mustUser(t, db, other.ID, "201", "C", "")
	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u1.ID, AgentID: 5}))
	ins := `INSERT INTO mappings (profile_id, user_id, agent_id, mapped_at) VALUES (?, ?, ?, '')`
	for name, args := range map[string][]any{
		"agent twice":              {p.ID, u2.ID, 5},
		"user twice":               {p.ID, u1.ID, 6},
		"user of another profile":  {p.ID, ou.ID, 9},
		"user that does not exist": {p.ID, 12345, 9},
	} {
		if _, err := db.db.Exec(ins, args...); err == nil {
			t.Errorf("%s: insert succeeded", name)
		}
	}
}

func TestSetMappings(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	u1 := mustUser(t, db, p.ID, "201", "A", "")
	u2 := mustUser(t, db, p.ID, "202", "B", "")
	u3 := mustUser(t, db, p.ID, "203", "C", "")
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u1.ID, AgentID: 5, MatchedBy: "manual", MappedAt: old}))
	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u2.ID, AgentID: 6, MappedAt: old}))

	// Agent 6 moves from u2 to u3 and u2 gets 8 in the same batch: fine as a
	// whole, even though it would clash pairwise.
	must(t, db.SetMappings(ctxBG, p.ID, []mapping.Mapping{
		{UserID: u1.ID, AgentID: 5, AgentName: "Five"},
		{UserID: u3.ID, AgentID: 6, AgentName: "Six", MatchedBy: "auto"},
		{UserID: u2.ID, AgentID: 8, AgentName: "Eight", MatchedBy: "auto"},
	}))
	ms, _ := db.Mappings(ctxBG, p.ID)
	if len(ms) != 3 || ms[0].UserID != u1.ID || ms[1].UserID != u2.ID || ms[2].UserID != u3.ID {
		t.Fatalf("mappings = %+v", ms)
	}
	if !ms[0].MappedAt.Equal(old) || ms[0].MatchedBy != "manual" || ms[0].AgentName != "Five" {
		t.Errorf("unchanged mapping lost its history: %+v", ms[0])
	}
	if ms[1].AgentID != 8 || ms[2].AgentID != 6 || ms[2].MappedAt.Equal(old) {
		t.Errorf("changed mappings = %+v", ms[1:])
	}
	ev := lastAudit(t, db, p.ID)
	if ev.Action != ActionMappingBulk || !strings.HasPrefix(ev.Detail, "3 mappings: 1 added, 1 changed, 0 removed, 1 unchanged") ||
		!strings.Contains(ev.Detail, "extension 203 → agent Six (id 6)") {
		t.Errorf("bulk audit = %+v", ev)
	}

	// Failures leave everything as it was.
	for name, tc := range map[string]struct {
		ms   []mapping.Mapping
		want error
	}{
		"agent twice":      {[]mapping.Mapping{{UserID: u1.ID, AgentID: 1}, {UserID: u2.ID, AgentID: 1}}, ErrAgentTaken},
		"user twice":       {[]mapping.Mapping{{UserID: u1.ID, AgentID: 1}, {UserID: u1.ID, AgentID: 2}}, ErrInvalid},
		"unknown user":     {[]mapping.Mapping{{UserID: 999, AgentID: 1}}, ErrNotFound},
		"other profile":    {[]mapping.Mapping{{ProfileID: p.ID + 1, UserID: u1.ID, AgentID: 1}}, ErrInvalid},
		"missing agent id": {[]mapping.Mapping{{UserID: u1.ID}}, ErrInvalid},
	} {
		err := db.SetMappings(ctxBG, p.ID, tc.ms)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		wantErrIs(t, err, tc.want)
	}
	after, _ := db.Mappings(ctxBG, p.ID)
	if len(after) != 3 || after[1].AgentID != 8 {
		t.Errorf("failed SetMappings changed state: %+v", after)
	}

	// Two users swap agents.
	must(t, db.SetMappings(ctxBG, p.ID, []mapping.Mapping{
		{UserID: u1.ID, AgentID: 8}, {UserID: u2.ID, AgentID: 5}, {UserID: u3.ID, AgentID: 6}}))
	ms, _ = db.Mappings(ctxBG, p.ID)
	if ms[0].AgentID != 8 || ms[1].AgentID != 5 || ms[2].AgentID != 6 || !strings.Contains(lastAudit(t, db, p.ID).Detail, "2 changed") {
		t.Errorf("after swap = %+v", ms)
	}
	must(t, db.SetMappings(ctxBG, p.ID, []mapping.Mapping{
		{UserID: u1.ID, AgentID: 5}, {UserID: u2.ID, AgentID: 8, AgentName: "Eight"}, {UserID: u3.ID, AgentID: 6}}))

	// Users left out are unmapped.
	must(t, db.SetMappings(ctxBG, p.ID, []mapping.Mapping{{UserID: u1.ID, AgentID: 5}}))
	ms, _ = db.Mappings(ctxBG, p.ID)
	if len(ms) != 1 {
		t.Errorf("after shrinking = %+v", ms)
	}
	if ev := lastAudit(t, db, p.ID); !strings.Contains(ev.Detail, "2 removed") ||
		!strings.Contains(ev.Detail, "extension 202 no longer mapped to agent Eight (id 8)") {
		t.Errorf("shrink audit = %+v", ev)
	}
	must(t, db.SetMappings(ctxBG, p.ID, nil))
	if ms, _ := db.Mappings(ctxBG, p.ID); len(ms) != 0 {
		t.Errorf("after clearing = %+v", ms)
	}
	wantErrIs(t, db.SetMappings(ctxBG, 999, nil), ErrNotFound)
}

func TestSetMappingsAuditDetailIsBounded(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	users := make([]mapping.User, 50)
	for i := range users {
		users[i] = mapping.User{Extension: string(rune('A'+i%26)) + strings.Repeat("x", i/26)}
	}
	_, _, err := db.UpsertUsers(ctxBG, p.ID, users)
	must(t, err)
	stored, _ := db.Users(ctxBG, p.ID)
	var ms []mapping.Mapping
	for i, u := range stored {
		ms = append(ms, mapping.Mapping{UserID: u.ID, AgentID: i + 1})
	}
	must(t, db.SetMappings(ctxBG, p.ID, ms))
	ev := lastAudit(t, db, p.ID)
	if strings.Count(ev.Detail, "→") != bulkDetailMax || !strings.HasSuffix(ev.Detail, "; and 30 more") {
		t.Errorf("detail = %q", ev.Detail)
	}
}

func TestApplyMappingsKeepsOthersChanges(t *testing.T) {
	db := openTest(t)
	p, _ := db.CreateProfile(ctxBG, Profile{Name: "Apply"})
	var ids []int64
	for _, ext := range []string{"101", "102", "103"} {
		u, err := db.AddUser(ctxBG, mapping.User{ProfileID: p.ID, Extension: ext, Name: "U" + ext})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if err := db.SetMappings(ctxBG, p.ID, []mapping.Mapping{{UserID: ids[0], AgentID: 1}, {UserID: ids[1], AgentID: 2}}); err != nil {
		t.Fatal(err)
	}
	// Someone else maps 103 meanwhile; our change must not undo theirs.
	if err := db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: ids[2], AgentID: 3}); err != nil {
		t.Fatal(err)
	}
	// Move agent 1 to user 102 and unmap 101's old... user 101 loses agent 1.
	if err := db.ApplyMappings(ctxBG, p.ID, []mapping.Mapping{{UserID: ids[1], AgentID: 1}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	ms, _ := db.Mappings(ctxBG, p.ID)
	got := map[int64]int{}
	for _, m := range ms {
		got[m.UserID] = m.AgentID
	}
	if len(got) != 2 || got[ids[1]] != 1 || got[ids[2]] != 3 {
		t.Fatalf("after apply: %v", got)
	}
	if err := db.ApplyMappings(ctxBG, p.ID, nil, []int64{ids[2]}, nil); err != nil {
		t.Fatal(err)
	}
	ms, _ = db.Mappings(ctxBG, p.ID)
	if len(ms) != 1 || ms[0].UserID != ids[1] {
		t.Fatalf("after unmap: %+v", ms)
	}
}

func TestApplyMappingsRefusesAConflict(t *testing.T) {
	db := openTest(t)
	p, _ := db.CreateProfile(ctxBG, Profile{Name: "Conflict"})
	a, _ := db.AddUser(ctxBG, mapping.User{ProfileID: p.ID, Extension: "201", Name: "A"})
	b, _ := db.AddUser(ctxBG, mapping.User{ProfileID: p.ID, Extension: "202", Name: "B"})
	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: a.ID, AgentID: 7}))
	// The step was computed when A had agent 7 and B nothing: fine.
	must(t, db.ApplyMappings(ctxBG, p.ID, []mapping.Mapping{{UserID: b.ID, AgentID: 8}}, nil, map[int64]int{a.ID: 7, b.ID: 0}))
	// Now someone elsewhere changes A; a step expecting A→7 must not write.
	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: a.ID, AgentID: 9}))
	err := db.ApplyMappings(ctxBG, p.ID, nil, []int64{a.ID}, map[int64]int{a.ID: 7})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	// Taking an agent from a user outside the step is a conflict too.
	err = db.ApplyMappings(ctxBG, p.ID, []mapping.Mapping{{UserID: b.ID, AgentID: 9}}, nil, map[int64]int{b.ID: 8})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("err = %v, want ErrConflict", err)
	}
	ms, _ := db.Mappings(ctxBG, p.ID)
	if len(ms) != 2 {
		t.Fatalf("a refused step changed something: %+v", ms)
	}
}
