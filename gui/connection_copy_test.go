package gui

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

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
	createProfileByTyping(t, te, "Contoso MSP")
	c := connectionFor(t, te)
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	test.Tap(c.saveBtn)
	te.wait()
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

// The stored secret is copied only beside the values it is bound to: the
// values shown are the saved profile's, the copy is offered only with the
// form saved and the secret's destination holding (checked by its seal
// when copying), and a copy that finishes after a profile switch is
// dropped.
func TestConnectionSecretCopyObeysItsBinding(t *testing.T) {
	te := newTestUI(t, "")
	ctx := context.Background()
	createProfileByTyping(t, te, "Customer A")
	savedWithSecret(t, te, "https://a.halopsa.com")
	c := connectionFor(t, te)
	clip := te.u.app.Clipboard()
	copySecret := func() {
		t.Helper()
		clip.SetContent("")
		test.Tap(c.copyBtns[connection.PrivateKey])
		v := c.values[connection.PrivateKey]
		test.Tap(v)
		v.TypedShortcut(&fyne.ShortcutCopy{})
		te.wait()
	}
	if c.copyBtns[connection.PrivateKey].Disabled() {
		t.Fatal("a saved, bound secret cannot be copied")
	}

	// Customer B's URL typed, not saved: A's Endpoint stays, and A's
	// secret is not offered beside anything.
	retype(c.urlEntry, "b.halopsa.com")
	if got := c.values[connection.Endpoint].value; got != "https://a.halopsa.com/api/" {
		t.Fatalf("Endpoint with an unsaved URL = %q", got)
	}
	if !c.copyBtns[connection.PrivateKey].Disabled() {
		t.Fatal("the stored secret can be copied beside unsaved changes")
	}
	copySecret()
	if clip.Content() == testSecret {
		t.Fatal("the stored secret was copied with unsaved changes")
	}

	// Saved without it: the secret stays bound to A and is not copied
	// beside B's Endpoint.
	test.Tap(c.saveBtn)
	te.wait()
	if c.secretDlg == nil {
		t.Fatal("the move did not ask for the secret")
	}
	test.Tap(c.secretDlg.without)
	te.wait()
	if got := c.values[connection.Endpoint].value; got != "https://b.halopsa.com/api/" || !c.copyBtns[connection.PrivateKey].Disabled() {
		t.Fatalf("after Save without it: Endpoint %q, copy enabled %v", got, !c.copyBtns[connection.PrivateKey].Disabled())
	}
	copySecret()
	if clip.Content() == testSecret {
		t.Fatal("A's secret was copied beside B's Endpoint")
	}

	// An edited database: the record names B, but the seal is A's.
	savedWithSecret(t, te, "https://a.halopsa.com")
	p, _ := te.db.Profile(ctx, te.u.current.ID)
	pb := p
	pb.HaloURL = "https://b.halopsa.com"
	dest, _ := pb.Destination()
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(te.dir, "halo-assistant.db")+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, "UPDATE profiles SET halo_url = ?, secret_dest = ? WHERE id = ?", pb.HaloURL, dest.String(), p.ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	te.u.profiles.afterChange(p.ID)
	te.wait()
	copySecret()
	if clip.Content() == testSecret || !strings.Contains(c.status.Text, "Not copied") {
		t.Fatalf("a secret whose seal does not match was copied: status %q", c.status.Text)
	}

	// A copy still reading the keyring when another profile is shown is
	// dropped.
	savedWithSecret(t, te, "https://a.halopsa.com")
	first := te.u.current.ID
	createProfileByTyping(t, te, "Customer B")
	second := te.u.current.ID
	te.u.profiles.afterChange(first)
	te.wait()
	c = connectionFor(t, te)
	clip.SetContent("")
	release := holdAsync(t, te.u, func() { test.Tap(c.copyBtns[connection.PrivateKey]) })
	te.u.profiles.afterChange(second) // runs inline; the held copy still waits
	if te.u.current.ID != second {
		t.Fatal("the profile switch did not happen")
	}
	release()
	te.wait()
	if clip.Content() == testSecret || len(c.clipSecret) != 0 {
		t.Fatal("a copy that finished after a profile switch reached the clipboard")
	}
}
