package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/halo-assistant/halo-assistant/halo"
)

// MaxNameLen is the longest profile name, in characters.
const MaxNameLen = 100

// Profile is one Halo connection. The Client Secret is not here: it lives in
// the OS keyring under the profile's ID (see Secrets).
type Profile struct {
	ID       int64
	Name     string
	HaloURL  string
	ClientID string
	Tenant   string
	AuthURL  string
	Scope    string
	CAFile   string
	Region   string // ISO 3166 alpha-2 (e.g. "GB") for numbers without a country code; "" = the OS locale's
	// FixFormat is the format contacts fix rewrites numbers to ("e164" or
	// "national"; "" = "e164"); RateShare the percentage of Halo's rate
	// limit bulk work takes (0 = the app's default, halo.DefaultRateShare;
	// else halo.MinRateShare to 100).
	FixFormat string
	RateShare int
	// SecretDest and SecretSeal bind the stored Client Secret to where it
	// was entered for (see BindSecret); read-only here, written by
	// BindSecret alone.
	SecretDest string
	SecretSeal string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ChecklistItem is the state of one setup step of a profile.
type ChecklistItem struct {
	StepID string
	Done   bool
	By     string
	At     time.Time
}

const settingSelectedProfile = "selected_profile"

// nameKey is the case-insensitive identity of a profile name.
func nameKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// validateName returns the trimmed name or an ErrInvalidName error.
func validateName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", errorf(ErrInvalidName, "the profile name must not be empty")
	case !utf8.ValidString(name):
		return "", errorf(ErrInvalidName, "the profile name is not valid text (UTF-8)")
	case utf8.RuneCountInString(name) > MaxNameLen:
		return "", errorf(ErrInvalidName, "the profile name is too long (%d characters, at most %d)",
			utf8.RuneCountInString(name), MaxNameLen)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", errorf(ErrInvalidName, "the profile name must not contain control characters such as tabs or line breaks")
		}
	}
	return name, nil
}

func trimConnection(p *Profile) {
	p.HaloURL = strings.TrimSpace(p.HaloURL)
	p.ClientID = strings.TrimSpace(p.ClientID)
	p.Tenant = strings.TrimSpace(p.Tenant)
	p.AuthURL = strings.TrimSpace(p.AuthURL)
	p.Scope = strings.TrimSpace(p.Scope)
	p.CAFile = strings.TrimSpace(p.CAFile)
	p.Region = strings.TrimSpace(p.Region)
	p.FixFormat = strings.ToLower(strings.TrimSpace(p.FixFormat))
	if p.FixFormat == "" {
		p.FixFormat = FixFormatE164
	}
}

// The formats contacts fix rewrites numbers to (contacts.Format's values).
const (
	FixFormatE164     = "e164"
	FixFormatNational = "national"
)

// validateFixSettings checks a profile's fix format and rate share.
func validateFixSettings(p Profile) error {
	if p.FixFormat != FixFormatE164 && p.FixFormat != FixFormatNational {
		return errorf(ErrInvalid, "the number format must be %q or %q, not %q", FixFormatE164, FixFormatNational, p.FixFormat)
	}
	if p.RateShare != 0 && (p.RateShare < halo.MinRateShare || p.RateShare > 100) {
		return errorf(ErrInvalid, "the rate share must be between %d and 100 %%, not %d", halo.MinRateShare, p.RateShare)
	}
	return nil
}

// checkNameFree fails with ErrDuplicateName if another profile (not exceptID)
// has the same name key. Run inside the write transaction so it cannot race.
func checkNameFree(ctx context.Context, tx execer, name string, exceptID int64) error {
	var existing string
	err := tx.QueryRowContext(ctx, "SELECT name FROM profiles WHERE name_key = ? AND id <> ?", nameKey(name), exceptID).Scan(&existing)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return errorf(ErrDuplicateName, "a profile named %q already exists", existing)
}

const profileCols = `id, name, halo_url, client_id, tenant, auth_url, scope, ca_file, region, secret_dest, secret_seal, created_at, updated_at, fix_format, rate_share`

func scanProfile(sc interface{ Scan(...any) error }) (Profile, error) {
	var p Profile
	var created, updated string
	err := sc.Scan(&p.ID, &p.Name, &p.HaloURL, &p.ClientID, &p.Tenant, &p.AuthURL, &p.Scope, &p.CAFile, &p.Region, &p.SecretDest, &p.SecretSeal, &created, &updated,
		&p.FixFormat, &p.RateShare)
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return p, err
}

func getProfile(ctx context.Context, q querier, id int64) (Profile, error) {
	p, err := scanProfile(q.QueryRowContext(ctx, "SELECT "+profileCols+" FROM profiles WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, errorf(ErrNotFound, "profile %d not found", id)
	}
	return p, err
}

func insertProfile(ctx context.Context, tx execer, p Profile, now time.Time) (Profile, error) {
	p.CreatedAt, p.UpdatedAt = now.UTC(), now.UTC()
	if p.FixFormat == "" {
		p.FixFormat = FixFormatE164
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO profiles
		(name, name_key, halo_url, client_id, tenant, auth_url, scope, ca_file, region, created_at, updated_at, fix_format, rate_share)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.Name, nameKey(p.Name), p.HaloURL, p.ClientID, p.Tenant, p.AuthURL, p.Scope, p.CAFile, p.Region,
		fmtTime(now), fmtTime(now), p.FixFormat, p.RateShare)
	if err != nil {
		return Profile{}, err
	}
	p.ID, err = res.LastInsertId()
	return p, err
}

// CreateProfile stores a new profile (name and connection fields; ID and
// timestamps are ignored) and returns it as stored.
func (db *DB) CreateProfile(ctx context.Context, p Profile) (Profile, error) {
	name, err := validateName(p.Name)
	if err != nil {
		return Profile{}, err
	}
	p.Name = name
	trimConnection(&p)
	if err := validateRegion(p.Region); err != nil {
		return Profile{}, err
	}
	if err := validateFixSettings(p); err != nil {
		return Profile{}, err
	}
	var out Profile
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		if err := checkNameFree(ctx, tx, name, 0); err != nil {
			return err
		}
		var err error
		out, err = insertProfile(ctx, tx, p, time.Now())
		if err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: out.ID, ProfileName: out.Name,
			Action: ActionProfileCreated, Detail: describeConnection(out)})
	})
	return out, err
}

func describeConnection(p Profile) string {
	if p.HaloURL == "" {
		return "no Halo URL yet"
	}
	return "Halo URL " + p.HaloURL
}

// Profiles lists all profiles, sorted by name case-insensitively.
func (db *DB) Profiles(ctx context.Context) ([]Profile, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+profileCols+" FROM profiles ORDER BY name_key, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Profile
	for rows.Next() {
		p, err := scanProfile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Profile returns one profile or an ErrNotFound error.
func (db *DB) Profile(ctx context.Context, id int64) (Profile, error) {
	return getProfile(ctx, db.db, id)
}

// ProfileByName finds a profile by name, case-insensitively.
func (db *DB) ProfileByName(ctx context.Context, name string) (Profile, error) {
	p, err := scanProfile(db.db.QueryRowContext(ctx, "SELECT "+profileCols+" FROM profiles WHERE name_key = ?", nameKey(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return Profile{}, errorf(ErrNotFound, "no profile named %q", strings.TrimSpace(name))
	}
	return p, err
}

// RenameProfile changes a profile's name. Changing only the case of the
// name is allowed.
func (db *DB) RenameProfile(ctx context.Context, id int64, name string) error {
	name, err := validateName(name)
	if err != nil {
		return err
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		old, err := getProfile(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Name == name {
			return nil
		}
		if err := checkNameFree(ctx, tx, name, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE profiles SET name = ?, name_key = ?, updated_at = ? WHERE id = ?",
			name, nameKey(name), fmtTime(time.Now()), id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: id, ProfileName: name,
			Action: ActionProfileRenamed, Detail: fmt.Sprintf("renamed from %q to %q", old.Name, name)})
	})
}

// UpdateConnection stores the connection fields (HaloURL, ClientID, Tenant,
// AuthURL, Scope, CAFile), the Region and the fix settings (FixFormat,
// RateShare) of profile p.ID; the name is not changed. Fields are trimmed.
// Nothing is written, and nothing audited, when nothing changed.
func (db *DB) UpdateConnection(ctx context.Context, p Profile) error {
	trimConnection(&p)
	if err := validateRegion(p.Region); err != nil {
		return err
	}
	if err := validateFixSettings(p); err != nil {
		return err
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		old, err := getProfile(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		var changed []string
		for _, f := range []struct {
			label    string
			old, new string
		}{
			{"Halo URL", old.HaloURL, p.HaloURL},
			{"Client ID", old.ClientID, p.ClientID},
			{"tenant", old.Tenant, p.Tenant},
			{"auth URL", old.AuthURL, p.AuthURL},
			{"scope", old.Scope, p.Scope},
			{"CA file", old.CAFile, p.CAFile},
			{"region", old.Region, p.Region},
			{"number format", old.FixFormat, p.FixFormat},
			{"rate share", strconv.Itoa(old.RateShare), strconv.Itoa(p.RateShare)},
		} {
			if f.old != f.new {
				changed = append(changed, f.label)
			}
		}
		if len(changed) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE profiles SET halo_url = ?, client_id = ?, tenant = ?,
			auth_url = ?, scope = ?, ca_file = ?, region = ?, fix_format = ?, rate_share = ?, updated_at = ? WHERE id = ?`,
			p.HaloURL, p.ClientID, p.Tenant, p.AuthURL, p.Scope, p.CAFile, p.Region, p.FixFormat, p.RateShare,
			fmtTime(time.Now()), p.ID); err != nil {
			return err
		}
		// Field names only: values such as the Client ID stay out of the log.
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: old.Name,
			Action: ActionConnectionUpdated, Detail: "changed " + strings.Join(changed, ", ")})
	})
}

// DuplicateProfile creates a profile named newName with the connection
// fields, region and checklist of profile id. The snapshot, run history,
// contacts audit, 1stream users and mappings are not copied (they belong to the original Halo
// instance's pull and phone system), and neither is the Client Secret: the
// caller copies it with Secrets if wanted.
func (db *DB) DuplicateProfile(ctx context.Context, id int64, newName string) (Profile, error) {
	name, err := validateName(newName)
	if err != nil {
		return Profile{}, err
	}
	var out Profile
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		src, err := getProfile(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkNameFree(ctx, tx, name, 0); err != nil {
			return err
		}
		cp := src
		cp.Name = name
		out, err = insertProfile(ctx, tx, cp, time.Now())
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checklist (profile_id, step_id, done, done_by, at)
			SELECT ?, step_id, done, done_by, at FROM checklist WHERE profile_id = ?`, out.ID, id); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: out.ID, ProfileName: out.Name,
			Action: ActionProfileDuplicated, Detail: fmt.Sprintf("duplicated from %q (profile %d)", src.Name, src.ID)})
	})
	return out, err
}

// DeleteProfile deletes a profile and everything it owns (checklist,
// snapshot, runs, users, mappings, contacts snapshot), leaving no copy in
// the files (see scrub). Its audit events stay but those naming people
// (its users' and mappings', see PruneAudit; all stay with KeepRuns 0).
// The caller deletes the profile's Client Secret from the keyring.
func (db *DB) DeleteProfile(ctx context.Context, id int64) error {
	_, err := db.deleteProfile(ctx, id)
	return err
}

// deleteProfile deletes the profile and says what was recorded about its
// secret at that moment, in the same transaction: a Save in another process
// marks the state before it writes the keyring (trackedSecrets.Set).
func (db *DB) deleteProfile(ctx context.Context, id int64) (last SecretState, err error) {
	err = db.withTx(ctx, func(tx *sql.Tx) error {
		p, err := getProfile(ctx, tx, id)
		if err != nil {
			return err
		}
		var v sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT secret_stored FROM profiles WHERE id = ?", id).Scan(&v); err != nil {
			return err
		}
		last = secretStateOf(v)
		if _, err := tx.ExecContext(ctx, "DELETE FROM profiles WHERE id = ?", id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM settings WHERE key = ? AND value = ?",
			settingSelectedProfile, strconv.FormatInt(id, 10)); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: id, ProfileName: p.Name,
			Action: ActionProfileDeleted, Detail: fmt.Sprintf("deleted profile %q", p.Name)})
	})
	if err != nil {
		return last, err
	}
	// Its users and contacts are personal data, and so are its audit
	// events (who was mapped to whom): they go with its history, and no
	// copy stays in the files.
	if _, err := db.PruneAudit(ctx); err != nil {
		return last, err
	}
	return last, db.scrub(ctx)
}

// SelectedProfile returns the profile last selected in the app; ok is false
// when none is selected or it no longer exists.
func (db *DB) SelectedProfile(ctx context.Context) (int64, bool, error) {
	var id int64
	err := db.db.QueryRowContext(ctx, `SELECT p.id FROM settings s JOIN profiles p ON p.id = CAST(s.value AS INTEGER)
		WHERE s.key = ?`, settingSelectedProfile).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	return id, true, nil
}

// SetSelectedProfile remembers the selected profile (ErrNotFound if it does
// not exist).
func (db *DB) SetSelectedProfile(ctx context.Context, id int64) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProfile(ctx, tx, id); err != nil {
			return err
		}
		return setSetting(ctx, tx, settingSelectedProfile, strconv.FormatInt(id, 10))
	})
}

// Setting returns an app setting; ok is false when it was never set.
func (db *DB) Setting(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := db.db.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// SetSetting stores an app setting. Never store secrets here.
func (db *DB) SetSetting(ctx context.Context, key, value string) error {
	if key == "" {
		return errorf(ErrInvalid, "a setting needs a key")
	}
	return db.withTx(ctx, func(tx *sql.Tx) error { return setSetting(ctx, tx, key, value) })
}

func setSetting(ctx context.Context, tx execer, key, value string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// Checklist returns the recorded steps of a profile by step ID. Steps never
// touched are absent.
func (db *DB) Checklist(ctx context.Context, profileID int64) (map[string]ChecklistItem, error) {
	out := map[string]ChecklistItem{}
	err := db.readTx(ctx, func(q querier) error {
		if _, err := getProfile(ctx, q, profileID); err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, "SELECT step_id, done, done_by, at FROM checklist WHERE profile_id = ?", profileID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var it ChecklistItem
			var at string
			if err := rows.Scan(&it.StepID, &it.Done, &it.By, &at); err != nil {
				return err
			}
			it.At = parseTime(at)
			out[it.StepID] = it
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SetChecklistStep records a step as done or not done by whom (default the
// DB's actor).
func (db *DB) SetChecklistStep(ctx context.Context, profileID int64, stepID string, done bool, by string) error {
	stepID = strings.TrimSpace(stepID)
	if stepID == "" || len(stepID) > 64 {
		return errorf(ErrInvalid, "invalid checklist step ID %q", stepID)
	}
	if by == "" {
		by = db.Actor()
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		p, err := getProfile(ctx, tx, profileID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checklist (profile_id, step_id, done, done_by, at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (profile_id, step_id) DO UPDATE SET done = excluded.done, done_by = excluded.done_by, at = excluded.at`,
			profileID, stepID, boolInt(done), by, fmtTime(time.Now())); err != nil {
			return err
		}
		action := ActionChecklistChecked
		if !done {
			action = ActionChecklistUnchecked
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: profileID, ProfileName: p.Name,
			Actor: by, Action: action, Detail: "step " + stepID})
	})
}

// ResetChecklist clears all steps of a profile.
func (db *DB) ResetChecklist(ctx context.Context, profileID int64) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		p, err := getProfile(ctx, tx, profileID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM checklist WHERE profile_id = ?", profileID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: profileID, ProfileName: p.Name,
			Action: ActionChecklistReset, Detail: fmt.Sprintf("cleared %d steps", n)})
	})
}
