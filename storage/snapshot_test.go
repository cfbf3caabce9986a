package storage

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestSnapshotRoundTrip(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")

	snap, at, err := db.Snapshot(ctxBG, p.ID)
	if err != nil || !at.IsZero() || len(snap.Agents) != 0 || snap.Agents == nil {
		t.Fatalf("never pulled: %+v, %v, %v", snap, at, err)
	}

	want := makeSnapshot(10000)
	want.Agents[0].Teams = nil // memberships are optional
	want.Agents[1].Departments = nil
	pulled := time.Date(2026, 11, 27, 14, 15, 16, 123456789, time.FixedZone("CET", 3600))
	must(t, db.ReplaceSnapshot(ctxBG, p.ID, want, pulled))

	got, at, err := db.Snapshot(ctxBG, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !at.Equal(pulled) {
		t.Errorf("pulledAt = %v, want %v", at, pulled)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("snapshot differs: %d/%d agents; first %+v vs %+v", len(got.Agents), len(want.Agents), got.Agents[0], want.Agents[0])
	}

	// Order is the order given, not ID order.
	small := halo.Snapshot{Agents: []halo.Agent{{ID: 9, Name: "Nine"}, {ID: 3, Name: "Three"}}}
	must(t, db.ReplaceSnapshot(ctxBG, p.ID, small, pulled.Add(time.Hour)))
	got, _, _ = db.Snapshot(ctxBG, p.ID)
	if len(got.Agents) != 2 || got.Agents[0].ID != 9 || got.Agents[1].ID != 3 || len(got.Teams) != 0 || got.Teams == nil {
		t.Errorf("replaced = %+v", got)
	}

	_, _, err = db.Snapshot(ctxBG, 999)
	wantErrIs(t, err, ErrNotFound)
	wantErrIs(t, db.ReplaceSnapshot(ctxBG, 999, small, time.Now()), ErrNotFound)
}

func TestReplaceSnapshotIsAtomic(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	first := makeSnapshot(50)
	firstAt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	must(t, db.ReplaceSnapshot(ctxBG, p.ID, first, firstAt))

	bad := map[string]halo.Snapshot{}
	dupAgent := makeSnapshot(60)
	dupAgent.Agents[40].ID = dupAgent.Agents[10].ID
	bad["duplicate agent"] = dupAgent
	dupOrg := makeSnapshot(60) // fails after all agents and teams were written
	dupOrg.Organisations = append(dupOrg.Organisations, halo.Organisation{ID: 1, Name: "again"})
	bad["duplicate organisation"] = dupOrg

	for name, snap := range bad {
		t.Run(name, func(t *testing.T) {
			if err := db.ReplaceSnapshot(ctxBG, p.ID, snap, time.Now()); err == nil {
				t.Fatal("ReplaceSnapshot accepted a duplicate ID")
			}
			got, at, err := db.Snapshot(ctxBG, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !at.Equal(firstAt) || !reflect.DeepEqual(got, first) {
				t.Errorf("previous snapshot not intact: %d agents, pulled %v", len(got.Agents), at)
			}
		})
	}

	// A cancelled context also leaves the previous snapshot.
	ctx, cancel := context.WithCancel(ctxBG)
	cancel()
	if err := db.ReplaceSnapshot(ctx, p.ID, makeSnapshot(100), time.Now()); err == nil {
		t.Error("ReplaceSnapshot with a cancelled context succeeded")
	}
	if got, _, _ := db.Snapshot(ctxBG, p.ID); len(got.Agents) != 50 {
		t.Errorf("after cancelled replace: %d agents", len(got.Agents))
	}
}

func TestSnapshotsArePerProfile(t *testing.T) {
	db := openTest(t)
	a, b := mustProfile(t, db, "A"), mustProfile(t, db, "B")
	must(t, db.ReplaceSnapshot(ctxBG, a.ID, makeSnapshot(5), time.Now()))
	must(t, db.ReplaceSnapshot(ctxBG, b.ID, makeSnapshot(7), time.Now())) // same agent IDs in another profile
	must(t, db.ReplaceSnapshot(ctxBG, a.ID, halo.Snapshot{}, time.Now()))
	sa, _, _ := db.Snapshot(ctxBG, a.ID)
	sb, _, _ := db.Snapshot(ctxBG, b.ID)
	if len(sa.Agents) != 0 || len(sb.Agents) != 7 {
		t.Errorf("agents: a=%d b=%d", len(sa.Agents), len(sb.Agents))
	}
}

func TestRuns(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	other := mustProfile(t, db, "Other")
	base := time.Date(2026, 2, 3, 4, 5, 6, 0, time.UTC)
	add := func(r Run) int64 {
		t.Helper()
		id, err := db.AddRun(ctxBG, r)
		must(t, err)
		return id
	}
	c1 := add(Run{ProfileID: p.ID, Kind: RunCheck, StartedAt: base, Duration: 1500 * time.Millisecond, OK: false,
		Summary: "2 problems", Agents: 10, Teams: 2, Departments: 1, Organisations: 1, Report: []byte(`{"n":1}`)})
	s1 := add(Run{ProfileID: p.ID, Kind: RunSync, StartedAt: base.Add(time.Minute), OK: true, Report: []byte(`{"n":2}`)})
	// Fractional seconds must still sort by time (fixed-width timestamps).
	c2 := add(Run{ProfileID: p.ID, Kind: RunCheck, StartedAt: base.Add(2*time.Minute + 500*time.Millisecond), OK: true, Report: []byte(`{"n":3}`)})
	add(Run{ProfileID: p.ID, Kind: RunCheck, StartedAt: base.Add(-time.Hour), OK: true}) // older, added last
	add(Run{ProfileID: other.ID, Kind: RunCheck, StartedAt: base.Add(time.Hour), OK: true})

	runs, err := db.Runs(ctxBG, p.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 4 || runs[0].ID != c2 || runs[1].ID != s1 || runs[2].ID != c1 {
		t.Fatalf("Runs order = %+v", runs)
	}
	r := runs[2]
	if r.Kind != RunCheck || !r.StartedAt.Equal(base) || r.Duration != 1500*time.Millisecond || r.OK || r.Summary != "2 problems" ||
		r.Agents != 10 || r.Teams != 2 || r.Departments != 1 || r.Organisations != 1 || r.Report != nil {
		t.Errorf("run = %+v", r)
	}
	if runs, _ := db.Runs(ctxBG, p.ID, 2); len(runs) != 2 {
		t.Errorf("limit 2: %d", len(runs))
	}
	rep, err := db.RunReport(ctxBG, c1)
	if err != nil || string(rep) != `{"n":1}` {
		t.Errorf("RunReport = %s, %v", rep, err)
	}
	_, err = db.RunReport(ctxBG, 999)
	wantErrIs(t, err, ErrNotFound)

	latest, ok, err := db.LatestRun(ctxBG, p.ID, RunCheck)
	if err != nil || !ok || latest.ID != c2 || string(latest.Report) != `{"n":3}` {
		t.Errorf("LatestRun(check) = %+v, %v, %v", latest, ok, err)
	}
	latest, ok, _ = db.LatestRun(ctxBG, p.ID, RunSync)
	if !ok || latest.ID != s1 {
		t.Errorf("LatestRun(sync) = %+v", latest)
	}
	if _, ok, err := db.LatestRun(ctxBG, other.ID, RunSync); ok || err != nil {
		t.Errorf("LatestRun with none = %v, %v", ok, err)
	}

	_, err = db.AddRun(ctxBG, Run{ProfileID: p.ID, Kind: "pull"})
	wantErrIs(t, err, ErrInvalid)
	_, err = db.AddRun(ctxBG, Run{ProfileID: 999, Kind: RunCheck})
	wantErrIs(t, err, ErrNotFound)
}
