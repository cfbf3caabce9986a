package storage

import (
	"context"
	"testing"
)

func TestTrackSecretsRecordsWhetherASecretWasStored(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	mem := NewMemorySecrets()
	s := db.TrackSecrets(mem)
	p := mustProfile(t, db, "Tracked")
	state := func() SecretState {
		t.Helper()
		st, err := db.SecretState(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if state() != SecretNone {
		t.Fatalf("a new profile: %v, want SecretNone", state())
	}
	if err := s.Set(ctx, p.ID, "x"); err != nil || state() != SecretStored {
		t.Fatalf("after Set: %v %v", state(), err)
	}
	// A failed write (maybe landing later) leaves it to the keyring.
	mem.FailWith(&KeyringUnavailableError{})
	if err := s.Set(ctx, p.ID, "y"); err == nil || state() != SecretUnknown {
		t.Fatalf("after a failed Set: %v %v", state(), err)
	}
	if err := s.Delete(ctx, p.ID); err == nil {
		t.Fatal("Delete with an unknown state must ask the (failing) keyring")
	}
	mem.FailWith(nil)
	if _, err := s.Get(ctx, p.ID); err != nil || state() != SecretStored {
		t.Fatalf("after Get: %v %v", state(), err)
	}
	if err := s.Delete(ctx, p.ID); err != nil || state() != SecretNone || mem.Has(p.ID) {
		t.Fatalf("after Delete: %v %v", state(), err)
	}
	// Now nothing asks the keyring.
	mem.FailWith(&KeyringUnavailableError{})
	if err := s.Delete(ctx, p.ID); err != nil {
		t.Fatalf("Delete of a never-stored secret asked the keyring: %v", err)
	}
	// Profiles from before the migration are unknown.
	if _, err := db.db.Exec("UPDATE profiles SET secret_stored = NULL WHERE id = ?", p.ID); err != nil {
		t.Fatal(err)
	}
	if state() != SecretUnknown || s.Delete(ctx, p.ID) == nil {
		t.Fatalf("a profile from before: %v", state())
	}
	if p, ok := s.(interface{ Probe(context.Context) error }); !ok || p.Probe(ctx) == nil {
		t.Fatal("Probe must pass through to the keyring")
	}
}
