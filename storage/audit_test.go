package storage

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestAuditLogIsAppendOnly(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	must(t, db.AppendAudit(ctxBG, AuditEvent{ProfileID: p.ID, Action: "test.event", Detail: "original"}))
	n := count(t, db, "SELECT count(*) FROM audit_log")

	for _, stmt := range []string{
		"UPDATE audit_log SET detail = 'tampered'",
		"DELETE FROM audit_log",
		"DELETE FROM audit_log WHERE action = 'test.event'",
	} {
		_, err := db.db.Exec(stmt)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want append-only error", stmt, err)
		}
	}
	if count(t, db, "SELECT count(*) FROM audit_log") != n ||
		count(t, db, "SELECT count(*) FROM audit_log WHERE detail = 'tampered'") != 0 {
		t.Error("audit rows changed")
	}
}

func TestAuditFilter(t *testing.T) {
	db := openTest(t)
	a := mustProfile(t, db, "Ärzte Nord")
	b := mustProfile(t, db, "Bakery")
	base := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 5; i++ {
		must(t, db.AppendAudit(ctxBG, AuditEvent{At: base.Add(time.Duration(i) * time.Minute), ProfileID: a.ID,
			Actor: "alice", Action: "test.a", Detail: fmt.Sprintf("event %d", i)}))
	}
	must(t, db.AppendAudit(ctxBG, AuditEvent{ProfileID: b.ID, Action: "test.b", Detail: "Mapped EXTENSION 201"}))
	must(t, db.AppendAudit(ctxBG, AuditEvent{Action: "app.started"}))

	all, err := db.AuditLog(ctxBG, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2+5+2 || all[0].Action != "app.started" || all[0].ProfileID != 0 {
		t.Fatalf("all = %+v", all)
	}
	for i := 1; i < len(all); i++ {
		if all[i].ID >= all[i-1].ID {
			t.Fatalf("not newest first: %d after %d", all[i].ID, all[i-1].ID)
		}
	}

	onlyA, _ := db.AuditLog(ctxBG, AuditFilter{ProfileID: a.ID})
	if len(onlyA) != 6 { // created + 5
		t.Errorf("profile filter: %d events", len(onlyA))
	}
	for _, ev := range onlyA {
		if ev.ProfileID != a.ID || ev.ProfileName != "Ärzte Nord" {
			t.Errorf("wrong event %+v", ev)
		}
	}
	ev := onlyA[0]
	if ev.Actor != "alice" || ev.Detail != "event 4" || !ev.At.Equal(base.Add(4*time.Minute)) {
		t.Errorf("newest = %+v", ev)
	}

	for text, want := range map[string]int{
		"ÄRZTE":         6, // profile name, non-ASCII case folding
		"extension 201": 1, // detail, case-insensitive
		"TEST.B":        1, // action
		"event 3":       1,
		"no such thing": 0,
		"%":             0, // not a LIKE pattern
	} {
		evs, err := db.AuditLog(ctxBG, AuditFilter{Text: text})
		if err != nil || len(evs) != want {
			t.Errorf("Text %q: %d events, %v; want %d", text, len(evs), err, want)
		}
	}
	evs, _ := db.AuditLog(ctxBG, AuditFilter{ProfileID: a.ID, Text: "event", Limit: 2})
	if len(evs) != 2 || evs[0].Detail != "event 4" || evs[1].Detail != "event 3" {
		t.Errorf("limit 2 = %+v", evs)
	}
}

func TestAppendAuditDefaults(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	wantErrIs(t, db.AppendAudit(ctxBG, AuditEvent{Action: " "}), ErrInvalid)

	db.SetActor("cli-user")
	before := time.Now().UTC()
	must(t, db.AppendAudit(ctxBG, AuditEvent{ProfileID: p.ID, Action: "check.run"}))
	ev := lastAudit(t, db, p.ID)
	if ev.Actor != "cli-user" || ev.ProfileName != "Acme" || ev.At.Before(before) {
		t.Errorf("defaults = %+v", ev)
	}
	// An event about a profile that no longer exists is still recorded.
	must(t, db.AppendAudit(ctxBG, AuditEvent{ProfileID: 4242, Action: "secret.deleted"}))
	if ev := lastAudit(t, db, 4242); ev.Action != "secret.deleted" {
		t.Errorf("orphan event = %+v", ev)
	}
	if CurrentActor() == "" {
		t.Error("CurrentActor is empty")
	}
}
