package storage

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// The authorisation server found at a secret's first use is recorded in
// the profile's sealed binding (audited), and a later change is refused
// before the secret leaves.
func TestFirstUseRecordsTheDiscoveredAuthServer(t *testing.T) {
	ctx := context.Background()
	home, other := halotest.New(halotest.Demo()), halotest.New(halotest.Demo())
	t.Cleanup(home.Close)
	t.Cleanup(other.Close)
	db := openTest(t)
	sec := &memSecrets{m: map[int64]string{}}
	p, err := db.CreateProfile(ctx, Profile{Name: "Acme", HaloURL: home.URL(), ClientID: home.ClientID()})
	if err != nil {
		t.Fatal(err)
	}
	if err := StoreSecret(ctx, db, sec, p, home.ClientSecret(), ""); err != nil {
		t.Fatal(err)
	}
	login := func() error {
		t.Helper()
		p, _ = db.Profile(ctx, p.ID)
		c, err := halo.NewClient(db.HaloConfig(p, home.ClientSecret(), nil))
		if err != nil {
			t.Fatal(err)
		}
		err = c.Authenticate(ctx)
		p, _ = db.Profile(ctx, p.ID)
		return err
	}
	if err := login(); err != nil {
		t.Fatalf("first use: %v", err)
	}
	u, _ := url.Parse(home.URL())
	if d, ok := halo.ParseDestination(p.SecretDest); !ok || d.Found != "http://"+u.Host {
		t.Fatalf("recorded %q", p.SecretDest)
	}
	if ev := lastAudit(t, db, p.ID); ev.Action != ActionSecretAuthRecorded || !strings.Contains(ev.Detail, u.Host) {
		t.Fatalf("audit %+v", ev)
	}
	if _, ok := p.SecretGoesTo(); !ok {
		t.Fatal("recording the auth server unbound the secret from its settings")
	}
	if _, ok := p.SecretSealedTo(home.ClientSecret()); !ok {
		t.Fatal("the recorded binding is not sealed")
	}

	home.SetAuthInfoAuthURL(other.URL() + "/auth")
	var dc *halo.DestinationChangedError
	if err := login(); !errors.As(err, &dc) || !dc.AuthServerMoved() {
		t.Fatalf("after authinfo moved: %v", err)
	}
	if n := other.TokenRequests(); n != 0 {
		t.Fatalf("%d token requests reached the new auth server", n)
	}

	// Confirming it (or entering it again) trusts the next answer once.
	if _, err := KeepSecret(ctx, db, sec, p); err != nil {
		t.Fatal(err)
	}
	if err := login(); err != nil || other.TokenRequests() != 1 {
		t.Fatalf("after --keep-secret: %v", err)
	}
	if d, _ := halo.ParseDestination(p.SecretDest); !strings.Contains(other.URL(), strings.TrimPrefix(d.Found, "http://")) {
		t.Fatalf("recorded %q after confirming", p.SecretDest)
	}
}

// A record made while another process replaced the binding stores
// nothing and hands back the binding stored now.
func TestRecordingLosesToABindingChangedMeanwhile(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	sec := &memSecrets{m: map[int64]string{}}
	p := mustProfile(t, db, "Acme")
	if err := StoreSecret(ctx, db, sec, p, "s3cret", ""); err != nil {
		t.Fatal(err)
	}
	p, _ = db.Profile(ctx, p.ID)
	b := db.HaloConfig(p, "s3cret", nil).SecretFor
	if err := StoreSecret(ctx, db, sec, p, "new-secret", ""); err != nil { // another window saves a new secret
		t.Fatal(err)
	}
	now := b.Dest
	now.Found = "https://login.example.com:443"
	stored, err := b.Record(ctx, b.Seal, halo.SecretBinding{Dest: now, Seal: now.Seal("s3cret")})
	if err != nil || stored == nil || !stored.Holds(now, "new-secret") {
		t.Fatalf("record over a newer binding: %+v %v", stored, err)
	}
	q, _ := db.Profile(ctx, p.ID)
	if _, ok := q.SecretSealedTo("new-secret"); !ok {
		t.Fatal("the newer binding was replaced")
	}
}

// SecretLeftBehind asks only about a change that moves the connection.
func TestSecretLeftBehind(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	sec := db.TrackSecrets(&memSecrets{m: map[int64]string{}})
	p := mustProfile(t, db, "Acme")
	moved := p
	moved.HaloURL = "https://fabrikam.halopsa.com"
	if got, err := SecretLeftBehind(ctx, db, p, moved); got != nil || err != nil {
		t.Fatalf("without a secret: %v %v", got, err)
	}
	if err := StoreSecret(ctx, db, sec, p, "s3cret", ""); err != nil {
		t.Fatal(err)
	}
	p, _ = db.Profile(ctx, p.ID)
	moved = p
	moved.HaloURL = "https://fabrikam.halopsa.com"
	got, err := SecretLeftBehind(ctx, db, p, moved)
	if err != nil || got == nil || !strings.Contains(got.Was.Describe(), "acme") || !strings.Contains(got.Now.Describe(), "fabrikam") {
		t.Fatalf("moved: %+v %v", got, err)
	}
	same := p
	same.HaloURL = "acme.halopsa.com/api/"
	same.Tenant = "acme"
	if got, err := SecretLeftBehind(ctx, db, p, same); got != nil || err != nil {
		t.Fatalf("not moved: %v %v", got, err)
	}
	// Already unbound by an earlier change: this one is not asked about.
	if err := db.UpdateConnection(ctx, moved); err != nil {
		t.Fatal(err)
	}
	moved, _ = db.Profile(ctx, p.ID)
	later := moved
	later.Tenant = "fabrikam"
	if got, err := SecretLeftBehind(ctx, db, moved, later); got != nil || err != nil {
		t.Fatalf("unbound earlier: %v %v", got, err)
	}
}

// A duplicate gets the secret only while it is bound to the original's
// settings, and with the original's recorded authorisation server.
func TestCopySecretKeepsTheBinding(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	sec := db.TrackSecrets(&memSecrets{m: map[int64]string{}})
	from := mustProfile(t, db, "Acme")
	if err := StoreSecret(ctx, db, sec, from, "s3cret", ""); err != nil {
		t.Fatal(err)
	}
	from, _ = db.Profile(ctx, from.ID)
	b := db.HaloConfig(from, "s3cret", nil).SecretFor
	found := b.Dest
	found.Found = "https://login.example.com:443"
	if _, err := b.Record(ctx, b.Seal, halo.SecretBinding{Dest: found, Seal: found.Seal("s3cret")}); err != nil {
		t.Fatal(err)
	}
	to, _ := db.CreateProfile(ctx, Profile{Name: "Acme (copy)", HaloURL: from.HaloURL})
	if err := CopySecret(ctx, db, sec, from, to); err != nil {
		t.Fatal(err)
	}
	to, _ = db.Profile(ctx, to.ID)
	if d, _ := halo.ParseDestination(to.SecretDest); d != found {
		t.Fatalf("the copy is bound to %q, want %q", to.SecretDest, found)
	}

	// Saved without it for another address: not copied.
	moved := from
	moved.HaloURL = "https://fabrikam.halopsa.com"
	if err := db.UpdateConnection(ctx, moved); err != nil {
		t.Fatal(err)
	}
	other, _ := db.CreateProfile(ctx, Profile{Name: "Fabrikam", HaloURL: moved.HaloURL})
	if err := CopySecret(ctx, db, sec, moved, other); err == nil || !strings.Contains(err.Error(), "not bound") {
		t.Fatalf("an unbound secret was copied: %v", err)
	}
	if _, err := sec.Get(ctx, other.ID); !errors.Is(err, ErrSecretNotFound) {
		t.Fatal("the unbound secret reached the copy's keyring entry")
	}
}
