package storage

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
)

// History retention: the runs (checks and syncs) of each profile, and its
// audit events, are pruned to the newest KeepRuns each when the database
// is opened. The audit log names 1stream users and agents (who was mapped
// to whom), so it is kept no longer than the history it goes with; of a
// deleted profile, whose history went with it, the events that name
// people (its users' and mappings') go at once.
const (
	settingKeepRuns = "history_keep_runs"
	// DefaultKeepRuns is the retention when none was set.
	DefaultKeepRuns = 200
	// MaxKeepRuns bounds the setting (a run with its report is a few KB).
	MaxKeepRuns = 1_000_000
)

// KeepRuns is how many runs per profile are kept; 0 keeps all.
func (db *DB) KeepRuns(ctx context.Context) (int, error) {
	v, ok, err := db.Setting(ctx, settingKeepRuns)
	if err != nil || !ok {
		return DefaultKeepRuns, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > MaxKeepRuns {
		return DefaultKeepRuns, nil // a hand-edited value falls back to the default
	}
	return n, nil
}

// SetKeepRuns sets how many runs per profile are kept (0 keeps all).
func (db *DB) SetKeepRuns(ctx context.Context, n int) error {
	if n < 0 || n > MaxKeepRuns {
		return errorf(ErrInvalid, "the number of runs to keep must be between 0 (keep all) and %d, not %d", MaxKeepRuns, n)
	}
	return db.SetSetting(ctx, settingKeepRuns, strconv.Itoa(n))
}

// PruneRuns deletes, in one transaction, every run beyond the newest
// KeepRuns of its profile and returns how many it deleted. The write lock is
// only taken when something is to be pruned.
func (db *DB) PruneRuns(ctx context.Context) (int64, error) {
	keep, err := db.KeepRuns(ctx)
	if err != nil || keep == 0 {
		return 0, err
	}
	var over bool
	if err := db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM runs GROUP BY profile_id HAVING count(*) > ?)`,
		keep).Scan(&over); err != nil || !over {
		return 0, err
	}
	var n int64
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM runs WHERE id IN (
			SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY profile_id ORDER BY started_at DESC, id DESC) AS rn
				FROM runs) WHERE rn > ?)`, keep)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// auditNamesPeople matches the audit events whose details name 1stream
// users or agents: users' and mappings' (user.*, mapping.*).
const auditNamesPeople = "(action LIKE 'user.%' OR action LIKE 'mapping.%')"

// PruneAudit deletes, in one transaction, every audit event beyond the
// newest KeepRuns of its profile (events of no profile count as one more
// profile) and the events of deleted profiles that name people
// (auditNamesPeople), then scrubs the files (see scrub); it returns how
// many it deleted. KeepRuns 0 keeps everything. The write lock is only taken when
// something is to be pruned. The audit log is append-only for everything
// else: its no-delete trigger is lifted only inside this transaction.
func (db *DB) PruneAudit(ctx context.Context) (int64, error) {
	keep, err := db.KeepRuns(ctx)
	if err != nil || keep == 0 {
		return 0, err
	}
	var over bool
	if err := db.db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM audit_log GROUP BY profile_id HAVING count(*) > ?1)
		OR EXISTS (SELECT 1 FROM audit_log WHERE profile_id IS NOT NULL AND profile_id NOT IN (SELECT id FROM profiles)
			AND `+auditNamesPeople+`)`, keep).Scan(&over); err != nil || !over {
		return 0, err
	}
	var n int64
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		var guard sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = 'audit_log_no_delete'").Scan(&guard)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if guard.Valid {
			if _, err := tx.ExecContext(ctx, "DROP TRIGGER audit_log_no_delete"); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM audit_log WHERE id IN (
			SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY profile_id ORDER BY id DESC) AS rn FROM audit_log) WHERE rn > ?1)
			OR profile_id IS NOT NULL AND profile_id NOT IN (SELECT id FROM profiles) AND `+auditNamesPeople, keep)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if guard.Valid {
			_, err = tx.ExecContext(ctx, guard.String)
		}
		return err
	})
	if err != nil || n == 0 {
		return n, err
	}
	return n, db.scrub(ctx)
}
