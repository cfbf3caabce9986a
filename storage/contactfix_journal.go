package storage

// The journal of the app's writes to Halo: runs and their changes, stored
// before a request leaves and updated after (see contactfix.go).

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// journalRun stores a new run and all its changes in one transaction.
func (db *DB) journalRun(ctx context.Context, r FixRun, entries []JournalEntry) (int64, error) {
	var id int64
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProfile(ctx, tx, r.ProfileID); err != nil {
			return err
		}
		var undoOf sql.NullInt64
		if r.UndoOf != 0 {
			undoOf = sql.NullInt64{Int64: r.UndoOf, Valid: true}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO contact_fix_runs (profile_id, kind, undo_of, started_at, state, format,
			region, planned, skipped_changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ProfileID, r.Kind, undoOf, fmtTime(r.StartedAt), r.State, r.Format, r.Region, r.Planned, r.SkippedChanged)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return errorf(ErrConflict, "run %d was undone meanwhile", r.UndoOf)
			}
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO contact_changes (run_id, seq, contact_id, contact, client, field,
			old, new, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range entries {
			if _, err := stmt.ExecContext(ctx, id, e.Seq, e.ContactID, e.Contact, e.Client, string(e.Field),
				e.Old, e.New, e.Status); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// markSent records, and commits, that the changes b are about to leave.
func (db *DB) markSent(ctx context.Context, runID int64, entries []JournalEntry, b batch, at time.Time) error {
	err := db.updateChanges(ctx, "sent_at = ?", runID, entries, b, func(JournalEntry) []any { return []any{fmtTime(at)} })
	if err == nil {
		for _, i := range b {
			entries[i].Sent = true
		}
	}
	return err
}

// recordBatch stores what became of the changes b.
func (db *DB) recordBatch(ctx context.Context, runID int64, entries []JournalEntry, b batch) error {
	return db.updateChanges(ctx, "status = ?, reason = ?", runID, entries, b, func(e JournalEntry) []any { return []any{e.Status, e.Reason} })
}

// updateChanges sets columns (set, with the values vals gives) of the
// changes b of a run, in one transaction.
func (db *DB) updateChanges(ctx context.Context, set string, runID int64, entries []JournalEntry, b batch, vals func(JournalEntry) []any) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "UPDATE contact_changes SET "+set+" WHERE run_id = ? AND seq = ?")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, i := range b {
			if _, err := stmt.ExecContext(ctx, append(vals(entries[i]), runID, entries[i].Seq)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// fixReport is the history record of a run: counts only.
type fixReport struct {
	JournalRun     int64  `json:"journal_run"`
	Kind           string `json:"kind"`
	UndoOf         int64  `json:"undo_of,omitempty"`
	State          string `json:"state"`
	Planned        int    `json:"planned"`
	Written        int    `json:"written"`
	SkippedChanged int    `json:"skipped_changed"`
	Failed         int    `json:"failed"`
	Unsent         int    `json:"unsent"`
	ErrorKind      string `json:"error_kind,omitempty"`
}

// Summary is the run in one line of counts, for the history and the log.
func (r FixRun) Summary() string {
	what := map[string]string{FixKindFix: "contacts fix", FixKindEdit: "contact edit", FixKindUndo: "undo"}[r.Kind]
	if r.Kind == FixKindUndo {
		what = fmt.Sprintf("undo of run %d", r.UndoOf)
	}
	s := fmt.Sprintf("%s (run %d): %d written, %d skipped (changed in Halo), %d failed of %d planned",
		what, r.ID, r.Written, r.SkippedChanged, r.Failed, r.Planned)
	if n := r.Unsent(); n > 0 {
		s += fmt.Sprintf(", %d not sent", n)
	}
	switch r.State {
	case FixCancelled:
		s += "; cancelled"
	case FixFailed:
		s += "; stopped"
		if r.ErrorKind != "" {
			s += " (" + string(r.ErrorKind) + ")"
		}
	}
	return s
}

// finishRun stores the run's end and counts, its history row and an audit
// event, in one transaction.
func (db *DB) finishRun(ctx context.Context, p Profile, r FixRun) error {
	kind, action := RunContactsFix, ActionContactsFixed
	if r.Kind == FixKindUndo {
		kind, action = RunContactsUndo, ActionContactsUndone
	}
	body, err := json.Marshal(fixReport{JournalRun: r.ID, Kind: r.Kind, UndoOf: r.UndoOf, State: r.State, Planned: r.Planned,
		Written: r.Written, SkippedChanged: r.SkippedChanged, Failed: r.Failed, Unsent: r.Unsent(), ErrorKind: string(r.ErrorKind)})
	if err != nil {
		return err
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE contact_fix_runs SET finished_at = ?, state = ?, written = ?, skipped_changed = ?,
			failed = ?, error_kind = ? WHERE id = ?`, fmtTime(r.FinishedAt), r.State, r.Written, r.SkippedChanged, r.Failed,
			string(r.ErrorKind), r.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO runs (profile_id, kind, started_at, duration_ns, ok, summary, report)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, kind, fmtTime(r.StartedAt), int64(r.FinishedAt.Sub(r.StartedAt)),
			boolInt(r.State == FixDone && r.Failed == 0), r.Summary(), body); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: action, Detail: r.Summary()})
	})
}

const fixRunCols = `r.id, r.profile_id, r.kind, coalesce(r.undo_of, 0), coalesce(u.id, 0), r.started_at, coalesce(r.finished_at, ''),
	r.state, r.format, r.region, r.planned, r.written, r.skipped_changed, r.failed, r.error_kind`

const fixRunFrom = ` FROM contact_fix_runs r LEFT JOIN contact_fix_runs u ON u.undo_of = r.id`

func scanFixRun(sc interface{ Scan(...any) error }) (FixRun, error) {
	var r FixRun
	var started, finished, kind string
	err := sc.Scan(&r.ID, &r.ProfileID, &r.Kind, &r.UndoOf, &r.UndoneBy, &started, &finished, &r.State, &r.Format, &r.Region,
		&r.Planned, &r.Written, &r.SkippedChanged, &r.Failed, &kind)
	r.StartedAt, r.FinishedAt, r.ErrorKind = parseTime(started), parseTime(finished), halo.ErrorKind(kind)
	return r, err
}

// FixRuns lists the profile's journaled runs, newest first.
func (db *DB) FixRuns(ctx context.Context, profileID int64) ([]FixRun, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+fixRunCols+fixRunFrom+" WHERE r.profile_id = ? ORDER BY r.id DESC", profileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FixRun
	for rows.Next() {
		r, err := scanFixRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LatestFixRun is the profile's newest journaled run of any kind; ok is
// false when there is none.
func (db *DB) LatestFixRun(ctx context.Context, profileID int64) (FixRun, bool, error) {
	return db.lastFixRun(ctx, profileID, false)
}

// lastFixRun is the newest run, or with undoable the newest fix or edit.
func (db *DB) lastFixRun(ctx context.Context, profileID int64, undoable bool) (FixRun, bool, error) {
	q := "SELECT " + fixRunCols + fixRunFrom + " WHERE r.profile_id = ?"
	if undoable {
		q += " AND r.kind IN ('fix', 'edit')"
	}
	r, err := scanFixRun(db.db.QueryRowContext(ctx, q+" ORDER BY r.id DESC LIMIT 1", profileID))
	if errors.Is(err, sql.ErrNoRows) {
		return FixRun{}, false, nil
	}
	return r, err == nil, err
}

// FixJournal is one run and its changes in order.
func (db *DB) FixJournal(ctx context.Context, runID int64) (FixRun, []JournalEntry, error) {
	var run FixRun
	var out []JournalEntry
	err := db.readTx(ctx, func(q querier) error {
		var err error
		run, err = scanFixRun(q.QueryRowContext(ctx, "SELECT "+fixRunCols+fixRunFrom+" WHERE r.id = ?", runID))
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(ErrNotFound, "no journaled run %d", runID)
		}
		if err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT seq, contact_id, contact, client, field, old, new, status, sent_at IS NOT NULL, reason
			FROM contact_changes WHERE run_id = ? ORDER BY seq`, runID)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = make([]JournalEntry, 0, run.Planned)
		for rows.Next() {
			var e JournalEntry
			var field string
			if err := rows.Scan(&e.Seq, &e.ContactID, &e.Contact, &e.Client, &field, &e.Old, &e.New, &e.Status, &e.Sent, &e.Reason); err != nil {
				return err
			}
			e.Field = halo.ContactField(field)
			out = append(out, e)
		}
		return rows.Err()
	})
	return run, out, err
}

// JournalSize is how many runs and changes the profile's journal holds:
// what contacts forget and profile removal delete, after which no run can
// be undone.
func (db *DB) JournalSize(ctx context.Context, profileID int64) (runs, changes int, err error) {
	err = db.db.QueryRowContext(ctx, `SELECT count(DISTINCT r.id), count(c.run_id) FROM contact_fix_runs r
		LEFT JOIN contact_changes c ON c.run_id = r.id WHERE r.profile_id = ?`, profileID).Scan(&runs, &changes)
	return runs, changes, err
}

// deleteJournal deletes the profile's journal inside tx (contacts forget);
// it reports how many runs it held.
func deleteJournal(ctx context.Context, tx execer, profileID int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM contact_fix_runs WHERE profile_id = ?", profileID).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	// The changes first and explicitly, not one run at a time through the
	// foreign key.
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_changes WHERE run_id IN
		(SELECT id FROM contact_fix_runs WHERE profile_id = ?)`, profileID); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM contact_fix_runs WHERE profile_id = ?", profileID); err != nil {
		return 0, err
	}
	return n, nil
}
