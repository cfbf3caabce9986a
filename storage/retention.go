package storage

import (
	"context"
	"database/sql"
	"strconv"
)

// History retention: the runs (checks and syncs) of each profile are pruned
// to the newest KeepRuns when the database is opened. The audit log is
// never pruned.
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
