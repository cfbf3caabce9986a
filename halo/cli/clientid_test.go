package cli

import (
	"strings"
	"testing"
)

// A Client ID pasted with a secret inside it (quotes, a label, zero-width
// characters) is refused by profile add and check, and the secret is not
// echoed.
func TestClientIDHoldingASecretIsRefused(t *testing.T) {
	const secret = "9b1de6f0-5c1a-4f7e-9a55-2f4c1d7e8a10-3f2a9c1e-8d7b-4e6f-a1b2-c3d4e5f60718"
	h := newHarness(t)
	for _, id := range []string{`"` + secret + `"`, "Secret: " + secret, secret[:30] + "\u200b" + secret[30:]} {
		r := h.run("", "profile", "add", "P", "--url", "https://x.halopsa.com", "--client-id", id)
		if r.code != ExitUsage || !strings.Contains(r.stderr, "looks like the Client Secret") || strings.Contains(r.stdout+r.stderr, secret) {
			t.Fatalf("profile add --client-id %q: exit %d\n%s%s", id, r.code, r.stdout, r.stderr)
		}
		h.env["HALO_CLIENT_SECRET"] = "0f8fad5b-d9cb-469f-a165-70867728950e"
		r = h.run("", "check", "--url", "https://x.halopsa.com", "--client-id", id)
		if r.code != ExitUsage || strings.Contains(r.stdout+r.stderr, secret) {
			t.Fatalf("check --client-id %q: exit %d\n%s%s", id, r.code, r.stdout, r.stderr)
		}
	}
	if r := h.run("", "profile", "list"); strings.Contains(r.stdout, "P") && strings.Contains(r.stdout, "x.halopsa.com") {
		t.Fatalf("a profile was stored: %s", r.stdout)
	}
}
