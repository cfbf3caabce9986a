package storage

import (
	"context"
	"errors"
	"testing"
)

// memSecrets is a keyring in memory whose Delete can fail like a locked one.
type memSecrets struct {
	m         map[int64]string
	deleteErr error
}

func (s *memSecrets) Get(_ context.Context, id int64) (string, error) {
	v, ok := s.m[id]
	if !ok {
		return "", ErrSecretNotFound
	}
	return v, nil
}

func (s *memSecrets) Set(_ context.Context, id int64, v string) error { s.m[id] = v; return nil }

func (s *memSecrets) Delete(_ context.Context, id int64) error {
	if s.deleteErr != nil {
		return s.deleteErr
	}
	if _, ok := s.m[id]; !ok {
		return ErrSecretNotFound
	}
	delete(s.m, id)
	return nil
}

// secretActions lists the secret.* audit actions, newest first.
func secretActions(t *testing.T, db *DB) []string {
	t.Helper()
	evs, err := db.AuditLog(context.Background(), AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range evs {
		switch ev.Action {
		case ActionSecretStored, ActionSecretRemoved, ActionSecretLeft:
			out = append(out, ev.Action)
		}
	}
	return out
}

func TestStoreSecretAudits(t *testing.T) {
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	sec := &memSecrets{m: map[int64]string{}}
	if err := StoreSecret(ctxBG, db, db.TrackSecrets(sec), p, "s3cret", ""); err != nil {
		t.Fatal(err)
	}
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionSecretStored || ev.Detail != "Client Secret stored in the system keyring" || ev.Actor == "" {
		t.Fatalf("audit = %+v", ev)
	}
	if st, _ := db.SecretState(ctxBG, p.ID); st != SecretStored || sec.m[p.ID] != "s3cret" {
		t.Fatalf("state %v, keyring %q", st, sec.m[p.ID])
	}
	if err := StoreSecret(ctxBG, db, sec, p, "again", "Client Secret copied from Other"); err != nil {
		t.Fatal(err)
	}
	if ev := lastAudit(t, db, p.ID); ev.Detail != "Client Secret copied from Other" {
		t.Fatalf("audit = %+v", ev)
	}
}

func TestDeleteProfileWithSecret(t *testing.T) {
	locked := errors.New("the keyring is locked")
	for _, tc := range []struct {
		name       string
		stored     bool  // a secret was stored through the tracked store
		deleteErr  error // the keyring's answer to Delete
		force      bool
		deleted    bool
		secretKept bool
		audit      []string
	}{
		{"never had a secret: nothing to audit", false, nil, false, true, false, nil},
		{"secret removed with the profile", true, nil, false, true, false, []string{ActionSecretRemoved, ActionSecretStored}},
		{"keyring locked: nothing deleted", true, locked, false, false, true, []string{ActionSecretStored}},
		{"keyring locked, forced: secret left", true, locked, true, true, true, []string{ActionSecretLeft, ActionSecretStored}},
		{"locked keyring never asked without a secret", false, locked, false, true, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := openTest(t)
			p := mustProfile(t, db, "Acme")
			mem := &memSecrets{m: map[int64]string{}}
			sec := db.TrackSecrets(mem)
			if tc.stored {
				if err := StoreSecret(ctxBG, db, sec, p, "s3cret", ""); err != nil {
					t.Fatal(err)
				}
			} else if err := db.setSecretState(ctxBG, p.ID, SecretNone); err != nil {
				t.Fatal(err)
			}
			mem.deleteErr = tc.deleteErr
			secretErr, err := DeleteProfileWithSecret(ctxBG, db, sec, p, tc.force)
			if err != nil {
				t.Fatal(err)
			}
			if (secretErr != nil) != tc.secretKept {
				t.Fatalf("secretErr = %v, want kept %v", secretErr, tc.secretKept)
			}
			_, err = db.Profile(ctxBG, p.ID)
			if gone := errors.Is(err, ErrNotFound); gone != tc.deleted {
				t.Fatalf("profile deleted %v, want %v (%v)", gone, tc.deleted, err)
			}
			got := secretActions(t, db)
			if len(got) != len(tc.audit) {
				t.Fatalf("secret audit %v, want %v", got, tc.audit)
			}
			for i := range got {
				if got[i] != tc.audit[i] {
					t.Fatalf("secret audit %v, want %v", got, tc.audit)
				}
			}
		})
	}
}
