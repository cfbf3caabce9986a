package cli

import (
	"context"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

// An ambient HALO_CLIENT_SECRET (customer A's) never replaces or overrides
// customer B's stored secret: profile set stores only from an explicit
// source, and check/sync --profile always send B's own secret.
func TestAmbientSecretNeverReplacesOrOverridesAProfileSecret(t *testing.T) {
	const secretA = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d-5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9"
	srvA := startHalo(t, halotest.Scenario{ClientSecret: secretA})
	srvB := startHalo(t, halotest.Demo())
	h := newHarness(t)
	if r := h.run(srvB.ClientSecret(), "profile", "add", "B", "--url", srvB.URL(), "--client-id", srvB.ClientID(), "--secret-stdin"); r.code != 0 ||
		!strings.Contains(r.stdout, "from standard input") {
		t.Fatalf("add B: %+v", r)
	}
	h.env["HALO_CLIENT_SECRET"] = secretA

	r := h.run("", "profile", "set", "B", "--tenant", "x")
	if r.code != 0 || strings.Contains(r.stdout, "Client Secret") || !strings.Contains(r.stderr, "--secret-from-env") {
		t.Fatalf("set B with an ambient secret: %+v", r)
	}
	if got, _ := h.secrets.Get(context.Background(), profileID(t, h, "B")); got != srvB.ClientSecret() {
		t.Fatal("profile set replaced B's keyring secret with the ambient HALO_CLIENT_SECRET")
	}
	h.run("", "profile", "set", "B", "--tenant", "")
	// B's server accepts only B's secret: passing proves which one was sent.
	if r := h.run("", "check", "--profile", "B"); r.code != 0 || !strings.Contains(r.stderr, "ignored") {
		t.Fatalf("check --profile B sent another secret: %+v", r)
	}
	if r := h.run("", "sync", "--profile", "B"); r.code != 0 {
		t.Fatalf("sync --profile B sent another secret: %+v", r)
	}
	for _, args := range [][]string{
		{"check", "--profile", "B", "--secret-from-env"},
		{"check", "--profile", "B", "--secret-stdin"},
		{"check", "--profile", "B", "--auth-url", srvA.URL()},
		{"profile", "set", "B", "--secret-stdin", "--secret-from-env"},
	} {
		if r := h.run(secretA, args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, r.code, r.stderr)
		}
	}

	// The ad-hoc check takes HALO_CLIENT_SECRET only when asked to, and
	// says how when it is set but not asked for.
	if r := h.run("", "check", "--url", srvA.URL(), "--client-id", srvA.ClientID()); r.code != 2 ||
		!strings.Contains(r.stderr, "used only with --secret-from-env") || srvA.TokenRequests() != 0 {
		t.Fatalf("ad-hoc check with an ambient HALO_CLIENT_SECRET: %+v, %d token requests", r, srvA.TokenRequests())
	}
	if r := h.run("", "check", "--url", srvA.URL(), "--client-id", srvA.ClientID(), "--secret-from-env"); r.code != 0 {
		t.Fatalf("ad-hoc check with --secret-from-env: %+v", r)
	}
	// An explicit --secret-from-env stores it and says so.
	r = h.run("", "profile", "add", "A", "--url", srvA.URL(), "--client-id", srvA.ClientID(), "--secret-from-env")
	if r.code != 0 || !strings.Contains(r.stdout, "from env HALO_CLIENT_SECRET") {
		t.Fatalf("add A --secret-from-env: %+v", r)
	}
	if got, _ := h.secrets.Get(context.Background(), profileID(t, h, "A")); got != secretA {
		t.Fatal("--secret-from-env did not store the secret")
	}
	delete(h.env, "HALO_CLIENT_SECRET")
	if r := h.run("", "profile", "set", "A", "--secret-from-env"); r.code != 2 || !strings.Contains(r.stderr, "HALO_CLIENT_SECRET") {
		t.Fatalf("--secret-from-env without the variable: %+v", r)
	}
}

// A Client Secret given as --client-id is refused, named as swapped, never
// echoed and never stored.
func TestSecretShapedClientIDIsRefused(t *testing.T) {
	srv := startHalo(t, halotest.Demo())
	secret := srv.ClientSecret()
	h := newHarness(t)
	h.run("", "profile", "add", "Kept", "--url", srv.URL(), "--client-id", srv.ClientID())
	for _, args := range [][]string{
		{"profile", "add", "Swapped", "--url", srv.URL(), "--client-id", secret},
		{"profile", "set", "Kept", "--client-id", " " + secret + " "},
		{"check", "--url", srv.URL(), "--client-id", secret, "--secret-stdin"},
	} {
		r := h.run(srv.ClientID(), args...)
		if r.code != 2 || !strings.Contains(r.stderr, "swapped") || strings.Contains(r.stderr+r.stdout, secret) {
			t.Errorf("%v: %+v", args, r)
		}
	}
	r := h.run("", "profile", "list", "--json")
	if strings.Contains(r.stdout, "Swapped") || strings.Contains(r.stdout, secret) || !strings.Contains(r.stdout, srv.ClientID()) {
		t.Fatalf("a secret-shaped Client ID was stored:\n%s", r.stdout)
	}
}

// A profile that never had a Client Secret is removed without the keyring
// (and without --force); one whose secret is stored still needs it.
func TestProfileRemoveWithoutASecretNeedsNoKeyring(t *testing.T) {
	h := newHarness(t)
	h.run("", "profile", "add", "Never")
	h.run("s3cret-value", "profile", "add", "Had", "--secret-stdin")
	h.run("s3cret-value", "profile", "add", "Removed", "--secret-stdin")
	// A secret removed behind the app's back still counts as stored: only
	// the keyring could tell, so it is asked.
	if err := h.secrets.Delete(context.Background(), profileID(t, h, "Removed")); err != nil {
		t.Fatal(err)
	}
	h.secrets.(*storage.MemorySecrets).FailWith(&storage.KeyringUnavailableError{})
	if r := h.run("", "profile", "remove", "Never"); r.code != 0 || r.stderr != "" {
		t.Fatalf("remove a profile without a secret, keyring down: %+v", r)
	}
	if r := h.run("", "profile", "remove", "Had"); r.code != 1 || !strings.Contains(r.stderr, "--force") {
		t.Fatalf("remove a profile with a secret, keyring down: %+v", r)
	}
	if r := h.run("", "profile", "remove", "Removed"); r.code != 1 {
		t.Fatalf("the database cannot know a secret was removed behind its back: %+v", r)
	}
}

// history keep shows and sets the retention, pruning at once; older runs
// also go whenever a command opens the database.
func TestHistoryKeepSetting(t *testing.T) {
	h := newHarness(t)
	h.run("", "profile", "add", "Runs")
	if r := h.run("", "history", "keep"); r.code != 0 || !strings.Contains(r.stdout, "newest 200 runs") {
		t.Fatalf("default: %+v", r)
	}
	id := profileID(t, h, "Runs")
	db, err := storage.Open(context.Background(), h.dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, err := db.AddRun(context.Background(), storage.Run{ProfileID: id, Kind: storage.RunCheck}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if r := h.run("", "history", "keep", "3"); r.code != 0 || !strings.Contains(r.stdout, "1 older run removed") {
		t.Fatalf("keep 3: %+v", r)
	}
	if r := h.run("", "history", "keep"); !strings.Contains(r.stdout, "newest 3 runs") {
		t.Fatalf("after keep 3: %+v", r)
	}
	for _, bad := range []string{"-1", "many", "1e9"} {
		if r := h.run("", "history", "keep", bad); r.code != 2 {
			t.Errorf("keep %s: %+v", bad, r)
		}
	}
	if r := h.run("", "history", "keep", "0"); r.code != 0 || !strings.Contains(r.stdout, "every run") {
		t.Fatalf("keep 0: %+v", r)
	}
}
