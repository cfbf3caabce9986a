package storage

import (
	"context"
	"fmt"
	"testing"
	"time"
)

func addRuns(t *testing.T, db *DB, profileID int64, n int, start time.Time) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := db.AddRun(context.Background(), Run{ProfileID: profileID, Kind: RunCheck, OK: true,
			StartedAt: start.Add(time.Duration(i) * time.Minute), Summary: fmt.Sprint(i)}); err != nil {
			t.Fatal(err)
		}
	}
}

// Opening the database keeps the newest runs per profile (200 by default,
// a setting); an audit log under that many events per profile stays whole.
func TestHistoryIsPrunedOnOpenPerProfile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	big, small := mustProfile(t, db, "Big"), mustProfile(t, db, "Small")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	addRuns(t, db, big.ID, DefaultKeepRuns+5, start)
	addRuns(t, db, small.ID, 3, start)
	audit := count(t, db, "SELECT count(*) FROM audit_log")
	db.Close()

	db, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n := count(t, db, "SELECT count(*) FROM runs WHERE profile_id = ?", big.ID); n != DefaultKeepRuns {
		t.Fatalf("Big keeps %d runs, want %d", n, DefaultKeepRuns)
	}
	// The newest are kept: the five oldest (summaries 0–4) are gone.
	if n := count(t, db, "SELECT count(*) FROM runs WHERE profile_id = ? AND CAST(summary AS INTEGER) < 5", big.ID); n != 0 {
		t.Fatalf("%d of the oldest runs survived", n)
	}
	if n := count(t, db, "SELECT count(*) FROM runs WHERE profile_id = ?", small.ID); n != 3 {
		t.Fatalf("Small keeps %d runs, want 3", n)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log"); n != audit {
		t.Fatalf("the audit log changed from %d to %d rows", audit, n)
	}

	if err := db.SetKeepRuns(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if n, err := db.PruneRuns(ctx); err != nil || n != DefaultKeepRuns-2+1 {
		t.Fatalf("PruneRuns = %d, %v", n, err)
	}
	if err := db.SetKeepRuns(ctx, 0); err != nil {
		t.Fatal(err)
	}
	addRuns(t, db, small.ID, 10, start.Add(time.Hour))
	if n, err := db.PruneRuns(ctx); err != nil || n != 0 {
		t.Fatalf("keep 0 (all) pruned %d, %v", n, err)
	}
	for _, bad := range []int{-1, MaxKeepRuns + 1} {
		if err := db.SetKeepRuns(ctx, bad); err == nil {
			t.Errorf("SetKeepRuns(%d) accepted", bad)
		}
	}
}
