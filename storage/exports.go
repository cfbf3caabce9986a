package storage

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/gob"
	"errors"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// Export kinds.
const (
	ExportFull    = "full"
	ExportChanges = "changes"
)

// exportRowsKept is how many of a profile's newest exports keep their rows;
// only the latest is ever compared with, the rest are history.
const exportRowsKept = 20

// Export is one mappings export in a profile's history. Rows are what
// 1stream holds once the file is uploaded: the exported rows for a full
// export, the previous baseline with the changes applied for a changes
// export. Written counts the data rows in the file.
type Export struct {
	ID        int64
	ProfileID int64
	At        time.Time
	Kind      string // ExportFull or ExportChanges
	File      string
	Written   int
	SyncedAt  time.Time // pulled_at of the agents the export was computed from; zero if none
	Rows      []mapping.Row
}

// Summary is the export in one line, as history lists it.
func (e Export) Summary() string {
	what := "Full export"
	if e.Kind == ExportChanges {
		what = "Changes export"
	}
	return fmt.Sprintf("%s: %s to %s", what, halo.CountOf(e.Written, "row"), e.File)
}

// AddExport records an export as the profile's new baseline and returns
// its ID. Older exports beyond the newest exportRowsKept lose their rows.
func (db *DB) AddExport(ctx context.Context, e Export) (int64, error) {
	if e.Kind != ExportFull && e.Kind != ExportChanges {
		return 0, errorf(ErrInvalid, "unknown export kind %q (want %q or %q)", e.Kind, ExportFull, ExportChanges)
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	rows := e.Rows
	if rows == nil {
		rows = []mapping.Row{}
	}
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(rows); err != nil {
		return 0, err
	}
	body := buf.Bytes()
	synced := ""
	if !e.SyncedAt.IsZero() {
		synced = fmtTime(e.SyncedAt)
	}
	var id int64
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProfile(ctx, tx, e.ProfileID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO exports (profile_id, at, kind, file, written, synced_at, rows)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, e.ProfileID, fmtTime(e.At), e.Kind, e.File, e.Written, synced, body)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE exports SET rows = NULL WHERE profile_id = ? AND rows IS NOT NULL
			AND id NOT IN (SELECT id FROM exports WHERE profile_id = ? ORDER BY at DESC, id DESC LIMIT ?)`,
			e.ProfileID, e.ProfileID, exportRowsKept)
		return err
	})
	return id, err
}

const exportCols = `id, profile_id, at, kind, file, written, synced_at`

func scanExport(sc interface{ Scan(...any) error }, rows *[]byte) (Export, error) {
	var e Export
	var at, synced string
	dest := []any{&e.ID, &e.ProfileID, &at, &e.Kind, &e.File, &e.Written, &synced}
	if rows != nil {
		dest = append(dest, rows)
	}
	err := sc.Scan(dest...)
	e.At, e.SyncedAt = parseTime(at), parseTime(synced)
	return e, err
}

// Exports lists a profile's exports, newest first, without their rows.
// limit <= 0 means all.
func (db *DB) Exports(ctx context.Context, profileID int64, limit int) ([]Export, error) {
	if limit <= 0 {
		limit = -1
	}
	rs, err := db.db.QueryContext(ctx, "SELECT "+exportCols+` FROM exports WHERE profile_id = ?
		ORDER BY at DESC, id DESC LIMIT ?`, profileID, limit)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []Export
	for rs.Next() {
		e, err := scanExport(rs, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rs.Err()
}

// LatestExport returns the profile's newest export with its rows; ok is
// false before the first export.
func (db *DB) LatestExport(ctx context.Context, profileID int64) (Export, bool, error) {
	var body []byte
	e, err := scanExport(db.db.QueryRowContext(ctx, "SELECT "+exportCols+`, rows FROM exports
		WHERE profile_id = ? ORDER BY at DESC, id DESC LIMIT 1`, profileID), &body)
	if errors.Is(err, sql.ErrNoRows) {
		return Export{}, false, nil
	}
	if err != nil {
		return Export{}, false, err
	}
	if len(body) > 0 {
		if err := gob.NewDecoder(bytes.NewReader(body)).Decode(&e.Rows); err != nil {
			return Export{}, false, fmt.Errorf("the last export's rows are unreadable: %w", err)
		}
		if e.Rows == nil {
			e.Rows = []mapping.Row{} // exported, holding nothing: not the same as never exported
		}
	}
	return e, true, nil
}
