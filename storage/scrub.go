package storage

import (
	"context"
	"time"
)

// Deleted personal data (contacts, 1stream users, the audit log's names)
// must be gone from the files, not only from the tables. Every connection
// has secure_delete on (scrubPragmas), so a delete overwrites the content
// with zeros in the pages that held it; but the write-ahead log still
// holds earlier images of those pages until a checkpoint copies the log
// back and the log is cut, and pages freed stay in the file. scrub does
// both after a delete commits; every path that deletes personal data
// calls it (ForgetContacts, ReplaceContacts, DeleteProfile, DeleteUser,
// the audit log's pruning). It works on the whole database, so tables
// added later are covered without naming them.

// scrubRetries is how often a checkpoint held up by another connection's
// read is tried again (each try waits up to the busy timeout, 5 s).
const scrubRetries = 1

// scrub gives the free pages back to the file system and checkpoints the
// write-ahead log into the database, truncating it to zero bytes. A
// connection of another process in the middle of a read of an older state
// (the app's, a command's) holds the checkpoint up: it is tried again a
// few times, and if still held up, again when this DB is closed (SQLite
// also checkpoints when the last connection closes); the delete itself
// has committed either way, so only an error of the database is returned.
func (db *DB) scrub(ctx context.Context) error {
	// The pragma frees a page per step: the rows must be read to the end.
	rows, err := db.db.QueryContext(ctx, "PRAGMA incremental_vacuum")
	if err != nil {
		return err
	}
	for rows.Next() {
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return db.checkpoint(ctx)
}

// checkpoint copies the write-ahead log into the database and truncates
// it, retrying while another connection holds it up.
func (db *DB) checkpoint(ctx context.Context) error {
	for try := 0; ; try++ {
		var busy, logFrames, done int
		err := db.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logFrames, &done)
		if err != nil && !isBusy(err) {
			return err
		}
		if err == nil && busy == 0 {
			db.scrubPending.Store(false)
			return nil
		}
		if try == scrubRetries {
			db.scrubPending.Store(true)
			return nil
		}
		select {
		case <-ctx.Done():
			db.scrubPending.Store(true)
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// incrementalVacuum converts a database created before free pages were
// reclaimed (auto_vacuum NONE) once, with a VACUUM: it rebuilds the file,
// which also drops whatever earlier versions left in free pages without
// secure_delete. Another process writing meanwhile only postpones it to
// the next open.
func (db *DB) incrementalVacuum(ctx context.Context) error {
	var mode int
	if err := db.db.QueryRowContext(ctx, "PRAGMA auto_vacuum").Scan(&mode); err != nil {
		return err
	}
	if mode == 2 { // INCREMENTAL
		return nil
	}
	if _, err := db.db.ExecContext(ctx, "PRAGMA auto_vacuum = INCREMENTAL"); err != nil {
		return err
	}
	if _, err := db.db.ExecContext(ctx, "VACUUM"); err != nil {
		if isBusy(err) {
			return nil
		}
		return err
	}
	return db.checkpoint(ctx)
}
