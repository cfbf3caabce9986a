package gui

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/gui/connection"
)

// Only the secret goes through the private copy (on Windows: kept out of
// clipboard history and cloud sync); the other values, Ctrl+C on a value
// and Copy all copy plainly.
func TestConnectionOnlyTheSecretIsCopiedPrivately(t *testing.T) {
	var private []string
	rec := func(cb fyne.Clipboard, text string) {
		private = append(private, text)
		cb.SetContent(text)
	}
	te := newTestUIOptions(t, "", nil, uiOptions{clipboard: clipboardClearing{Copy: rec}})
	c := savedContoso(t, te)
	clip := te.u.app.Clipboard()

	for _, f := range connection.OneStreamFields {
		if f == connection.PrivateKey || c.copyBtns[f] == nil || c.copyBtns[f].Disabled() {
			continue
		}
		test.Tap(c.copyBtns[f])
		v := c.values[f]
		test.Tap(v)
		v.TypedShortcut(&fyne.ShortcutCopy{})
	}
	test.Tap(c.copyAllBtn)
	te.wait()
	if len(private) != 0 || clip.Content() == "" {
		t.Fatalf("plain copies went through the private copy: %q (clipboard %q)", private, clip.Content())
	}

	test.Tap(c.copyBtns[connection.PrivateKey])
	te.wait()
	v := c.values[connection.PrivateKey]
	test.Tap(v)
	v.TypedShortcut(&fyne.ShortcutCopy{})
	te.wait()
	if len(private) != 2 || private[0] != testSecret || private[1] != testSecret || clip.Content() != testSecret {
		t.Fatalf("the secret's copies: %d private, clipboard holds it %v", len(private), clip.Content() == testSecret)
	}
}

// secretCopyEnv is customer A's profile with its secret saved and bound,
// shown on the Connection screen.
type secretCopyEnv struct {
	*testEnv
	c *connectionScreen
}

func newSecretCopyEnv(t *testing.T) secretCopyEnv {
	t.Helper()
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Customer A")
	savedWithSecret(t, te, "https://a.halopsa.com")
	e := secretCopyEnv{te, connectionFor(t, te)}
	if e.c.copyBtns[connection.PrivateKey].Disabled() {
		t.Fatal("a saved, bound secret cannot be copied")
	}
	return e
}

// copied copies the API Private Key by its button and by Ctrl+C on the
// value, and reports whether the stored secret reached the clipboard.
func (e secretCopyEnv) copied() bool {
	clip := e.u.app.Clipboard()
	clip.SetContent("")
	test.Tap(e.c.copyBtns[connection.PrivateKey])
	v := e.c.values[connection.PrivateKey]
	test.Tap(v)
	v.TypedShortcut(&fyne.ShortcutCopy{})
	e.wait()
	return clip.Content() == testSecret
}

// The values shown are the saved profile's, and the stored secret is
// copied only with the form saved and its destination holding: not beside
// an unsaved address, nor after "Save without it".
func TestConnectionSecretCopyNeedsTheSavedBoundForm(t *testing.T) {
	e := newSecretCopyEnv(t)
	c := e.c
	retype(c.urlEntry, "b.halopsa.com") // customer B's, not saved
	if got := c.values[connection.Endpoint].value; got != "https://a.halopsa.com/api/" {
		t.Fatalf("Endpoint with an unsaved URL = %q", got)
	}
	if !c.copyBtns[connection.PrivateKey].Disabled() || e.copied() {
		t.Fatal("the stored secret can be copied beside unsaved changes")
	}

	test.Tap(c.saveBtn)
	e.wait()
	if c.secretDlg == nil {
		t.Fatal("the move did not ask for the secret")
	}
	test.Tap(c.secretDlg.without)
	e.wait()
	if got := c.values[connection.Endpoint].value; got != "https://b.halopsa.com/api/" || !c.copyBtns[connection.PrivateKey].Disabled() {
		t.Fatalf("after Save without it: Endpoint %q, copy enabled %v", got, !c.copyBtns[connection.PrivateKey].Disabled())
	}
	if e.copied() {
		t.Fatal("A's secret was copied beside B's Endpoint")
	}
}

// An edited database (the record names B, the seal is A's) is caught by
// the seal when copying.
func TestConnectionSecretCopyChecksTheSeal(t *testing.T) {
	e := newSecretCopyEnv(t)
	ctx := context.Background()
	p, _ := e.db.Profile(ctx, e.u.current.ID)
	pb := p
	pb.HaloURL = "https://b.halopsa.com"
	dest, _ := pb.Destination()
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(e.dir, "halo-assistant.db")+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, "UPDATE profiles SET halo_url = ?, secret_dest = ? WHERE id = ?", pb.HaloURL, dest.String(), p.ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	e.u.profiles.afterChange(p.ID)
	e.wait()
	if e.copied() || !strings.Contains(e.c.status.Text, "Not copied") {
		t.Fatalf("a secret whose seal does not match was copied: status %q", e.c.status.Text)
	}
}

// A copy still reading the keyring when another profile is shown is
// dropped.
func TestConnectionSecretCopyAfterAProfileSwitchIsDropped(t *testing.T) {
	e := newSecretCopyEnv(t)
	first := e.u.current.ID
	createProfileByTyping(t, e.testEnv, "Customer B")
	second := e.u.current.ID
	e.u.profiles.afterChange(first)
	e.wait()
	c := connectionFor(t, e.testEnv)
	clip := e.u.app.Clipboard()
	clip.SetContent("")
	release := holdAsync(t, e.u, func() { test.Tap(c.copyBtns[connection.PrivateKey]) })
	e.u.profiles.afterChange(second) // runs inline; the held copy still waits
	if e.u.current.ID != second {
		t.Fatal("the profile switch did not happen")
	}
	release()
	e.wait()
	if clip.Content() == testSecret || c.clipSecret != "" {
		t.Fatal("a copy that finished after a profile switch reached the clipboard")
	}
}

func TestConnectionCopyValues(t *testing.T) {
	te, c := contosoConnection(t)
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
	c := savedContoso(t, te)
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
