package storage

import (
	"context"
	"fmt"
	"testing"
)

// The audit log is pruned with the history's retention: the newest
// KeepRuns events of each profile (and of no profile) stay when the
// database is opened, the oldest go; 0 keeps everything. Nothing else can
// delete from it.
func TestAuditLogIsPrunedWithTheHistory(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	a, b := mustProfile(t, db, "A"), mustProfile(t, db, "B")
	for i := range 10 {
		must(t, db.AppendAudit(ctx, AuditEvent{ProfileID: a.ID, Action: "test.event", Detail: fmt.Sprint("a", i)}))
		must(t, db.AppendAudit(ctx, AuditEvent{Action: "test.event", Detail: fmt.Sprint("none", i)}))
	}
	must(t, db.SetKeepRuns(ctx, 0))
	db.Close()

	reopen := func() {
		t.Helper()
		if db, err = Open(ctx, dir); err != nil {
			t.Fatal(err)
		}
	}
	reopen()
	if n := count(t, db, "SELECT count(*) FROM audit_log"); n != 2+20 {
		t.Fatalf("keeping all: %d audit events, want 22", n)
	}
	must(t, db.SetKeepRuns(ctx, 3))
	db.Close()

	reopen()
	defer func() { db.Close() }()
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE profile_id = ?", a.ID); n != 3 {
		t.Fatalf("A keeps %d events, want 3", n)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE profile_id = ? AND detail IN ('a7', 'a8', 'a9')", a.ID); n != 3 {
		t.Fatalf("A's newest events are not the ones kept")
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE profile_id IS NULL"); n != 3 {
		t.Fatalf("%d events of no profile, want 3", n)
	}
	if n := count(t, db, "SELECT count(*) FROM audit_log WHERE profile_id = ?", b.ID); n != 1 {
		t.Fatalf("B, under the limit, keeps %d events, want its 1", n)
	}
	if _, err := db.db.Exec("DELETE FROM audit_log"); err == nil {
		t.Fatal("the audit log is no longer append-only outside its pruning")
	}
}
