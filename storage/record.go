package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// RecordCheck stores a systems-check report for a profile: the pulled
// snapshot when the check brought one (replacing the previous one in a
// single transaction), then the run and its full report as history. The
// GUI and the CLI both call it so a check is recorded the same way.
func RecordCheck(ctx context.Context, db *DB, profileID int64, rep halo.Report) error {
	if rep.Snapshot != nil {
		if err := db.ReplaceSnapshot(ctx, profileID, *rep.Snapshot, rep.Started.Add(rep.Duration)); err != nil {
			return fmt.Errorf("storing the pulled agents: %w", err)
		}
	}
	body, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = db.AddRun(ctx, Run{
		ProfileID: profileID, Kind: "check", StartedAt: rep.Started, Duration: rep.Duration, OK: rep.OK,
		Summary: checkSummary(rep), Agents: rep.Agents.Visible, Teams: rep.Teams,
		Departments: rep.Departments, Organisations: rep.Organisations, Report: body,
	})
	return err
}

func checkSummary(rep halo.Report) string {
	var pass, warn, fail int
	var firstFail string
	for _, c := range rep.Checks {
		switch c.Status {
		case halo.StatusPass:
			pass++
		case halo.StatusWarn:
			warn++
		case halo.StatusFail:
			fail++
			if firstFail == "" {
				firstFail = c.Title
			}
		}
	}
	if fail > 0 {
		return fmt.Sprintf("failed at %q (%d passed, %d warnings)", firstFail, pass, warn)
	}
	return fmt.Sprintf("%d passed, %d warnings; %d agents, %d teams, %d departments", pass, warn,
		rep.Agents.Visible, rep.Teams, rep.Departments)
}

// syncReport is the history record of a sync.
type syncReport struct {
	OK            bool             `json:"ok"`
	Agents        halo.AgentCounts `json:"agents"`
	Teams         int              `json:"teams"`
	Departments   int              `json:"departments"`
	Organisations int              `json:"organisations"`
	Error         string           `json:"error,omitempty"`
}

// RecordSync stores the result of a pull: on success the snapshot (one
// transaction) and a history row; on failure only the history row, so the
// previous snapshot stays.
func RecordSync(ctx context.Context, db *DB, profileID int64, snap *halo.Snapshot, started time.Time, took time.Duration, pullErr error) error {
	rep := syncReport{OK: pullErr == nil && snap != nil}
	summary := ""
	if rep.OK {
		if err := db.ReplaceSnapshot(ctx, profileID, *snap, started.Add(took)); err != nil {
			return err
		}
		rep.Agents = halo.CountAgents(snap.Agents)
		rep.Teams, rep.Departments, rep.Organisations = len(snap.Teams), len(snap.Departments), len(snap.Organisations)
		summary = fmt.Sprintf("%d agents, %d teams, %d departments", rep.Agents.Visible, rep.Teams, rep.Departments)
	} else if pullErr != nil {
		rep.Error = pullErr.Error()
		summary = "failed: " + pullErr.Error()
	}
	body, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	_, err = db.AddRun(ctx, Run{
		ProfileID: profileID, Kind: "sync", StartedAt: started, Duration: took, OK: rep.OK, Summary: summary,
		Agents: rep.Agents.Visible, Teams: rep.Teams, Departments: rep.Departments, Organisations: rep.Organisations, Report: body,
	})
	return err
}
