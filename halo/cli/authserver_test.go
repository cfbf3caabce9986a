package cli

import (
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// The authorisation server /api/authinfo names is bound like the URL: the
// first use records it (no re-entry for a secret that never had it
// recorded), and when authinfo later names another server no command
// sends the secret there until the admin enters it again or confirms it.
func TestDiscoveredAuthServerMoveWithholdsTheSecretEverywhere(t *testing.T) {
	home, other := startHalo(t, halotest.Demo()), startHalo(t, halotest.Demo())
	h := newHarness(t)
	if r := h.run(home.ClientSecret(), "profile", "add", "P", "--url", home.URL(), "--client-id", home.ClientID(),
		"--region", "gb", "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	if r := h.run("", "check", "--profile", "P"); r.code != 0 {
		t.Fatalf("first use: %+v", r)
	}

	home.SetAuthInfoAuthURL(other.URL() + "/auth")
	for _, args := range [][]string{
		{"check", "--profile", "P"},
		{"sync", "--profile", "P"},
		{"status", "--profile", "P", "--sync"},
		{"contacts", "audit", "--profile", "P"},
		{"lookup", "--profile", "P", "0113 496 0999"},
	} {
		r := h.run("", args...)
		out := r.stdout + r.stderr
		if r.code == 0 || !strings.Contains(out, "now names the authorisation server") || !strings.Contains(out, "was not sent") {
			t.Errorf("%v after authinfo moved: %+v", args, r)
		}
	}
	if n := other.TokenRequests(); n != 0 {
		t.Fatalf("%d token requests reached the new authorisation server", n)
	}
	r := h.run("", "check", "--profile", "P", "--json")
	if !strings.Contains(r.stdout, "--keep-secret") || !strings.Contains(r.stdout, `"step": "halo-13"`) {
		t.Fatalf("check --json does not say how to confirm: %s", r.stdout)
	}

	if r := h.run("", "profile", "set", "P", "--keep-secret"); r.code != 0 {
		t.Fatalf("keep: %+v", r)
	}
	// Confirmed: the secret goes to the new server (whose tokens this
	// simulated Halo does not know, so the data calls fail).
	if r := h.run("", "check", "--profile", "P"); other.TokenRequests() == 0 || strings.Contains(r.stdout, "was not sent") {
		t.Fatalf("check after --keep-secret: %d token requests, %+v", other.TokenRequests(), r)
	}
	// The Halo URL's own origin is bound with the URL: no confirmation.
	home.SetAuthInfoAuthURL("")
	if r := h.run("", "check", "--profile", "P"); r.code != 0 {
		t.Fatalf("back at the Halo URL's own auth server: %+v", r)
	}
}
