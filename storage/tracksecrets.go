package storage

import (
	"context"
	"database/sql"
	"errors"
)

// SecretState is what the database knows about a profile's keyring entry.
type SecretState int

const (
	// SecretUnknown: only the keyring can tell (older profiles, or a
	// write whose outcome is not known).
	SecretUnknown SecretState = iota
	// SecretNone: no Client Secret was ever stored, or it was removed.
	SecretNone
	// SecretStored: a Client Secret was stored.
	SecretStored
)

// SecretState returns what is recorded about the profile's Client Secret.
func (db *DB) SecretState(ctx context.Context, profileID int64) (SecretState, error) {
	var v sql.NullInt64
	err := db.db.QueryRowContext(ctx, "SELECT secret_stored FROM profiles WHERE id = ?", profileID).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return SecretUnknown, errorf(ErrNotFound, "profile %d not found", profileID)
	case err != nil:
		return SecretUnknown, err
	}
	return secretStateOf(v), nil
}

// secretStateOf reads the secret_stored column (NULL: unknown).
func secretStateOf(v sql.NullInt64) SecretState {
	switch {
	case !v.Valid:
		return SecretUnknown
	case v.Int64 == 1:
		return SecretStored
	}
	return SecretNone
}

func (db *DB) setSecretState(ctx context.Context, profileID int64, s SecretState) error {
	var v any // NULL for SecretUnknown
	switch s {
	case SecretNone:
		v = 0
	case SecretStored:
		v = 1
	}
	_, err := db.db.ExecContext(ctx, "UPDATE profiles SET secret_stored = ? WHERE id = ?", v, profileID)
	return err
}

// TrackSecrets returns s recording in db whether each profile has a Client
// Secret: every keyring write of the app goes through it. Delete does not
// ask the keyring when none was ever stored, so a profile that never had a
// secret can be removed while the keyring is unavailable.
func (db *DB) TrackSecrets(s Secrets) Secrets { return trackedSecrets{db: db, s: s} }

type trackedSecrets struct {
	db *DB
	s  Secrets
}

// Probe passes the inner store's probe through (the keyring banner and
// profile add use it).
func (t trackedSecrets) Probe(ctx context.Context) error {
	if p, ok := t.s.(interface{ Probe(context.Context) error }); ok {
		return p.Probe(ctx)
	}
	return nil
}

// Get only ever learns "stored": "none" is recorded by a completed Delete
// alone, since a timed-out write may still land after a read.
func (t trackedSecrets) Get(ctx context.Context, profileID int64) (string, error) {
	v, err := t.s.Get(ctx, profileID)
	if err == nil {
		_ = t.db.setSecretState(ctx, profileID, SecretStored)
	}
	return v, err
}

// Set marks the state unknown first, so a crash or a keyring write that
// may still land later never leaves "none" recorded over a stored secret.
func (t trackedSecrets) Set(ctx context.Context, profileID int64, secret string) error {
	if err := t.db.setSecretState(ctx, profileID, SecretUnknown); err != nil {
		return err
	}
	if err := t.s.Set(ctx, profileID, secret); err != nil {
		return err
	}
	_ = t.db.setSecretState(ctx, profileID, SecretStored)
	return nil
}

func (t trackedSecrets) Delete(ctx context.Context, profileID int64) error {
	if st, err := t.db.SecretState(ctx, profileID); err == nil && st == SecretNone {
		return nil
	}
	if err := t.s.Delete(ctx, profileID); err != nil {
		return err
	}
	_ = t.db.setSecretState(ctx, profileID, SecretNone)
	return nil
}
