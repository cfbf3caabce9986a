package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// SaveCheckRun stores a systems-check report for a profile: the pulled
// snapshot when the check brought one (replacing the previous one in a
// single transaction), then the run and its full report as history. The
// GUI and the CLI both call it so a check is stored the same way. ctx is
// the check's own context: a cancelled check is still stored (as
// cancelled), so storing runs on a detached context with its own timeout.
func SaveCheckRun(ctx context.Context, db *DB, profileID int64, rep halo.Report) (Run, error) {
	cancelled := ctx.Err() != nil
	storeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	// Only a check whose pull passed carries a snapshot (halo.RunCheck): a
	// failed or cancelled pull must not leave the Mapping screen with a
	// partial list.
	if rep.Snapshot != nil && !cancelled {
		if err := db.ReplaceSnapshot(storeCtx, profileID, *rep.Snapshot, rep.Started.Add(rep.Duration)); err != nil {
			return Run{}, fmt.Errorf("saving the pulled agents and teams failed: %w", err)
		}
	}
	body, err := json.Marshal(rep)
	if err != nil {
		return Run{}, err
	}
	run := Run{
		ProfileID: profileID, Kind: RunCheck, StartedAt: rep.Started, Duration: rep.Duration, OK: rep.OK && !cancelled,
		Summary: CheckSummary(rep, cancelled), Agents: rep.Agents.Visible, Teams: rep.Teams,
		Departments: rep.Departments, Organisations: rep.Organisations, Report: body,
	}
	if run.ID, err = db.AddRun(storeCtx, run); err != nil {
		return run, fmt.Errorf("saving the check to the history failed: %w", err)
	}
	return run, nil
}

// syncReport is the report of a sync's history run.
type syncReport struct {
	OK            bool             `json:"ok"`
	Agents        halo.AgentCounts `json:"agents"`
	Teams         int              `json:"teams"`
	Departments   int              `json:"departments"`
	Organisations int              `json:"organisations"`
	Error         string           `json:"error,omitempty"`
}

// SaveSyncRun stores the result of a pull: on success the snapshot (one
// transaction) and a history row; on failure only the history row, so the
// previous snapshot stays. Like SaveCheckRun it stores even when ctx (the
// pull's own context) was cancelled.
func SaveSyncRun(ctx context.Context, db *DB, profileID int64, snap *halo.Snapshot, started time.Time, took time.Duration, pullErr error) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
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
		ProfileID: profileID, Kind: RunSync, StartedAt: started, Duration: took, OK: rep.OK, Summary: summary,
		Agents: rep.Agents.Visible, Teams: rep.Teams, Departments: rep.Departments, Organisations: rep.Organisations, Report: body,
	})
	return err
}
