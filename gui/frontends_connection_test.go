package gui

import (
	"context"
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/gui/connection"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/cli/clitest"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The Connection screen and `profile add/set` apply the same rules to
// connection values (halo.ValidateConnection) and to "did the secret's
// destination move" (storage.SecretLeftBehind): each case runs the GUI's
// Save and the CLI's command on the same values and compares what each
// refused, warned about and stored.

// connectionPage is a fresh profile shown on the Connection screen.
func connectionPage(t *testing.T, te *testEnv, name string, p storage.Profile) *connectionScreen {
	t.Helper()
	p.Name = name
	p, err := te.db.CreateProfile(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	te.u.profiles.afterChange(p.ID)
	te.wait()
	return connectionFor(t, te)
}

// typeConnection types v over the form's values.
func typeConnection(c *connectionScreen, v halo.ConnectionValues) {
	for e, text := range map[*widget.Entry]string{c.urlEntry: v.URL, c.clientID: v.ClientID, c.secret: v.Secret,
		c.tenant: v.Tenant, c.authURL: v.AuthURL, c.scope: v.Scope, c.caFile: v.CAFile} {
		retype(e, text)
	}
}

// guiFinding is what the screen says about field after a Save: the
// message of a refusal (from the status line) or of a warning (the hint).
func guiFinding(c *connectionScreen, field halo.ConnectionField) (msg string, refused bool) {
	label := connection.Labels[field] + ": "
	if i := strings.Index(c.status.Text, label); strings.HasPrefix(c.status.Text, "Not saved.") && i >= 0 {
		return c.status.Text[i+len(label):], true
	}
	hint := map[halo.ConnectionField]*widget.Label{halo.FieldClientID: c.idHint, halo.FieldSecret: c.secretHint}[field]
	if hint != nil && hint.Importance == widget.WarningImportance {
		return strings.TrimPrefix(hint.Text, "⚠ "), false
	}
	return "", false
}

// cliFinding is what the CLI said about field: the message after its flag
// in a refusal (exit 2) or a note.
func cliFinding(r clitest.ConnectionResult, field halo.ConnectionField) (msg string, refused bool) {
	name := map[halo.ConnectionField]string{halo.FieldURL: "--url", halo.FieldClientID: "--client-id",
		halo.FieldSecret: "the Client Secret from standard input", halo.FieldTenant: "--tenant",
		halo.FieldAuthURL: "--auth-url", halo.FieldCAFile: "--ca-file"}[field] + ": "
	for _, line := range strings.Split(r.Stderr, "\n") {
		if i := strings.Index(line, name); i >= 0 {
			return strings.TrimSpace(line[i+len(name):]), !strings.HasPrefix(line, "note: ")
		}
	}
	return "", false
}

// writeCA writes a real certificate to dir/ca.pem and returns its path.
func writeCA(t *testing.T, dir string) string {
	t.Helper()
	srv := httptest.NewTLSServer(nil)
	srv.Close()
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return ca
}

func TestConnectionValuesAgreeWithProfileAdd(t *testing.T) {
	dir := t.TempDir()
	ca := writeCA(t, dir)
	t.Chdir(dir) // both front-ends read a relative CA file from here
	ok := halo.ConnectionValues{URL: "  Contoso.HaloPSA.com/api/ ", ClientID: testClientID, Secret: testSecret}
	with := func(f func(*halo.ConnectionValues)) halo.ConnectionValues { v := ok; f(&v); return v }
	te := newTestUI(t, "")
	for i, tc := range []struct {
		name    string
		v       halo.ConnectionValues
		field   halo.ConnectionField // "" = accepted without a finding
		refused bool
	}{
		{"valid, URL canonicalised", ok, "", false},
		{"plain http", with(func(v *halo.ConnectionValues) { v.URL = "http://contoso.halopsa.com" }), halo.FieldURL, true},
		{"Client ID with a space", with(func(v *halo.ConnectionValues) { v.ClientID = "abc def" }), halo.FieldClientID, true},
		{"secret as the Client ID", with(func(v *halo.ConnectionValues) { v.ClientID = "Secret: " + testSecret }), halo.FieldClientID, true},
		{"odd Client ID", with(func(v *halo.ConnectionValues) { v.ClientID = "my-client" }), halo.FieldClientID, false},
		{"secret with a space", with(func(v *halo.ConnectionValues) { v.Secret = "abc def" }), halo.FieldSecret, true},
		{"odd secret", with(func(v *halo.ConnectionValues) { v.Secret = "short-secret" }), halo.FieldSecret, false},
		{"tenant with a slash", with(func(v *halo.ConnectionValues) { v.Tenant = "contoso/msp" }), halo.FieldTenant, true},
		{"http auth server", with(func(v *halo.ConnectionValues) { v.AuthURL = "http://auth.contoso.example/auth" }), halo.FieldAuthURL, true},
		{"missing CA file", with(func(v *halo.ConnectionValues) { v.CAFile = filepath.Join(dir, "missing.pem") }), halo.FieldCAFile, true},
		{"relative CA file", with(func(v *halo.ConnectionValues) { v.CAFile = "ca.pem" }), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := connectionPage(t, te, "P"+string(rune('a'+i)), storage.Profile{})
			typeConnection(c, tc.v)
			warned, _ := guiFinding(c, tc.field) // before Save clears the secret's field
			test.Tap(c.saveBtn)
			te.wait()
			gui, _ := te.db.Profile(context.Background(), te.u.current.ID)
			cli := clitest.AddProfile(t, tc.v)
			if tc.field != "" {
				gMsg, gRefused := guiFinding(c, tc.field)
				if !tc.refused {
					gMsg = warned
				}
				cMsg, cRefused := cliFinding(cli, tc.field)
				if gMsg == "" || gMsg != cMsg || gRefused != tc.refused || cRefused != tc.refused {
					t.Fatalf("the front-ends disagree on %s:\nGUI (refused %v): %q (status %q)\nCLI (refused %v): %q (exit %d)",
						tc.field, gRefused, gMsg, c.status.Text, cRefused, cMsg, cli.Code)
				}
			}
			if tc.refused {
				if cli.Code != 2 || cli.Profile.ID != 0 || gui.HaloURL != "" {
					t.Fatalf("a refused value was stored: GUI %+v, CLI exit %d %+v", gui, cli.Code, cli.Profile)
				}
				return
			}
			if cli.Code != 0 || connection.FormOf(gui) != connection.FormOf(cli.Profile) || te.secrets.Has(gui.ID) != cli.SecretStored {
				t.Fatalf("stored differently:\nGUI %+v (status %q)\nCLI %+v (exit %d %s)", connection.FormOf(gui), c.status.Text,
					connection.FormOf(cli.Profile), cli.Code, cli.Stderr)
			}
			if tc.v.CAFile == "ca.pem" && gui.CAFile != ca {
				t.Fatalf("the relative CA file was stored as %q", gui.CAFile)
			}
		})
	}
}

// Both front-ends ask for the secret (the GUI's Save) or warn that it
// stays behind (profile set) on exactly the same changes.
func TestSecretDestinationMoveAgreesWithProfileSet(t *testing.T) {
	ca := writeCA(t, t.TempDir())
	before := halo.ConnectionValues{URL: "https://contoso.halopsa.com", ClientID: testClientID, Secret: testSecret}
	te := newTestUI(t, "")
	for i, tc := range []struct {
		name   string
		change func(*halo.ConnectionValues)
		moves  bool
	}{
		{"another host", func(v *halo.ConnectionValues) { v.URL = "https://fabrikam.halopsa.com" }, true},
		{"another port", func(v *halo.ConnectionValues) { v.URL = "https://contoso.halopsa.com:8443" }, true},
		{"the same URL spelled otherwise", func(v *halo.ConnectionValues) { v.URL = "contoso.halopsa.com/api/" }, false},
		{"another tenant", func(v *halo.ConnectionValues) { v.Tenant = "other" }, false},
		{"another Client ID", func(v *halo.ConnectionValues) { v.ClientID = "1f8fad5b-d9cb-469f-a165-70867728950e" }, false},
		{"a hand-set auth server", func(v *halo.ConnectionValues) { v.AuthURL = "https://login.example.com/auth" }, true},
		{"a CA file", func(v *halo.ConnectionValues) { v.CAFile = ca }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			after := before
			after.Secret = ""
			tc.change(&after)
			c := connectionPage(t, te, "M"+string(rune('a'+i)), storage.Profile{})
			savedWithSecret(t, te, before.URL)
			c.secretDlg = nil
			typeConnection(c, after)
			test.Tap(c.saveBtn)
			te.wait()
			guiAsks := c.secretDlg != nil
			if guiAsks {
				test.Tap(c.secretDlg.cancel)
			}
			cli := clitest.SetConnection(t, before, after)
			cliWarns := strings.Contains(cli.Stderr, "will not be sent")
			noChange := cli.Code == 2 && strings.Contains(cli.Stderr, "nothing to change") // the same values again
			if guiAsks != tc.moves || cliWarns != tc.moves || cli.Code != 0 && !noChange {
				t.Fatalf("moves %v: the GUI asked %v (status %q), the CLI warned %v (exit %d %s)",
					tc.moves, guiAsks, c.status.Text, cliWarns, cli.Code, cli.Stderr)
			}
		})
	}
}
