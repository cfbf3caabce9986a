package storage

import (
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func TestProfileCRUD(t *testing.T) {
	db := openTest(t)
	before := time.Now().UTC()
	p, err := db.CreateProfile(ctxBG, Profile{
		Name: "  Acme Support  ", HaloURL: " https://acme.halopsa.com ", ClientID: "cid", Tenant: "acme",
		AuthURL: "https://acme.halopsa.com/auth", Scope: "all", CAFile: "/etc/ca.pem",
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.ID == 0 || p.Name != "Acme Support" || p.HaloURL != "https://acme.halopsa.com" || p.CreatedAt.Before(before) {
		t.Errorf("created = %+v", p)
	}
	got, err := db.Profile(ctxBG, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got != p {
		t.Errorf("Profile = %+v\nwant      %+v", got, p)
	}
	byName, err := db.ProfileByName(ctxBG, " ACME support")
	if err != nil || byName.ID != p.ID {
		t.Errorf("ProfileByName = %+v, %v", byName, err)
	}
	_, err = db.ProfileByName(ctxBG, "nope")
	wantErrIs(t, err, ErrNotFound)

	if err := db.RenameProfile(ctxBG, p.ID, "Acme Helpdesk"); err != nil {
		t.Fatal(err)
	}
	upd := p
	upd.Name = "ignored by UpdateConnection"
	upd.HaloURL = "https://acme2.halopsa.com"
	upd.ClientID = "secret-looking-client-id"
	if err := db.UpdateConnection(ctxBG, upd); err != nil {
		t.Fatal(err)
	}
	got, _ = db.Profile(ctxBG, p.ID)
	if got.Name != "Acme Helpdesk" || got.HaloURL != "https://acme2.halopsa.com" || got.ClientID != "secret-looking-client-id" ||
		got.Tenant != "acme" || !got.UpdatedAt.After(p.UpdatedAt) || !got.CreatedAt.Equal(p.CreatedAt) {
		t.Errorf("after rename + update = %+v", got)
	}
	ev := lastAudit(t, db, p.ID)
	if ev.Action != ActionConnectionUpdated || !strings.Contains(ev.Detail, "Halo URL") || !strings.Contains(ev.Detail, "Client ID") ||
		strings.Contains(ev.Detail, "secret-looking") {
		t.Errorf("connection audit = %+v", ev)
	}
	// No change: nothing written.
	n := count(t, db, "SELECT count(*) FROM audit_log")
	if err := db.UpdateConnection(ctxBG, got); err != nil {
		t.Fatal(err)
	}
	if count(t, db, "SELECT count(*) FROM audit_log") != n {
		t.Error("an unchanged connection was audited")
	}

	for name, err := range map[string]error{
		"Profile":          func() error { _, err := db.Profile(ctxBG, 999); return err }(),
		"RenameProfile":    db.RenameProfile(ctxBG, 999, "x"),
		"UpdateConnection": db.UpdateConnection(ctxBG, Profile{ID: 999}),
		"DeleteProfile":    db.DeleteProfile(ctxBG, 999),
		"Duplicate":        func() error { _, err := db.DuplicateProfile(ctxBG, 999, "y"); return err }(),
	} {
		if !strings.Contains(errString(err), "not found") {
			t.Errorf("%s(999) = %v", name, err)
		}
		wantErrIs(t, err, ErrNotFound)
	}

	if err := db.DeleteProfile(ctxBG, p.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.Profile(ctxBG, p.ID)
	wantErrIs(t, err, ErrNotFound)
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestProfilesSortedCaseInsensitively(t *testing.T) {
	db := openTest(t)
	for _, n := range []string{"charlie", "Beta", "alpha", "Delta"} {
		mustProfile(t, db, n)
	}
	ps, err := db.Profiles(ctxBG)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range ps {
		names = append(names, p.Name)
	}
	if got := strings.Join(names, ","); got != "alpha,Beta,charlie,Delta" {
		t.Errorf("Profiles order = %s", got)
	}
}

func TestProfileNameValidation(t *testing.T) {
	db := openTest(t)
	for _, name := range []string{"", "   ", strings.Repeat("x", 101), "a\tb", "line\nbreak", "nul\x00", "bad\xff"} {
		_, err := db.CreateProfile(ctxBG, Profile{Name: name})
		wantErrIs(t, err, ErrInvalidName)
		if strings.HasPrefix(err.Error(), "invalid profile name") {
			t.Errorf("message %q should explain, not repeat the sentinel", err)
		}
	}
	// 100 characters is fine, counted in characters, not bytes.
	long := strings.Repeat("é", 100)
	if _, err := db.CreateProfile(ctxBG, Profile{Name: long}); err != nil {
		t.Errorf("100-character name: %v", err)
	}
	p := mustProfile(t, db, "ok")
	wantErrIs(t, db.RenameProfile(ctxBG, p.ID, " "), ErrInvalidName)
	_, err := db.DuplicateProfile(ctxBG, p.ID, "a\nb")
	wantErrIs(t, err, ErrInvalidName)
	if n := count(t, db, "SELECT count(*) FROM profiles"); n != 2 {
		t.Errorf("profiles = %d, want 2", n)
	}
}

func TestProfileNamesUniqueCaseInsensitively(t *testing.T) {
	db := openTest(t)
	a := mustProfile(t, db, "Ärzte")
	for _, dup := range []string{"ärzte", "ÄRZTE", "  ärzte "} {
		_, err := db.CreateProfile(ctxBG, Profile{Name: dup})
		wantErrIs(t, err, ErrDuplicateName)
		if err.Error() != `a profile named "Ärzte" already exists` {
			t.Errorf("message = %q", err)
		}
	}
	b := mustProfile(t, db, "Zahnärzte")
	wantErrIs(t, db.RenameProfile(ctxBG, b.ID, "ärzte"), ErrDuplicateName)
	_, err := db.DuplicateProfile(ctxBG, b.ID, "ÄRZTE")
	wantErrIs(t, err, ErrDuplicateName)
	// Changing only the case of one's own name is allowed.
	if err := db.RenameProfile(ctxBG, a.ID, "ÄRZTE"); err != nil {
		t.Fatalf("case-only rename: %v", err)
	}
	got, err := db.ProfileByName(ctxBG, "ärzte")
	if err != nil || got.ID != a.ID || got.Name != "ÄRZTE" {
		t.Errorf("ProfileByName = %+v, %v", got, err)
	}
	// The database enforces it too, not only the Go check.
	_, err = db.db.Exec(`INSERT INTO profiles (name, name_key, created_at, updated_at) VALUES ('x', 'ärzte', '', '')`)
	if err == nil || !strings.Contains(err.Error(), "UNIQUE") {
		t.Errorf("raw duplicate insert: %v", err)
	}
}

func TestDuplicateProfile(t *testing.T) {
	db := openTest(t)
	src, err := db.CreateProfile(ctxBG, Profile{Name: "Source", HaloURL: "https://s.halopsa.com", ClientID: "c", Tenant: "t",
		AuthURL: "https://auth", Scope: "all", CAFile: "/ca.pem"})
	if err != nil {
		t.Fatal(err)
	}
	must(t, db.SetChecklistStep(ctxBG, src.ID, "halo-9", true, "alice"))
	must(t, db.SetChecklistStep(ctxBG, src.ID, "halo-10", false, "bob"))
	must(t, db.ReplaceSnapshot(ctxBG, src.ID, makeSnapshot(3), time.Now()))
	u := mustUser(t, db, src.ID, "201", "Alice", "alice@x.com")
	must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: src.ID, UserID: u.ID, AgentID: 1}))

	cp, err := db.DuplicateProfile(ctxBG, src.ID, "Copy")
	if err != nil {
		t.Fatal(err)
	}
	if cp.ID == src.ID || cp.Name != "Copy" || cp.HaloURL != src.HaloURL || cp.ClientID != src.ClientID ||
		cp.Tenant != src.Tenant || cp.AuthURL != src.AuthURL || cp.Scope != src.Scope || cp.CAFile != src.CAFile {
		t.Errorf("copy = %+v\nsource %+v", cp, src)
	}
	srcList, _ := db.Checklist(ctxBG, src.ID)
	cpList, err := db.Checklist(ctxBG, cp.ID)
	if err != nil || len(cpList) != 2 || cpList["halo-9"] != srcList["halo-9"] || cpList["halo-10"] != srcList["halo-10"] {
		t.Errorf("copied checklist = %+v, %v; source %+v", cpList, err, srcList)
	}
	snap, at, _ := db.Snapshot(ctxBG, cp.ID)
	users, _ := db.Users(ctxBG, cp.ID)
	maps, _ := db.Mappings(ctxBG, cp.ID)
	if len(snap.Agents) != 0 || !at.IsZero() || len(users) != 0 || len(maps) != 0 {
		t.Errorf("copy has snapshot/users/mappings: %d agents, %d users, %d mappings", len(snap.Agents), len(users), len(maps))
	}
	ev := lastAudit(t, db, cp.ID)
	if ev.Action != ActionProfileDuplicated || !strings.Contains(ev.Detail, `"Source"`) {
		t.Errorf("audit = %+v", ev)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestDeleteProfileCascades(t *testing.T) {
	db := openTest(t)
	keep := mustProfile(t, db, "Keep")
	del := mustProfile(t, db, "Delete Me")
	for _, p := range []Profile{keep, del} {
		must(t, db.SetChecklistStep(ctxBG, p.ID, "halo-1", true, ""))
		must(t, db.ReplaceSnapshot(ctxBG, p.ID, makeSnapshot(5), time.Now()))
		_, err := db.AddRun(ctxBG, Run{ProfileID: p.ID, Kind: RunCheck, OK: true, Report: []byte(`{}`)})
		must(t, err)
		u := mustUser(t, db, p.ID, "201", "Alice", "")
		must(t, db.SetMapping(ctxBG, mapping.Mapping{ProfileID: p.ID, UserID: u.ID, AgentID: 2, AgentName: "Agent 2"}))
	}
	must(t, db.SetSelectedProfile(ctxBG, del.ID))
	auditBefore := count(t, db, "SELECT count(*) FROM audit_log WHERE profile_id = ?", del.ID)

	must(t, db.DeleteProfile(ctxBG, del.ID))

	for _, table := range []string{"checklist", "snapshots", "agents", "teams", "departments", "organisations", "runs", "users", "mappings"} {
		if n := count(t, db, "SELECT count(*) FROM "+table+" WHERE profile_id = ?", del.ID); n != 0 {
			t.Errorf("%s still has %d rows of the deleted profile", table, n)
		}
		if n := count(t, db, "SELECT count(*) FROM "+table+" WHERE profile_id = ?", keep.ID); n == 0 {
			t.Errorf("%s lost the other profile's rows", table)
		}
	}
	if _, ok, err := db.SelectedProfile(ctxBG); ok || err != nil {
		t.Errorf("SelectedProfile after deleting it = %v, %v", ok, err)
	}
	// Its audit events stay, but those naming its users and agents
	// (user.added Alice, mapping.set Agent 2) go with its history.
	evs, err := db.AuditLog(ctxBG, AuditFilter{ProfileID: del.ID})
	if err != nil || len(evs) != auditBefore-2+1 {
		t.Fatalf("audit rows after delete = %d, %v; want %d kept - 2 + 1", len(evs), err, auditBefore)
	}
	for _, ev := range evs {
		if strings.Contains(ev.Detail, "Alice") || strings.Contains(ev.Detail, "Agent 2") {
			t.Errorf("an audit event of the deleted profile names people: %+v", ev)
		}
	}
	if evs[0].Action != ActionProfileDeleted || evs[0].ProfileName != "Delete Me" {
		t.Errorf("delete audit = %+v", evs[0])
	}
	// A new profile never reuses the deleted ID (the keyring is keyed by it).
	p := mustProfile(t, db, "New")
	if p.ID <= del.ID {
		t.Errorf("new profile ID %d reuses an ID at or below deleted %d", p.ID, del.ID)
	}
}

func TestSelectedProfileAndSettings(t *testing.T) {
	db := openTest(t)
	if _, ok, err := db.SelectedProfile(ctxBG); ok || err != nil {
		t.Fatalf("initially = %v, %v", ok, err)
	}
	p := mustProfile(t, db, "Acme")
	must(t, db.SetSelectedProfile(ctxBG, p.ID))
	if id, ok, err := db.SelectedProfile(ctxBG); !ok || err != nil || id != p.ID {
		t.Errorf("SelectedProfile = %d, %v, %v", id, ok, err)
	}
	wantErrIs(t, db.SetSelectedProfile(ctxBG, 12345), ErrNotFound)

	if _, ok, _ := db.Setting(ctxBG, "theme"); ok {
		t.Error("unset setting reported as set")
	}
	must(t, db.SetSetting(ctxBG, "theme", "dark"))
	must(t, db.SetSetting(ctxBG, "theme", "light"))
	if v, ok, err := db.Setting(ctxBG, "theme"); v != "light" || !ok || err != nil {
		t.Errorf("Setting = %q, %v, %v", v, ok, err)
	}
	wantErrIs(t, db.SetSetting(ctxBG, "", "x"), ErrInvalid)
}

func TestChecklist(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	db.SetActor("default-actor")
	before := time.Now().UTC()
	must(t, db.SetChecklistStep(ctxBG, p.ID, "halo-9", true, "alice"))
	must(t, db.SetChecklistStep(ctxBG, p.ID, "1s-14", true, ""))
	must(t, db.SetChecklistStep(ctxBG, p.ID, "halo-9", false, "bob"))

	list, err := db.Checklist(ctxBG, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("Checklist = %+v", list)
	}
	h9, s14 := list["halo-9"], list["1s-14"]
	if h9.StepID != "halo-9" || h9.Done || h9.By != "bob" || h9.At.Before(before) {
		t.Errorf("halo-9 = %+v", h9)
	}
	if !s14.Done || s14.By != "default-actor" {
		t.Errorf("1s-14 = %+v", s14)
	}
	evs, _ := db.AuditLog(ctxBG, AuditFilter{ProfileID: p.ID, Limit: 3})
	if evs[0].Action != ActionChecklistUnchecked || evs[0].Actor != "bob" || evs[0].Detail != "step halo-9" ||
		evs[2].Action != ActionChecklistChecked || evs[2].Actor != "alice" {
		t.Errorf("checklist audit = %+v", evs)
	}

	must(t, db.ResetChecklist(ctxBG, p.ID))
	list, _ = db.Checklist(ctxBG, p.ID)
	if len(list) != 0 {
		t.Errorf("after reset = %+v", list)
	}
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionChecklistReset || ev.Detail != "cleared 2 steps" {
		t.Errorf("reset audit = %+v", ev)
	}

	wantErrIs(t, db.SetChecklistStep(ctxBG, p.ID, " ", true, ""), ErrInvalid)
	wantErrIs(t, db.SetChecklistStep(ctxBG, 999, "halo-1", true, ""), ErrNotFound)
	wantErrIs(t, db.ResetChecklist(ctxBG, 999), ErrNotFound)
	_, err = db.Checklist(ctxBG, 999)
	wantErrIs(t, err, ErrNotFound)
}

func TestProfileMutationsAreAudited(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "One")
	must(t, db.RenameProfile(ctxBG, p.ID, "Two"))
	must(t, db.UpdateConnection(ctxBG, Profile{ID: p.ID, HaloURL: "https://new.halopsa.com"}))
	cp, err := db.DuplicateProfile(ctxBG, p.ID, "Three")
	must(t, err)
	must(t, db.DeleteProfile(ctxBG, cp.ID))

	evs, err := db.AuditLog(ctxBG, AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i := len(evs) - 1; i >= 0; i-- {
		got = append(got, evs[i].Action+"@"+evs[i].ProfileName)
	}
	want := "profile.created@One,profile.renamed@Two,connection.updated@Two,profile.duplicated@Three,profile.deleted@Three"
	if strings.Join(got, ",") != want {
		t.Errorf("audit trail = %s\nwant          %s", strings.Join(got, ","), want)
	}
	if evs[len(evs)-2].Detail != `renamed from "One" to "Two"` {
		t.Errorf("rename detail missing: %+v", evs)
	}
	for _, ev := range evs {
		if ev.Actor != CurrentActor() || ev.At.IsZero() {
			t.Errorf("event %+v lacks actor or time", ev)
		}
	}
}

// A failed mutation leaves no audit row behind (same transaction).
func TestFailedMutationNotAudited(t *testing.T) {
	db := openTest(t)
	mustProfile(t, db, "A")
	b := mustProfile(t, db, "B")
	n := count(t, db, "SELECT count(*) FROM audit_log")
	wantErrIs(t, db.RenameProfile(ctxBG, b.ID, "a"), ErrDuplicateName)
	if count(t, db, "SELECT count(*) FROM audit_log") != n {
		t.Error("failed rename was audited")
	}
}
