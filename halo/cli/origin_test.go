package cli

import (
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// check through the CLI: an API redirect to another port is refused and
// named, and an auth server on another host is a warning naming it.
func TestCheckRefusesAPIRedirectAndNamesAnotherAuthHost(t *testing.T) {
	other := startHalo(t, halotest.Demo())
	srv := startHalo(t, halotest.Scenario{APIRedirect: other.URL()})
	h := newHarness(t)
	h.env["HALO_CLIENT_SECRET"] = srv.ClientSecret()
	r := h.run("", "check", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-from-env")
	if r.code != ExitFailed || !strings.Contains(r.stdout, other.URL()+"/api/Agent/me") {
		t.Fatalf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := other.Requests(); n != 0 {
		t.Fatalf("the other port received %d requests", n)
	}

	loc := startHalo(t, halotest.Scenario{AuthOnLocalhost: true})
	h.env["HALO_CLIENT_SECRET"] = loc.ClientSecret()
	r = h.run("", "check", "--url", loc.URL(), "--client-id", loc.ClientID(), "--secret-from-env", "--json")
	c := decodeCheck(t, r.stdout)
	if r.code != 0 || *c.Checks[2].ID != "halo" || *c.Checks[2].Status != "warn" || !strings.Contains(*c.Checks[2].Detail, "localhost") {
		t.Fatalf("check: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// check --profile takes no --ca-file: the profile's CA is the only one its
// secret is sent with.
func TestCheckRefusesCAFileWithProfile(t *testing.T) {
	srv := startHalo(t, halotest.Scenario{TLS: true})
	ca, err := srv.CAFile()
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t)
	if r := h.run(srv.ClientSecret(), "profile", "add", "P", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	r := h.run("", "check", "--profile", "P", "--ca-file", ca)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "--ca-file cannot be used with --profile") || r.stdout != "" {
		t.Fatalf("check --profile --ca-file: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := srv.Requests(); n != 0 {
		t.Fatalf("%d requests reached Halo", n)
	}
}
