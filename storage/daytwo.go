package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// DayTwo is what a profile's day-two views need, loaded together: the
// users and mappings, the last pull, the last export
// (the baseline of the changes) and the latest systems check. The CLI's
// status, changes and record commands and the GUI's changes view and
// record button all read it, so they agree.
type DayTwo struct {
	Profile  Profile
	Users    []mapping.User
	Mappings []mapping.Mapping
	Agents   []halo.Agent
	PulledAt time.Time // zero: never pulled
	Export   Export    // the latest export; Exported is false before the first
	Exported bool
	CheckRun Run          // the latest check; Checked is false before the first
	Check    *halo.Report // its report; nil when unreadable or none
	Checked  bool
	// FixRun is the latest journaled write to Halo's contacts (fix, edit
	// or undo); Fixed is false before the first.
	FixRun FixRun
	Fixed  bool
}

// LoadDayTwo loads a profile's DayTwo.
func LoadDayTwo(ctx context.Context, db *DB, profileID int64) (*DayTwo, error) {
	p, err := db.Profile(ctx, profileID)
	if err != nil {
		return nil, err
	}
	d := &DayTwo{Profile: p}
	if d.Users, err = db.Users(ctx, profileID); err != nil {
		return nil, err
	}
	if d.Mappings, err = db.Mappings(ctx, profileID); err != nil {
		return nil, err
	}
	snap, at, err := db.Snapshot(ctx, profileID)
	if err != nil {
		return nil, err
	}
	d.Agents, d.PulledAt = snap.Agents, at
	if d.Export, d.Exported, err = db.LatestExport(ctx, profileID); err != nil {
		return nil, err
	}
	if d.CheckRun, d.Checked, err = db.LatestRun(ctx, profileID, RunCheck); err != nil {
		return nil, err
	}
	if d.FixRun, d.Fixed, err = db.LatestFixRun(ctx, profileID); err != nil {
		return nil, err
	}
	if d.Checked && len(d.CheckRun.Report) > 0 {
		var rep halo.Report
		if json.Unmarshal(d.CheckRun.Report, &rep) == nil {
			d.Check = &rep
		}
	}
	return d, nil
}

// Changes are the changes since the last export (every mapping before the
// first).
func (d *DayTwo) Changes() []mapping.Change {
	return mapping.Changes(d.Export.Rows, d.Users, d.Mappings, d.Agents)
}

// Record assembles the integration record, with the setup checklist
// (halo.Checklist) in the article's order and words.
func (d *DayTwo) Record(ctx context.Context, db *DB, now time.Time) (mapping.Record, error) {
	items, err := db.Checklist(ctx, d.Profile.ID)
	if err != nil {
		return mapping.Record{}, err
	}
	r := mapping.Record{
		Profile: d.Profile.Name, Generated: now,
		Form:  mapping.FormValuesFor(d.Profile.HaloURL, d.Profile.ClientID, d.Profile.Tenant),
		Users: d.Users, Mappings: d.Mappings, Agents: d.Agents, Changes: d.Changes(),
	}
	if d.Exported {
		r.LastExport = d.Export.At
	}
	if d.Check != nil {
		r.Check, r.CheckAt = d.Check, d.CheckRun.StartedAt
		// The tenant Halo reported is what 1stream's CRM Company needs.
		if r.Form.CRMCompany == "" {
			r.Form.CRMCompany = d.Check.OneStream.CRMCompany
		}
	}
	for _, sec := range halo.Checklist {
		for _, s := range sec.Steps {
			it := items[s.ID]
			r.Steps = append(r.Steps, mapping.RecordStep{Title: s.Title, Done: it.Done, By: it.By, At: it.At})
		}
	}
	return r, nil
}

// SaveExport stores an export as the new baseline: rows are what 1stream
// holds once the file is uploaded, written the data rows in the file.
func SaveExport(ctx context.Context, db *DB, d *DayTwo, kind, file string, rows []mapping.Row, written int) error {
	e := Export{ProfileID: d.Profile.ID, At: time.Now(), Kind: kind, File: file, Written: written, SyncedAt: d.PulledAt, Rows: rows}
	if _, err := db.AddExport(ctx, e); err != nil {
		return fmt.Errorf("the file was written but the export could not be remembered (changes will still count from the previous export): %w", err)
	}
	return db.AppendAudit(ctx, AuditEvent{ProfileID: d.Profile.ID, ProfileName: d.Profile.Name, Actor: db.Actor(),
		Action: ActionMappingExported, Detail: e.Summary()})
}
