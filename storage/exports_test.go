package storage

import (
	"reflect"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func TestExportsBaseline(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	other := mustProfile(t, db, "Other")

	if _, ok, err := db.LatestExport(ctxBG, p.ID); ok || err != nil {
		t.Fatalf("before any export: ok=%v err=%v", ok, err)
	}
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	rows := []mapping.Row{{Extension: "307", UserName: "José O'Brien", AgentID: 1, AgentName: "José", MatchedBy: mapping.MethodEmail, MappedAt: at}}
	if _, err := db.AddExport(ctxBG, Export{ProfileID: p.ID, At: at, Kind: ExportFull, File: "a.csv", Written: 1, SyncedAt: at.Add(-time.Hour), Rows: rows}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddExport(ctxBG, Export{ProfileID: other.ID, At: at.Add(time.Hour), Kind: ExportFull, File: "o.csv"}); err != nil {
		t.Fatal(err)
	}
	got, ok, err := db.LatestExport(ctxBG, p.ID)
	if err != nil || !ok {
		t.Fatalf("LatestExport: ok=%v err=%v", ok, err)
	}
	if got.File != "a.csv" || got.Kind != ExportFull || got.Written != 1 || !got.At.Equal(at) || !got.SyncedAt.Equal(at.Add(-time.Hour)) || !reflect.DeepEqual(got.Rows, rows) {
		t.Errorf("LatestExport = %+v", got)
	}

	// A changes export with no rows left is a baseline of nothing, not "never exported".
	if _, err := db.AddExport(ctxBG, Export{ProfileID: p.ID, At: at.Add(2 * time.Hour), Kind: ExportChanges, File: "c.csv", Written: 1}); err != nil {
		t.Fatal(err)
	}
	got, ok, _ = db.LatestExport(ctxBG, p.ID)
	if !ok || got.Kind != ExportChanges || got.Rows == nil || len(got.Rows) != 0 {
		t.Errorf("after the changes export: ok=%v %+v", ok, got)
	}
	list, err := db.Exports(ctxBG, p.ID, 0)
	if err != nil || len(list) != 2 || list[0].File != "c.csv" || list[1].File != "a.csv" {
		t.Errorf("Exports = %+v, %v", list, err)
	}
	if s := list[0].Summary(); s != "Changes export: 1 row to c.csv" {
		t.Errorf("Summary = %q", s)
	}

	_, err = db.AddExport(ctxBG, Export{ProfileID: p.ID, Kind: "partial"})
	wantErrIs(t, err, ErrInvalid)
	_, err = db.AddExport(ctxBG, Export{ProfileID: 999, Kind: ExportFull})
	wantErrIs(t, err, ErrNotFound)
}

func TestExportsPruneOldRows(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	for i := range exportRowsKept + 3 {
		rows := []mapping.Row{{Extension: "1", AgentID: i + 1}}
		if _, err := db.AddExport(ctxBG, Export{ProfileID: p.ID, At: at.Add(time.Duration(i) * time.Minute), Kind: ExportFull, File: "x.csv", Rows: rows}); err != nil {
			t.Fatal(err)
		}
	}
	var kept, pruned int
	if err := db.db.QueryRow(`SELECT count(rows), count(*) - count(rows) FROM exports WHERE profile_id = ?`, p.ID).Scan(&kept, &pruned); err != nil {
		t.Fatal(err)
	}
	if kept != exportRowsKept || pruned != 3 {
		t.Errorf("kept %d, pruned %d; want %d, 3", kept, pruned, exportRowsKept)
	}
	got, _, _ := db.LatestExport(ctxBG, p.ID)
	if len(got.Rows) != 1 || got.Rows[0].AgentID != exportRowsKept+3 {
		t.Errorf("latest rows = %+v", got.Rows)
	}
	// Deleting the profile deletes its exports.
	must(t, db.DeleteProfile(ctxBG, p.ID))
	if list, err := db.Exports(ctxBG, p.ID, 0); err != nil || len(list) != 0 {
		t.Errorf("after delete: %+v, %v", list, err)
	}
}
