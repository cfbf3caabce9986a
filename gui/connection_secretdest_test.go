package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/gui/connection"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

func bound(p storage.Profile) bool { _, ok := p.SecretGoesTo(); return ok }

// Moving the connection elsewhere asks for the Client Secret in the same
// Save: typed there it is stored for the new address; "Save without it"
// saves the settings and leaves the secret unsent; Cancel saves nothing.
func TestConnectionSaveAsksForTheSecretWhenTheAddressMoves(t *testing.T) {
	te, c := contosoConnection(t)
	id := te.u.current.ID
	ctx := context.Background()
	stored := func() storage.Profile {
		t.Helper()
		p, err := te.db.Profile(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	test.Type(c.urlEntry, "https://contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	test.Tap(c.saveBtn)
	te.wait()
	if !bound(stored()) {
		t.Fatalf("the first Save did not bind the secret: %+v", stored())
	}
	ask := func(url string) *secretDialog {
		t.Helper()
		c.secretDlg = nil
		retype(c.urlEntry, url)
		test.Tap(c.saveBtn)
		te.wait()
		if c.secretDlg == nil || !strings.Contains(c.status.Text, "needed for the new address") {
			t.Fatalf("Save did not ask for the secret: status %q", c.status.Text)
		}
		if !c.secretDlg.withIt.Disabled() {
			t.Fatal("'Save with this secret' is enabled with no secret typed")
		}
		return c.secretDlg
	}

	test.Tap(ask("https://fabrikam.halopsa.com").cancel)
	te.wait()
	if p := stored(); p.HaloURL != "https://contoso.halopsa.com" || !bound(p) {
		t.Fatalf("Cancel saved something: %+v", p)
	}

	sd := ask("https://fabrikam.halopsa.com")
	test.Type(sd.entry, testSecret)
	test.Tap(sd.withIt)
	te.wait()
	if p := stored(); p.HaloURL != "https://fabrikam.halopsa.com" || !bound(p) || !strings.HasPrefix(c.status.Text, "Saved.") {
		t.Fatalf("Save with the secret: %+v, status %q", p, c.status.Text)
	}

	test.Tap(ask("https://northwind.halopsa.com").without)
	te.wait()
	if p := stored(); p.HaloURL != "https://northwind.halopsa.com" || bound(p) {
		t.Fatalf("Save without it: %+v", p)
	}

	// A Save that keeps the address does not ask.
	c.secretDlg = nil
	retype(c.urlEntry, "https://northwind.halopsa.com/api/")
	test.Tap(c.saveBtn)
	te.wait()
	if c.secretDlg != nil {
		t.Fatal("a Save without a new address asked for the secret")
	}
}

// The check reads the profile as stored when it starts: the command line
// may have changed it while the window was open.
func TestCheckRereadsTheProfile(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	moved := halotest.New(halotest.Demo())
	t.Cleanup(moved.Close)
	ctx := context.Background()
	p := ce.p
	p.HaloURL = moved.URL()
	if err := ce.db.UpdateConnection(ctx, p); err != nil { // as `profile set --url` would
		t.Fatal(err)
	}
	cd := ce.runCheck(t)
	defer cd.close()
	if cd.report == nil || cd.report.Instance != moved.URL() {
		t.Fatalf("the check did not use the stored profile: %+v", cd.report)
	}
	if c := cd.report.Check(halo.CheckToken); c.Status != halo.StatusFail || !strings.Contains(c.Detail, "was not sent") {
		t.Fatalf("token = %+v", c)
	}
	if moved.TokenRequests() != 0 {
		t.Fatal("the secret went to the new address without being confirmed")
	}
}

// The app binds the authorisation server /api/authinfo names as the
// command line does: recorded at the first check, and when authinfo later
// names another server the check sends the secret nowhere, until it is
// typed again and saved.
func TestCheckWithholdsTheSecretWhenAuthinfoMoves(t *testing.T) {
	ce := newCheckEnv(t, halotest.Demo(), "")
	other := halotest.New(halotest.Demo())
	t.Cleanup(other.Close)
	cd := ce.runCheck(t)
	if cd.report == nil || !cd.report.OK {
		t.Fatalf("first check: %+v", cd.report)
	}
	p, _ := ce.db.Profile(context.Background(), ce.p.ID)
	if d, _ := halo.ParseDestination(p.SecretDest); d.Found == "" {
		t.Fatalf("the first check recorded no authorisation server: %q", p.SecretDest)
	}
	cd.close()
	c := connectionFor(t, ce.testEnv) // the binding recorded by the check still lets the secret be copied
	test.Tap(c.copyBtns[connection.PrivateKey])
	ce.wait()
	if ce.u.app.Clipboard().Content() != ce.srv.ClientSecret() {
		t.Fatalf("no copy after the first check: %q", c.status.Text)
	}

	ce.srv.SetAuthInfoAuthURL(other.URL() + "/auth")
	cd = ce.runCheck(t)
	if c := cd.report.Check(halo.CheckToken); c.Status != halo.StatusFail || !strings.Contains(c.Detail, "now names the authorisation server") {
		t.Fatalf("token = %+v", c)
	}
	if n := other.TokenRequests(); n != 0 {
		t.Fatalf("%d token requests reached the new authorisation server", n)
	}
	cd.close()

	// Typed again on the Connection screen: the next check sends it there.
	c = connectionFor(t, ce.testEnv)
	test.Type(c.secret, ce.srv.ClientSecret())
	test.Tap(c.saveBtn)
	ce.wait()
	ce.runCheck(t).close()
	if other.TokenRequests() == 0 {
		t.Fatal("the secret entered again was not sent to the new authorisation server")
	}
}
