package gui

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/gui/connection"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/storage"
)

const (
	testClientID = "0f8fad5b-d9cb-469f-a165-70867728950e"
	testSecret   = "7c9e6679-7425-40de-944b-e07fc1f90ae7-16fd2706-8baf-433b-82eb-8c7fada847da"
)

func connectionFor(t *testing.T, te *testEnv) *connectionScreen {
	t.Helper()
	c := findScreen[*connectionScreen](te.u)
	if c == nil {
		t.Fatal("connection screen not registered")
	}
	te.u.showScreen(func(s screen) bool { return s == screen(c) })
	return c
}

// savedWithSecret gives the current profile the URL and a Client Secret
// bound to it, as a Save (or the command line) does.
func savedWithSecret(t *testing.T, te *testEnv, url string) {
	t.Helper()
	ctx := context.Background()
	p := *te.u.current
	p.HaloURL, p.ClientID = url, testClientID
	if err := te.db.UpdateConnection(ctx, p); err != nil {
		t.Fatal(err)
	}
	if err := storage.StoreSecret(ctx, te.db, te.u.env.Secrets, p, testSecret, ""); err != nil {
		t.Fatal(err)
	}
	te.u.profiles.afterChange(p.ID)
	te.wait()
}

// contosoConnection is a new test UI with the profile "Contoso MSP" shown
// on the Connection screen.
func contosoConnection(t *testing.T) (*testEnv, *connectionScreen) {
	t.Helper()
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	return te, connectionFor(t, te)
}

// savedContoso creates "Contoso MSP" in te and saves its URL, Client ID
// and secret by typing them into the Connection screen.
func savedContoso(t *testing.T, te *testEnv) *connectionScreen {
	t.Helper()
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	test.Tap(c.saveBtn)
	te.wait()
	return c
}

func retype(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

func TestConnectionValidationAndDerivation(t *testing.T) {
	te, c := contosoConnection(t)

	// Anything the admin pastes becomes the canonical form, live.
	test.Type(c.urlEntry, "  Contoso.HaloPSA.com/api/  ")
	if c.urlHint.Text != "✓ https://contoso.halopsa.com" || c.urlHint.Importance != widget.SuccessImportance {
		t.Fatalf("url hint = %q", c.urlHint.Text)
	}
	if got := c.values[connection.Platform].value; got != "HaloPSA" {
		t.Fatalf("CRM Platform = %q", got)
	}
	if c.saveBtn.Disabled() {
		t.Fatal("an edited form can be saved")
	}
	// 1stream's values are the saved profile's, and say so while the form
	// differs.
	if got := c.values[connection.Endpoint].value; got != "" || !c.valuesNote.Visible() {
		t.Fatalf("Endpoint of an unsaved URL = %q, note %q", got, c.valuesNote.Text)
	}

	// A Client ID that is not a GUID is only a warning.
	test.Type(c.clientID, "my-client")
	if c.idHint.Importance != widget.WarningImportance || !strings.Contains(c.idHint.Text, "GUID") && !strings.Contains(c.idHint.Text, "0f8fad5b") {
		t.Fatalf("id hint = %q (%v)", c.idHint.Text, c.idHint.Importance)
	}
	test.Tap(c.saveBtn)
	te.wait()
	if got := c.values[connection.Endpoint].value; got != "https://contoso.halopsa.com/api/" || c.valuesNote.Visible() {
		t.Fatalf("Endpoint = %q", got)
	}
	if got := c.values[connection.Details].value; got != "https://contoso.halopsa.com/" {
		t.Fatalf("CRM Details link = %q", got)
	}
	if c.values[connection.APIKey].value != "my-client" {
		t.Fatal("API Key follows the saved Client ID")
	}

	// Plain http to a real host is refused with a reason; Save says why.
	retype(c.urlEntry, "http://contoso.halopsa.com")
	if c.urlHint.Importance != widget.DangerImportance || !strings.Contains(c.urlHint.Text, "https") {
		t.Fatalf("url hint = %q", c.urlHint.Text)
	}
	if c.values[connection.Endpoint].value != "https://contoso.halopsa.com/api/" || !c.detectBtn.Disabled() {
		t.Fatal("an invalid URL typed changes the saved Endpoint, or can be detected")
	}
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Not saved.") || !strings.Contains(c.status.Text, "Halo URL") {
		t.Fatalf("status = %q", c.status.Text)
	}
	p, _ := te.db.Profile(context.Background(), te.u.current.ID)
	if p.HaloURL != "https://contoso.halopsa.com" {
		t.Fatal("a refused save wrote the URL")
	}

	// A secret with a line break inside is refused.
	retype(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.secret, "abc def")
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.Contains(c.status.Text, "Client Secret") || te.secrets.Has(te.u.current.ID) {
		t.Fatalf("status = %q", c.status.Text)
	}

	// Advanced: a tenant with a slash is refused and opens the section.
	c.secret.SetText("")
	test.Type(c.tenant, "contoso/msp")
	if !c.advHint.Visible() || !c.advanced.Items[0].Open {
		t.Fatal("an Advanced problem must be visible")
	}
	retype(c.tenant, "contoso")
	test.Tap(c.saveBtn)
	te.wait()
	if c.values[connection.Company].value != "contoso" {
		t.Fatalf("CRM Company = %q", c.values[connection.Company].value)
	}
}

func TestConnectionSaveKeepsSecretOutOfTheDatabase(t *testing.T) {
	te, c := contosoConnection(t)
	id := te.u.current.ID

	test.Type(c.urlEntry, "https://contoso.halopsa.com/auth/token")
	test.Type(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	if !strings.Contains(c.secretHint.Text, "keyring") {
		t.Fatalf("secret hint = %q", c.secretHint.Text)
	}
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Saved.") {
		t.Fatalf("status = %q", c.status.Text)
	}

	// The secret is in the keyring only, and the widget forgot it.
	got, err := te.secrets.Get(context.Background(), id)
	if err != nil || got != testSecret {
		t.Fatalf("keyring has %q, %v", got, err)
	}
	if c.secret.Text != "" || !c.model.Secret().Stored || !strings.Contains(c.secretHint.Text, "stored") {
		t.Fatalf("after save: entry %q, stored %v, hint %q", c.secret.Text, c.model.Secret().Stored, c.secretHint.Text)
	}
	if !c.saveBtn.Disabled() || c.dirty() {
		t.Fatal("nothing left to save")
	}
	p, err := te.db.Profile(context.Background(), id)
	if err != nil || p.HaloURL != "https://contoso.halopsa.com" || p.ClientID != testClientID {
		t.Fatalf("saved profile = %+v, %v", p, err)
	}
	if te.u.current.HaloURL != p.HaloURL {
		t.Fatal("the current profile was not refreshed")
	}
	ev, _ := te.db.AuditLog(context.Background(), storage.AuditFilter{ProfileID: id, Text: "secret"})
	if len(ev) == 0 || ev[0].Action != storage.ActionSecretStored || strings.Contains(ev[0].Detail, testSecret) {
		t.Fatalf("audit = %+v", ev)
	}
	te.u.Close() // flush and close the database before reading its files
	files, _ := filepath.Glob(filepath.Join(te.dir, "*"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil && bytes.Contains(b, []byte(testSecret)) {
			t.Fatalf("%s contains the Client Secret", f)
		}
	}
}

func TestConnectionUnsavedChanges(t *testing.T) {
	te, c := contosoConnection(t)
	connIdx := te.u.active
	test.Type(c.urlEntry, "contoso.halopsa.com")

	// Leaving asks; Cancel stays.
	te.u.show(0)
	if c.leaveDlg == nil || te.u.active != connIdx {
		t.Fatal("leaving with unsaved changes must ask first")
	}
	test.Tap(c.leaveDlg.cancel)
	if te.u.active != connIdx || c.urlEntry.Text != "contoso.halopsa.com" {
		t.Fatal("Cancel must keep the screen and the edits")
	}
	// Esc is Cancel.
	te.u.show(0)
	te.u.escape()
	if te.u.active != connIdx || te.win.Canvas().Overlays().Top() != nil {
		t.Fatal("Esc must close the question and stay")
	}
	// Discard leaves and restores the saved values.
	te.u.show(0)
	test.Tap(c.leaveDlg.no)
	if te.u.active != 0 || c.urlEntry.Text != "" || c.dirty() {
		t.Fatal("Discard must leave and drop the edits")
	}
	// Save leaves after saving.
	te.u.show(connIdx)
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	te.u.show(0)
	test.Tap(c.leaveDlg.yes)
	te.wait()
	if te.u.active != 0 || te.u.current.HaloURL != "https://contoso.halopsa.com" {
		t.Fatalf("Save must save and leave: active %d, profile %+v", te.u.active, te.u.current)
	}
	// An invalid form cannot be saved on the way out: the screen stays.
	te.u.show(connIdx)
	retype(c.urlEntry, "mailto:x")
	te.u.show(0)
	test.Tap(c.leaveDlg.yes)
	te.wait()
	if te.u.active != connIdx || !strings.HasPrefix(c.status.Text, "Not saved.") {
		t.Fatal("a refused save must keep the admin on the screen")
	}
}

func TestConnectionDetectAndSaveBeforeCheck(t *testing.T) {
	srv := halotest.New(halotest.Demo())
	t.Cleanup(srv.Close)
	te, c := contosoConnection(t)
	test.Type(c.urlEntry, srv.URL())
	test.Type(c.clientID, srv.ClientID())
	test.Type(c.secret, srv.ClientSecret())

	test.Tap(c.detectBtn)
	te.wait()
	if c.tenant.Text != halotest.DefaultTenant {
		t.Fatalf("Detect: tenant %q (%s)", c.tenant.Text, c.status.Text)
	}

	// The check uses saved settings: with edits pending it offers to save.
	te.u.runSystemsCheck()
	if c.askDlg == nil {
		t.Fatal("no save-first question")
	}
	test.Tap(c.askDlg.yes)
	te.wait()
	cd := findScreen[*checkScreen](te.u).dlg
	if cd == nil || cd.report == nil || !cd.report.OK {
		t.Fatal("Save and check did not run a passing check")
	}
	p, _ := te.db.Profile(context.Background(), te.u.current.ID)
	if p.Tenant != halotest.DefaultTenant || !te.secrets.Has(p.ID) {
		t.Fatalf("saved = %+v", p)
	}
	if got := c.values[connection.Company].value; got != halotest.DefaultTenant {
		t.Fatalf("CRM Company %q", got)
	}
}

func TestConnectionForgetSecret(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	id := te.u.current.ID
	_ = te.secrets.Set(context.Background(), id, testSecret)
	// Re-select so the screen looks the secret up.
	te.u.profiles.afterChange(id)
	te.wait()
	c := connectionFor(t, te)
	if !c.model.Secret().Stored || !c.forgetBtn.Visible() {
		t.Fatal("a stored secret must be shown as stored")
	}
	test.Tap(c.forgetBtn)
	c.forgetDlg.Confirm()
	te.wait()
	if te.secrets.Has(id) || c.model.Secret().Stored || !c.copyBtns[connection.PrivateKey].Disabled() {
		t.Fatal("the secret was not removed")
	}
}

func TestConnectionKeyringUnavailable(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	te.secrets.FailWith(&storage.KeyringUnavailableError{})
	c := connectionFor(t, te)
	te.u.profiles.afterChange(te.u.current.ID)
	te.wait()
	if c.secretHint.Importance != widget.DangerImportance || !strings.Contains(c.secretHint.Text, "keyring") {
		t.Fatalf("secret hint = %q", c.secretHint.Text)
	}
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Not saved:") || !c.dirty() {
		t.Fatalf("status = %q", c.status.Text)
	}
	p, _ := te.db.Profile(context.Background(), te.u.current.ID)
	if p.HaloURL != "" {
		t.Fatal("nothing may be saved when the secret cannot be stored")
	}
}

// hookTransport runs before on every request, then sends it on.
type hookTransport struct{ before func(*http.Request) }

func (h hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h.before(r)
	return http.DefaultTransport.RoundTrip(r)
}

func TestConnectionDetectAnswerAfterAProfileSwitchIsDropped(t *testing.T) {
	srv := halotest.New(halotest.Demo())
	t.Cleanup(srv.Close)
	te := newTestUI(t, "")
	ctx := context.Background()
	first, _ := te.db.CreateProfile(ctx, storage.Profile{Name: "First", HaloURL: srv.URL()})
	second, _ := te.db.CreateProfile(ctx, storage.Profile{Name: "Second", HaloURL: srv.URL()})
	te.u.profiles.afterChange(first.ID)
	te.wait()
	c := connectionFor(t, te)
	// The answer is slow: the admin switches to the other profile before it
	// arrives.
	switched := false
	te.u.env.Configure = func(cfg *halo.Config) {
		cfg.HTTPClient = &http.Client{Transport: hookTransport{before: func(*http.Request) {
			if !switched {
				switched = true
				te.u.profiles.afterChange(second.ID)
			}
		}}}
	}
	test.Tap(c.detectBtn)
	te.wait()
	if !switched || te.u.current.ID != second.ID {
		t.Fatal("the profile switch did not happen during Detect")
	}
	if c.tenant.Text != "" || c.model.Detected() != "" || c.dirty() {
		t.Fatalf("First's answer was written into Second: tenant %q, CRM Company %q", c.tenant.Text, c.model.Detected())
	}
	if c.detectBtn.Disabled() {
		t.Fatal("Detect must be usable again")
	}
}

func TestSaveInTheQuitQuestionWhileASaveRuns(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	n := quits(te)
	c := connectionFor(t, te)
	id := te.u.current.ID
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	te.u.profiles.dlg = nil

	// Save is still writing when the admin quits and answers Save.
	release := holdAsync(t, te.u, func() { test.Tap(c.saveBtn) })
	if !c.model.Saving() {
		t.Fatal("the save did not start")
	}
	te.u.requestQuit()
	if c.leaveDlg == nil {
		t.Fatal("quitting with the save not done must ask")
	}
	test.Tap(c.leaveDlg.yes)
	if *n != 0 {
		t.Fatal("quit before the save finished")
	}
	release()
	te.wait()
	if *n != 1 {
		t.Fatalf("Save in the quit question quit %d times after the running save", *n)
	}
	if p, _ := te.db.Profile(context.Background(), id); p.ClientID != testClientID {
		t.Fatalf("saved %+v", p)
	}

	// Typed more while the save ran: Save saves that too, then quits.
	test.Type(c.tenant, "first")
	release = holdAsync(t, te.u, func() { test.Tap(c.saveBtn) })
	retype(c.tenant, "second")
	te.u.requestQuit()
	test.Tap(c.leaveDlg.yes)
	release()
	te.wait()
	if p, _ := te.db.Profile(context.Background(), id); p.Tenant != "second" || c.dirty() || *n != 2 {
		t.Fatalf("tenant %q, dirty %v, quits %d", p.Tenant, c.dirty(), *n)
	}

	// A save that fails does not quit.
	test.Type(c.caFile, filepath.Join(t.TempDir(), "missing.pem"))
	release = holdAsync(t, te.u, func() { test.Tap(c.saveBtn) })
	te.u.requestQuit()
	test.Tap(c.leaveDlg.yes)
	release()
	te.wait()
	if *n != 2 || !strings.HasPrefix(c.status.Text, "Not saved") {
		t.Fatalf("quits %d, status %q", *n, c.status.Text)
	}
}

// countingSecrets counts every call to the secret store it wraps, and
// its keyring probes apart.
type countingSecrets struct {
	storage.Secrets
	calls, probes atomic.Int32
}

func (s *countingSecrets) Probe(ctx context.Context) error {
	s.probes.Add(1)
	return s.Secrets.(interface{ Probe(context.Context) error }).Probe(ctx)
}

func (s *countingSecrets) Get(ctx context.Context, id int64) (string, error) {
	s.calls.Add(1)
	return s.Secrets.Get(ctx, id)
}

func (s *countingSecrets) Set(ctx context.Context, id int64, secret string) error {
	s.calls.Add(1)
	return s.Secrets.Set(ctx, id, secret)
}

func (s *countingSecrets) Delete(ctx context.Context, id int64) error {
	s.calls.Add(1)
	return s.Secrets.Delete(ctx, id)
}

// countingTransport counts the HTTP requests sent through it.
type countingTransport struct{ n atomic.Int32 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

func TestTypingInTheConnectionFormDoesNoIO(t *testing.T) {
	srv := halotest.New(halotest.Demo())
	t.Cleanup(srv.Close)
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	sec := &countingSecrets{Secrets: te.secrets}
	te.u.env.Secrets = sec
	var configs atomic.Int32
	tr := &countingTransport{}
	te.u.env.Configure = func(cfg *halo.Config) {
		configs.Add(1)
		cfg.HTTPClient = &http.Client{Transport: tr}
	}
	c := connectionFor(t, te)
	c.advanced.Open(0)
	sec.calls.Store(0)
	for _, e := range []*widget.Entry{c.urlEntry, c.clientID, c.secret, c.tenant, c.authURL, c.scope, c.caFile} {
		test.Type(e, "https://contoso.halopsa.com/auth 0f8fad5b-d9cb")
		retype(e, "")
	}
	test.Type(c.urlEntry, srv.URL())
	test.Type(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	te.wait()
	if n := sec.calls.Load(); n != 0 {
		t.Errorf("typing called the secret store %d times", n)
	}
	if n, m := configs.Load(), tr.n.Load(); n != 0 || m != 0 {
		t.Errorf("typing built %d Halo clients and sent %d requests", n, m)
	}
	// The counters do count: Detect asks (the simulated) Halo.
	test.Tap(c.detectBtn)
	te.wait()
	if configs.Load() == 0 || tr.n.Load() == 0 {
		t.Fatal("the counting transport never saw Detect")
	}
}
