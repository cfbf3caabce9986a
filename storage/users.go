package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// normalizeUser trims the fields and checks them. An import wraps its
// errors in EntryError to say which entry.
func normalizeUser(u *mapping.User) error {
	u.Extension = strings.TrimSpace(u.Extension)
	u.Name = strings.TrimSpace(u.Name)
	u.Email = strings.TrimSpace(u.Email)
	if u.Extension == "" && u.Email == "" {
		return errorf(ErrInvalidUser, "a user needs an extension or an email address")
	}
	for _, f := range []struct {
		label, value string
		max          int
	}{{"extension", u.Extension, mapping.MaxExtensionLen}, {"name", u.Name, mapping.MaxNameLen}, {"email address", u.Email, mapping.MaxEmailLen}} {
		if !utf8.ValidString(f.value) {
			return errorf(ErrInvalidUser, "the %s is not valid text (UTF-8)", f.label)
		}
		if n := utf8.RuneCountInString(f.value); n > f.max {
			return errorf(ErrInvalidUser, "the %s is too long (%d characters, at most %d)", f.label, n, f.max)
		}
		for _, r := range f.value {
			if unicode.IsControl(r) {
				return errorf(ErrInvalidUser, "the %s contains a control character", f.label)
			}
		}
	}
	if strings.ContainsFunc(u.Extension, unicode.IsSpace) {
		return errorf(ErrInvalidUser, "the extension %q contains spaces", u.Extension)
	}
	if u.Email != "" && (!strings.Contains(u.Email, "@") || strings.ContainsFunc(u.Email, unicode.IsSpace)) {
		return errorf(ErrInvalidUser, "%q is not an email address", u.Email)
	}
	return nil
}

// compareExtensions orders extensions numerically when both are digits
// ("9" before "10"), otherwise as text; empty extensions go last.
func compareExtensions(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	if allDigits(a) && allDigits(b) {
		ta, tb := strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(ta) != len(tb) {
			return len(ta) - len(tb)
		}
		if c := strings.Compare(ta, tb); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	}
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func lessUser(a, b mapping.User) bool {
	if c := compareExtensions(a.Extension, b.Extension); c != 0 {
		return c < 0
	}
	if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
		return c < 0
	}
	return a.ID < b.ID
}

// The users' created_at and updated_at stay in the table for whoever reads
// the file; nothing in the app shows them, so they are not loaded.
const userCols = `id, profile_id, extension, name, email`

func scanUser(sc interface{ Scan(...any) error }) (mapping.User, error) {
	var u mapping.User
	err := sc.Scan(&u.ID, &u.ProfileID, &u.Extension, &u.Name, &u.Email)
	return u, err
}

func loadUsers(ctx context.Context, q querier, profileID int64) ([]mapping.User, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+userCols+" FROM users WHERE profile_id = ?", profileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mapping.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// getProfileUser gets a profile and one of its users.
func getProfileUser(ctx context.Context, q querier, profileID, userID int64) (Profile, mapping.User, error) {
	p, err := getProfile(ctx, q, profileID)
	if err != nil {
		return p, mapping.User{}, err
	}
	u, err := getUser(ctx, q, profileID, userID)
	return p, u, err
}

func getUser(ctx context.Context, q querier, profileID, userID int64) (mapping.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE id = ? AND profile_id = ?", userID, profileID))
	if errors.Is(err, sql.ErrNoRows) {
		return mapping.User{}, errorf(ErrNotFound, "user %d not found in profile %d", userID, profileID)
	}
	return u, err
}

// checkUserFree fails with ErrDuplicateUser if another user of the profile
// (not exceptID) has u's extension or email.
func checkUserFree(ctx context.Context, q querier, u mapping.User, exceptID int64) error {
	if u.Extension != "" {
		other, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userCols+` FROM users
			WHERE profile_id = ? AND extension = ? AND id <> ?`, u.ProfileID, u.Extension, exceptID))
		if err == nil {
			return errorf(ErrDuplicateUser, "extension %s already belongs to %s", u.Extension, nameOr(other))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if u.Email != "" {
		other, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userCols+` FROM users
			WHERE profile_id = ? AND email_key = ? AND id <> ?`, u.ProfileID, mapping.EmailKey(u.Email), exceptID))
		if err == nil {
			return errorf(ErrDuplicateUser, "the email address %s already belongs to %s", u.Email, other.Label())
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	return nil
}

func nameOr(u mapping.User) string {
	if u.Name != "" {
		return u.Name
	}
	return u.Label()
}

// Users lists a profile's 1stream users by extension (numerically where
// possible), then name.
func (db *DB) Users(ctx context.Context, profileID int64) ([]mapping.User, error) {
	users, err := loadUsers(ctx, db.db, profileID)
	if err != nil {
		return nil, err
	}
	sort.Slice(users, func(i, j int) bool { return lessUser(users[i], users[j]) })
	return users, nil
}

// AddUser stores a new user of u.ProfileID and returns it as stored.
func (db *DB) AddUser(ctx context.Context, u mapping.User) (mapping.User, error) {
	if err := normalizeUser(&u); err != nil {
		return mapping.User{}, err
	}
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		p, err := getProfile(ctx, tx, u.ProfileID)
		if err != nil {
			return err
		}
		if err := checkUserFree(ctx, tx, u, 0); err != nil {
			return err
		}
		now := time.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO users (profile_id, extension, name, email, email_key, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ProfileID, u.Extension, u.Name, u.Email, mapping.EmailKey(u.Email), fmtTime(now), fmtTime(now))
		if err != nil {
			return err
		}
		if u.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name,
			Action: ActionUserAdded, Detail: describeUser(u)})
	})
	if err != nil {
		return mapping.User{}, err
	}
	return u, nil
}

func describeUser(u mapping.User) string {
	parts := []string{}
	if u.Extension != "" {
		parts = append(parts, "extension "+u.Extension)
	}
	if u.Name != "" {
		parts = append(parts, u.Name)
	}
	if u.Email != "" {
		parts = append(parts, "<"+u.Email+">")
	}
	return strings.Join(parts, " ")
}

// UpdateUser replaces the extension, name and email of user u.ID in
// u.ProfileID.
func (db *DB) UpdateUser(ctx context.Context, u mapping.User) error {
	if err := normalizeUser(&u); err != nil {
		return err
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		p, old, err := getProfileUser(ctx, tx, u.ProfileID, u.ID)
		if err != nil {
			return err
		}
		if old.Extension == u.Extension && old.Name == u.Name && old.Email == u.Email {
			return nil
		}
		if err := checkUserFree(ctx, tx, u, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET extension = ?, name = ?, email = ?, email_key = ?, updated_at = ?
			WHERE id = ?`, u.Extension, u.Name, u.Email, mapping.EmailKey(u.Email), fmtTime(time.Now()), u.ID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: ActionUserUpdated,
			Detail: describeUser(old) + " → " + describeUser(u)})
	})
}

// DeleteUser deletes a user and its mapping, leaving no copy in the files
// (see scrub).
func (db *DB) DeleteUser(ctx context.Context, profileID, userID int64) error {
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		p, u, err := getProfileUser(ctx, tx, profileID, userID)
		if err != nil {
			return err
		}
		detail := describeUser(u)
		var agent string
		if err := tx.QueryRowContext(ctx, "SELECT agent_name FROM mappings WHERE user_id = ?", userID).Scan(&agent); err == nil {
			detail += fmt.Sprintf(" (was mapped to %s)", agent)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM users WHERE id = ?", userID); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: ActionUserDeleted, Detail: detail})
	})
	if err != nil {
		return err
	}
	return db.scrub(ctx)
}

// UpsertUsers imports users into a profile in one transaction. Each entry is
// matched to an existing user by extension, else by email
// (case-insensitively); a match is updated, anything else added. Non-empty
// fields of an entry overwrite the stored ones and empty fields keep them,
// so a partial import (e.g. extensions and names only) does not erase
// emails. Entries that change nothing count as neither added nor updated.
// Any invalid entry or conflict (an entry's email belongs to a different
// user than its extension) fails the whole import.
func (db *DB) UpsertUsers(ctx context.Context, profileID int64, users []mapping.User) (added, updated int, err error) {
	in := make([]mapping.User, len(users))
	copy(in, users)
	for i := range in {
		in[i].ProfileID = profileID
		if err := normalizeUser(&in[i]); err != nil {
			return 0, 0, &EntryError{Index: i + 1, Err: err}
		}
	}
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		added, updated = 0, 0
		p, err := getProfile(ctx, tx, profileID)
		if err != nil {
			return err
		}
		existing, err := loadUsers(ctx, tx, profileID)
		if err != nil {
			return err
		}
		byExt := make(map[string]*mapping.User, len(existing))
		byEmail := make(map[string]*mapping.User, len(existing))
		for i := range existing {
			u := &existing[i]
			if u.Extension != "" {
				byExt[u.Extension] = u
			}
			if k := mapping.EmailKey(u.Email); k != "" {
				byEmail[k] = u
			}
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO users (profile_id, extension, name, email, email_key, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		upd, err := tx.PrepareContext(ctx, `UPDATE users SET extension = ?, name = ?, email = ?, email_key = ?, updated_at = ?
			WHERE id = ?`)
		if err != nil {
			return err
		}
		defer upd.Close()

		now := time.Now()
		stamp := fmtTime(now)
		for i, u := range in {
			var cur *mapping.User
			if u.Extension != "" {
				cur = byExt[u.Extension]
			}
			if cur == nil && u.Email != "" {
				cur = byEmail[mapping.EmailKey(u.Email)]
			}
			if cur == nil {
				res, err := ins.ExecContext(ctx, profileID, u.Extension, u.Name, u.Email, mapping.EmailKey(u.Email), stamp, stamp)
				if err != nil {
					return &EntryError{Index: i + 1, Err: err}
				}
				nu := u
				if nu.ID, err = res.LastInsertId(); err != nil {
					return err
				}
				if nu.Extension != "" {
					byExt[nu.Extension] = &nu
				}
				if k := mapping.EmailKey(nu.Email); k != "" {
					byEmail[k] = &nu
				}
				added++
				continue
			}
			merged := cur.Merge(u)
			if merged.Extension == cur.Extension && merged.Name == cur.Name && merged.Email == cur.Email {
				continue
			}
			if k := mapping.EmailKey(merged.Email); k != "" && k != mapping.EmailKey(cur.Email) {
				if other := byEmail[k]; other != nil && other.ID != cur.ID {
					return &EntryError{Index: i + 1, Err: errorf(ErrDuplicateUser, "%s would get the email address %s, which already belongs to %s",
						cur.Label(), merged.Email, other.Label())}
				}
			}
			if _, err := upd.ExecContext(ctx, merged.Extension, merged.Name, merged.Email, mapping.EmailKey(merged.Email), stamp, merged.ID); err != nil {
				return &EntryError{Index: i + 1, Err: err}
			}
			if cur.Extension != "" && cur.Extension != merged.Extension {
				delete(byExt, cur.Extension)
			}
			if k := mapping.EmailKey(cur.Email); k != "" && k != mapping.EmailKey(merged.Email) {
				delete(byEmail, k)
			}
			*cur = merged
			if cur.Extension != "" {
				byExt[cur.Extension] = cur
			}
			if k := mapping.EmailKey(cur.Email); k != "" {
				byEmail[k] = cur
			}
			updated++
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: ActionUsersImported,
			Detail: fmt.Sprintf("%d entries: %d added, %d updated, %d unchanged", len(in), added, updated, len(in)-added-updated)})
	})
	if err != nil {
		return 0, 0, err
	}
	return added, updated, nil
}

// EntryError is an import's failure of one entry. Index counts from 1 the
// users UpsertUsers was given, so a front-end can name the file line
// instead; Err is the reason (errors.Is sees ErrInvalidUser and its kin).
type EntryError struct {
	Index int
	Err   error
}

func (e *EntryError) Error() string { return fmt.Sprintf("entry %d: %v", e.Index, e.Err) }

func (e *EntryError) Unwrap() error { return e.Err }
