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
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
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

func retype(e *widget.Entry, text string) {
	e.SetText("")
	test.Type(e, text)
}

func TestConnectionValidationAndDerivation(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)

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
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
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

func TestConnectionCopyValues(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	if !c.copyBtns[connection.PrivateKey].Disabled() {
		t.Fatal("the private key copies from the keyring, so only after Save")
	}
	test.Tap(c.saveBtn)
	te.wait()
	clip := te.u.app.Clipboard()

	test.Tap(c.copyBtns[connection.APIKey])
	if clip.Content() != testClientID {
		t.Fatalf("API Key copy = %q", clip.Content())
	}
	// Ctrl+C on a focused value copies it.
	v := c.values[connection.Endpoint]
	test.Tap(v)
	if te.win.Canvas().Focused() != v {
		t.Fatal("a value takes focus when clicked")
	}
	v.TypedShortcut(&fyne.ShortcutCopy{})
	if clip.Content() != "https://contoso.halopsa.com/api/" {
		t.Fatalf("Ctrl+C copied %q", clip.Content())
	}
	// Window shortcuts still work while a value has the focus.
	v.TypedShortcut(&desktop.CustomShortcut{KeyName: fyne.Key1, Modifier: fyne.KeyModifierAlt})
	if te.u.active != 0 {
		t.Fatal("Alt+1 on a focused value did not reach the window")
	}
	connectionFor(t, te)
	// The private key goes from the keyring to the clipboard.
	if strings.Contains(c.values[connection.PrivateKey].label.Text, testSecret) {
		t.Fatal("the secret is shown")
	}
	test.Tap(c.copyBtns[connection.PrivateKey])
	te.wait()
	if clip.Content() != testSecret {
		t.Fatal("API Private Key copy did not put the secret on the clipboard")
	}
	// Copy all: every value, never the secret.
	test.Tap(c.copyAllBtn)
	all := clip.Content()
	for _, want := range []string{"CRM Platform: HaloPSA", "API Key: " + testClientID, "Endpoint: https://contoso.halopsa.com/api/",
		"CRM Details link: https://contoso.halopsa.com/", "API Private Key: (copy it with its own button"} {
		if !strings.Contains(all, want) {
			t.Errorf("Copy all misses %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, testSecret) {
		t.Fatal("Copy all contains the secret")
	}
}

func TestConnectionUnsavedChanges(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
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
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
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

func TestConnectionPrivateKeyValueFitsAndNotesAreReadable(t *testing.T) {
	te := newTestUI(t, "")
	te.u.env.Demo = true
	c := connectionFor(t, te)
	c.model = connection.New(connection.Store{DB: te.db, Secrets: te.u.env.Secrets}, true) // as built in demo mode
	createProfileByTyping(t, te, "Demo MSP")
	_ = te.secrets.Set(context.Background(), te.u.current.ID, testSecret)
	te.u.profiles.afterChange(te.u.current.ID)
	te.wait()
	connectionFor(t, te)
	v := c.values[connection.PrivateKey]
	if v.label.Text != "•••••••• (stored)" {
		t.Fatalf("API Private Key shows %q", v.label.Text)
	}
	if need := fyne.MeasureText(v.label.Text, theme.TextSize(), v.label.TextStyle).Width + 2*theme.InnerPadding(); need > v.label.Size().Width {
		t.Fatalf("the API Private Key value is cut: needs %.0f px, has %.0f", need, v.label.Size().Width)
	}
	// The hint below the secret explains demo mode's store, in one pair of
	// brackets at most.
	hint := c.secretHint.Text
	if !strings.Contains(hint, "Demo mode") || strings.Contains(hint, ") (") || strings.Count(hint, "(") > 1 {
		t.Fatalf("secret hint = %q", hint)
	}
	// Notes in place of a value (no CRM Company yet) are readable: not the
	// disabled colour.
	company := c.values[connection.Company].label
	if company.Text != "unknown — click Detect" || company.Importance == widget.LowImportance || !company.TextStyle.Italic {
		t.Fatalf("CRM Company note %q: importance %v, italic %v", company.Text, company.Importance, company.TextStyle.Italic)
	}
	for _, h := range []*widget.Label{c.urlHint, c.idHint} {
		retype(c.urlEntry, "")
		if h.Importance == widget.LowImportance {
			t.Fatalf("hint %q is in the disabled colour", h.Text)
		}
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

func TestConnectionAdvancedSection(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
	id := te.u.current.ID
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	stored := func() storage.Profile {
		t.Helper()
		p, err := te.db.Profile(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// An authorisation server over plain http (not this computer) is
	// refused, with the reason, live and on Save.
	test.Type(c.authURL, "http://auth.contoso.example/auth")
	if !c.advHint.Visible() || !strings.Contains(c.advHint.Text, "https://") || !c.advanced.Items[0].Open {
		t.Fatalf("advanced hint = %q", c.advHint.Text)
	}
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Not saved.") || !strings.Contains(c.status.Text, "Authorisation server: Use https://") {
		t.Fatalf("status = %q", c.status.Text)
	}
	if stored().AuthURL != "" || stored().HaloURL != "" {
		t.Fatal("a refused save wrote the connection")
	}

	// A CA file that does not exist is refused on Save.
	retype(c.authURL, "")
	missing := filepath.Join(t.TempDir(), "private-ca.pem")
	test.Type(c.caFile, missing)
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Not saved.") || !strings.Contains(c.status.Text, "CA file: The CA file "+missing+" does not exist") {
		t.Fatalf("status = %q", c.status.Text)
	}
	// The refusal is shown next to the field, until the field changes.
	if !strings.Contains(c.advHint.Text, "does not exist") || c.advHint.Importance != widget.DangerImportance {
		t.Fatalf("advanced hint = %q", c.advHint.Text)
	}
	if stored().CAFile != "" || stored().HaloURL != "" {
		t.Fatal("a refused save wrote the connection")
	}
	// A file that is not a certificate, and a relative path, are refused too.
	if err := os.WriteFile(missing, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.Contains(c.status.Text, "holds no PEM certificate") {
		t.Fatalf("status = %q", c.status.Text)
	}
	// A relative path is read from the working directory, as the CLI
	// reads --ca-file, and the hint says which file that is.
	retype(c.caFile, "ca.pem")
	if wd, _ := os.Getwd(); !strings.Contains(c.advHint.Text, "saved as "+filepath.Join(wd, "ca.pem")) {
		t.Fatalf("advanced hint = %q", c.advHint.Text)
	}

	// A scope is saved, and comes back in the form.
	retype(c.caFile, "")
	test.Type(c.scope, "read:agents")
	test.Tap(c.saveBtn)
	te.wait()
	if p := stored(); p.Scope != "read:agents" || p.HaloURL != "https://contoso.halopsa.com" {
		t.Fatalf("saved %+v (%s)", p, c.status.Text)
	}
	te.u.profiles.afterChange(id)
	te.wait()
	if c.scope.Text != "read:agents" || !c.advanced.Items[0].Open {
		t.Fatal("the saved scope is not shown in the open Advanced section")
	}
}

// A Client Secret pasted into the Client ID field is refused, never saved
// as the ID: from there it would reach the database, every history row,
// the report and the clipboard.
func TestConnectionRefusesSecretAsClientID(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
	id := te.u.current.ID

	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testSecret)
	if c.idHint.Importance != widget.DangerImportance || !strings.Contains(c.idHint.Text, "swapped") {
		t.Fatalf("id hint = %q (%v)", c.idHint.Text, c.idHint.Importance)
	}
	if c.values[connection.APIKey].value != "" || !c.copyBtns[connection.APIKey].Disabled() || strings.Contains(c.values[connection.APIKey].label.Text, testSecret) {
		t.Fatalf("the secret is offered as 1stream's API Key: %q", c.values[connection.APIKey].label.Text)
	}
	test.Tap(c.copyAllBtn)
	if strings.Contains(te.u.app.Clipboard().Content(), testSecret) {
		t.Fatal("Copy all contains the secret typed as the Client ID")
	}
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Not saved.") || !strings.Contains(c.status.Text, "Client ID: This looks like the Client Secret") {
		t.Fatalf("status = %q", c.status.Text)
	}
	p, err := te.db.Profile(context.Background(), id)
	if err != nil || p.ClientID != "" || p.HaloURL != "" {
		t.Fatalf("a refused save wrote %+v, %v", p, err)
	}

	// Swapping the two fields back is saved.
	retype(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	if c.idHint.Importance != widget.SuccessImportance {
		t.Fatalf("id hint = %q", c.idHint.Text)
	}
	test.Tap(c.saveBtn)
	te.wait()
	if p, _ := te.db.Profile(context.Background(), id); p.ClientID != testClientID || !te.secrets.Has(id) {
		t.Fatalf("status = %q, saved %+v", c.status.Text, p)
	}
}

// manualClock is a clipboardClearing clock that fires only when told.
type manualClock struct {
	delays  []time.Duration
	fire    []func()
	stopped []bool
}

func (c *manualClock) after(d time.Duration, f func()) func() bool {
	i := len(c.fire)
	c.delays, c.fire, c.stopped = append(c.delays, d), append(c.fire, f), append(c.stopped, false)
	return func() bool { was := c.stopped[i]; c.stopped[i] = true; return !was }
}

// A copied Client Secret leaves the clipboard after the delay, but only if
// the clipboard still holds it; the screen says so when it copies.
func TestConnectionClipboardForgetsTheSecret(t *testing.T) {
	clock := &manualClock{}
	te := newTestUIOptions(t, "", nil, uiOptions{clipboard: clipboardClearing{Delay: 30 * time.Second, After: clock.after}})
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	test.Tap(c.saveBtn)
	te.wait()
	clip := te.u.app.Clipboard()

	test.Tap(c.copyBtns[connection.PrivateKey])
	te.wait()
	if clip.Content() != testSecret || len(clock.fire) != 1 || clock.delays[0] != 30*time.Second {
		t.Fatalf("copy: clipboard holds the secret %v, timers %v", clip.Content() == testSecret, clock.delays)
	}
	if !strings.Contains(c.status.Text, "the clipboard is cleared in 30 s") {
		t.Fatalf("status = %q", c.status.Text)
	}
	clock.fire[0]()
	if clip.Content() != "" || !strings.Contains(c.status.Text, "cleared from the clipboard") {
		t.Fatalf("after 30 s: secret still there %v, status %q", clip.Content() == testSecret, c.status.Text)
	}

	// Something else copied meanwhile stays.
	test.Tap(c.copyBtns[connection.PrivateKey])
	te.wait()
	test.Tap(c.copyBtns[connection.APIKey])
	clock.fire[1]()
	if clip.Content() != testClientID {
		t.Fatalf("the timer replaced what was copied after the secret: %q", clip.Content())
	}

	// Copying again restarts the wait: the first timer is stopped, and
	// should it fire anyway (it was already due) it clears nothing.
	test.Tap(c.copyBtns[connection.PrivateKey])
	te.wait()
	v := c.values[connection.PrivateKey]
	test.Tap(v)
	v.TypedShortcut(&fyne.ShortcutCopy{}) // Ctrl+C on the value copies the same way
	te.wait()
	if len(clock.fire) != 4 || !clock.stopped[2] || clock.stopped[3] {
		t.Fatalf("timers %d, stopped %v", len(clock.fire), clock.stopped)
	}
	clock.fire[2]()
	if clip.Content() != testSecret {
		t.Fatal("a restarted wait cleared the clipboard early")
	}
	clock.fire[3]()
	if clip.Content() != "" {
		t.Fatal("Ctrl+C's copy of the secret was not cleared")
	}

	// Quitting does not leave it behind for the rest of the wait.
	test.Tap(c.copyBtns[connection.PrivateKey])
	te.wait()
	quit := false
	te.u.quit = func() { quit = true }
	te.u.requestQuit()
	if !quit || clip.Content() != "" || !clock.stopped[4] {
		t.Fatalf("quit %v, secret still on the clipboard %v", quit, clip.Content() == testSecret)
	}
}

// The delay defaults to 30 s, and closing the window stops the wait, so no
// timer reaches a closed app.
func TestConnectionClipboardDefaultsAndClose(t *testing.T) {
	te := newTestUI(t, "")
	if d := findScreen[*connectionScreen](te.u).clip.Delay; d != 30*time.Second {
		t.Fatalf("default delay %s", d)
	}
	clock := &manualClock{}
	te = newTestUIOptions(t, "", nil, uiOptions{clipboard: clipboardClearing{Delay: 5 * time.Second, After: clock.after}})
	createProfileByTyping(t, te, "Contoso MSP")
	savedWithSecret(t, te, "https://contoso.halopsa.com")
	c := connectionFor(t, te)
	test.Tap(c.copyBtns[connection.PrivateKey])
	te.wait()
	if len(clock.fire) != 1 || clock.delays[0] != 5*time.Second || !strings.Contains(c.status.Text, "cleared in 5 s") {
		t.Fatalf("timers %v, status %q", clock.delays, c.status.Text)
	}
	te.u.Close()
	if !clock.stopped[0] {
		t.Fatal("closing the window left the clipboard timer running")
	}
}
