package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
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

	for _, f := range oneStreamFields {
		if f == fieldPrivateKey || c.copyBtns[f] == nil || c.copyBtns[f].Disabled() {
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

	test.Tap(c.copyBtns[fieldPrivateKey])
	te.wait()
	v := c.values[fieldPrivateKey]
	test.Tap(v)
	v.TypedShortcut(&fyne.ShortcutCopy{})
	te.wait()
	if len(private) != 2 || private[0] != testSecret || private[1] != testSecret || clip.Content() != testSecret {
		t.Fatalf("the secret's copies: %d private, clipboard holds it %v", len(private), clip.Content() == testSecret)
	}
}
