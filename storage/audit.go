package storage

import (
	"context"
	"database/sql"
	"os"
	"os/user"
	"strings"
	"time"
)

// AuditEvent is one row of the append-only audit log. ProfileID is 0 for
// events not tied to a profile; ProfileName is the name at the time, kept
// after the profile is deleted.
type AuditEvent struct {
	ID          int64
	At          time.Time
	ProfileID   int64
	ProfileName string
	Actor       string
	Action      string
	Detail      string
}

// AuditFilter selects audit events. Zero values select everything.
type AuditFilter struct {
	ProfileID int64  // 0 = all profiles (and events without one)
	Text      string // case-insensitive substring of action, detail or profile name
	Limit     int    // <= 0 = no limit
}

// Audit actions written by this package.
const (
	ActionProfileCreated     = "profile.created"
	ActionProfileRenamed     = "profile.renamed"
	ActionProfileDuplicated  = "profile.duplicated"
	ActionProfileDeleted     = "profile.deleted"
	ActionConnectionUpdated  = "connection.updated"
	ActionChecklistChecked   = "checklist.checked"
	ActionChecklistUnchecked = "checklist.unchecked"
	ActionChecklistReset     = "checklist.reset"
	ActionUsersImported      = "users.imported"
	ActionUserAdded          = "user.added"
	ActionUserUpdated        = "user.updated"
	ActionUserDeleted        = "user.deleted"
	ActionMappingSet         = "mapping.set"
	ActionMappingMoved       = "mapping.moved"
	ActionMappingRemoved     = "mapping.removed"
	ActionMappingBulk        = "mapping.bulk"
	ActionContactsAudited    = "contacts.audited"   // detail: counts only (contacts are personal data)
	ActionContactsForgotten  = "contacts.forgotten" // detail: counts only
)

// Audit actions written by the GUI and the CLI.
const (
	ActionSecretStored    = "secret.stored"
	ActionSecretRemoved   = "secret.removed"
	ActionSecretLeft      = "secret.left" // profile deleted, secret left in an unavailable keyring
	ActionMappingExported = "mapping.exported"
)

// CurrentActor is the OS user name, used as the default audit actor.
func CurrentActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	for _, env := range []string{"USER", "USERNAME", "LOGNAME"} {
		if v := strings.TrimSpace(os.Getenv(env)); v != "" {
			return v
		}
	}
	return "unknown"
}

// AppendAudit writes an event. At defaults to now, Actor to the DB's actor,
// and ProfileName to the profile's current name when ProfileID is set.
func (db *DB) AppendAudit(ctx context.Context, ev AuditEvent) error {
	if strings.TrimSpace(ev.Action) == "" {
		return errorf(ErrInvalid, "an audit event needs an action")
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if ev.ProfileID != 0 && ev.ProfileName == "" {
			// A missing profile is fine: events may be logged about one
			// that was just deleted.
			_ = tx.QueryRowContext(ctx, "SELECT name FROM profiles WHERE id = ?", ev.ProfileID).Scan(&ev.ProfileName)
		}
		return db.appendAudit(ctx, tx, ev)
	})
}

// appendAudit writes ev inside the caller's transaction, so a change and its
// audit row commit or roll back together.
func (db *DB) appendAudit(ctx context.Context, tx execer, ev AuditEvent) error {
	if ev.At.IsZero() {
		ev.At = time.Now()
	}
	if ev.Actor == "" {
		ev.Actor = db.Actor()
	}
	var pid any
	if ev.ProfileID != 0 {
		pid = ev.ProfileID
	}
	_, err := tx.ExecContext(ctx,
		`INSERT INTO audit_log (at, profile_id, profile_name, actor, action, detail) VALUES (?, ?, ?, ?, ?, ?)`,
		fmtTime(ev.At), pid, ev.ProfileName, ev.Actor, ev.Action, ev.Detail)
	return err
}

// AuditLog returns matching events, newest first.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	text := strings.ToLower(strings.TrimSpace(f.Text))
	rows, err := db.db.QueryContext(ctx, `
		SELECT id, at, coalesce(profile_id, 0), profile_name, actor, action, detail
		FROM audit_log
		WHERE (?1 = 0 OR profile_id = ?1)
		  AND (?2 = '' OR instr(halo_lower(action || char(10) || detail || char(10) || profile_name), ?2) > 0)
		ORDER BY id DESC
		LIMIT ?3`, f.ProfileID, text, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		var ev AuditEvent
		var at string
		if err := rows.Scan(&ev.ID, &at, &ev.ProfileID, &ev.ProfileName, &ev.Actor, &ev.Action, &ev.Detail); err != nil {
			return nil, err
		}
		ev.At = parseTime(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}
