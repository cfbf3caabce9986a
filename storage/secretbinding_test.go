package storage

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The stored secret is bound to the destination it was entered for; a
// change of URL, authorisation server or CA file unbinds it until it is
// entered again or kept on purpose.
func TestSecretBinding(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	p := mustProfile(t, db, "Acme")
	sec := &memSecrets{m: map[int64]string{}}

	if _, ok := p.SecretGoesTo(); ok {
		t.Fatal("a profile without a stored secret counts as bound")
	}
	if b := db.HaloConfig(p, "x", nil).SecretFor; b == nil || b.Seal != "" {
		t.Fatalf("an unbound profile's config = %+v", b)
	}
	if cfg := db.HaloConfig(Profile{HaloURL: p.HaloURL}, "x", nil); cfg.SecretFor != nil {
		t.Fatal("an unsaved profile (ad-hoc check) is bound to nothing")
	}
	if err := StoreSecret(ctx, db, sec, p, "s3cret", ""); err != nil {
		t.Fatal(err)
	}
	p, _ = db.Profile(ctx, p.ID)
	now, ok := p.SecretGoesTo()
	if !ok || now.Halo != "https://acme.halopsa.com:443" {
		t.Fatalf("after StoreSecret: %+v bound=%v", now, ok)
	}
	b := db.HaloConfig(p, "s3cret", nil).SecretFor
	if b == nil || !now.Sealed("s3cret", b.Seal) || now.Sealed("other", b.Seal) {
		t.Fatalf("the config's binding does not seal this secret to this destination: %+v", b)
	}
	if _, ok := p.SecretSealedTo("s3cret"); !ok {
		t.Fatal("the stored secret is not sealed to its own settings")
	}
	if _, ok := p.SecretSealedTo("other"); ok {
		t.Fatal("another secret counts as sealed")
	}
	edited := p
	edited.SecretSeal = now.Seal("other")
	if _, ok := edited.SecretSealedTo("s3cret"); ok {
		t.Fatal("an edited seal counts as sealed")
	}

	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	os.WriteFile(ca, []byte("not really a certificate"), 0o600)
	for name, change := range map[string]func(*Profile){
		"url":      func(p *Profile) { p.HaloURL = "https://evil.example.com" },
		"port":     func(p *Profile) { p.HaloURL = "https://acme.halopsa.com:8443" },
		"auth url": func(p *Profile) { p.AuthURL = "https://login.example.com/auth" },
		"ca file":  func(p *Profile) { p.CAFile = ca },
	} {
		q := p
		change(&q)
		if err := db.UpdateConnection(ctx, q); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		q, _ = db.Profile(ctx, p.ID)
		if _, ok := q.SecretGoesTo(); ok {
			t.Errorf("%s changed, yet the secret still counts as bound", name)
		}
		if err := db.UpdateConnection(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	// Changing the CA file's contents in place unbinds it too.
	q := p
	q.CAFile = ca
	db.UpdateConnection(ctx, q)
	q, _ = db.Profile(ctx, p.ID)
	if _, err := KeepSecret(ctx, db, sec, q); err != nil {
		t.Fatal(err)
	}
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionSecretKept {
		t.Fatalf("keep audit = %+v", ev)
	}
	q, _ = db.Profile(ctx, p.ID)
	if _, ok := q.SecretGoesTo(); !ok {
		t.Fatal("KeepSecret did not bind the secret to the new destination")
	}
	os.WriteFile(ca, []byte("another certificate"), 0o600)
	if _, ok := q.SecretGoesTo(); ok {
		t.Fatal("a CA file whose contents changed still counts as the same destination")
	}

	// A CA file that cannot be read stops the store before the keyring.
	r := mustProfile(t, db, "Broken")
	r.CAFile = filepath.Join(dir, "missing.pem")
	if err := StoreSecret(ctx, db, sec, r, "s3cret", ""); err == nil {
		t.Fatal("StoreSecret with an unreadable CA file succeeded")
	}
	if _, stored := sec.m[r.ID]; stored {
		t.Fatal("the secret was stored although it could not be bound")
	}
	if _, err := KeepSecret(ctx, db, sec, mustProfile(t, db, "NoSecret")); err == nil {
		t.Fatal("KeepSecret without a stored secret succeeded")
	}
}

// raceSecrets runs during, once, between its first Delete and the rest of
// the removal: another process's Save landing in the middle.
type raceSecrets struct {
	*memSecrets
	during func()
}

func (r *raceSecrets) Delete(ctx context.Context, id int64) error {
	err := r.memSecrets.Delete(ctx, id)
	if f := r.during; f != nil {
		r.during = nil
		f()
	}
	return err
}

// A profile removal racing a Save in another process leaves no secret in
// the keyring, whichever way the two interleave.
func TestRemoveRacingASaveLeavesNoOrphanedSecret(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	sec := &memSecrets{m: map[int64]string{}}
	tracked := db.TrackSecrets(sec) // as both front-ends use the keyring

	// The Save writes its secret after the removal deleted the old one
	// but before the row is gone.
	p := mustProfile(t, db, "Acme")
	if err := StoreSecret(ctx, db, tracked, p, "old", ""); err != nil {
		t.Fatal(err)
	}
	rs := &raceSecrets{memSecrets: sec}
	rs.during = func() {
		if err := StoreSecret(ctx, db, tracked, p, "late", ""); err != nil {
			t.Errorf("the racing Save: %v", err)
		}
	}
	if secretErr, err := DeleteProfileWithSecret(ctx, db, db.TrackSecrets(rs), p, false); err != nil || secretErr != nil {
		t.Fatal(err, secretErr)
	}
	if v, ok := sec.m[p.ID]; ok {
		t.Fatalf("the keyring keeps %q for a removed profile", v)
	}

	// The Save writes its secret after the row is gone.
	q := mustProfile(t, db, "Beta")
	if _, err := DeleteProfileWithSecret(ctx, db, tracked, q, false); err != nil {
		t.Fatal(err)
	}
	if err := StoreSecret(ctx, db, tracked, q, "late", ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("storing for a removed profile: %v", err)
	}
	if v, ok := sec.m[q.ID]; ok {
		t.Fatalf("the keyring keeps %q for a removed profile", v)
	}
}
