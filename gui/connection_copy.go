package gui

import (
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/gui/connection"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// secretClipboardTTL is how long a copied Client Secret may stay on the
// clipboard, as password managers do: long enough to paste it into 1stream.
const secretClipboardTTL = 30 * time.Second

// clipboardClearing says how a copied Client Secret goes onto the clipboard
// (Copy) and when it leaves it: after Delay, on the clock After, which has
// time.AfterFunc's contract (f runs later on another goroutine; stop
// cancels it). Zero fields are privateCopy, secretClipboardTTL and
// time.AfterFunc; tests pass a clock they advance.
type clipboardClearing struct {
	Copy  func(cb fyne.Clipboard, secret string)
	Delay time.Duration
	After func(d time.Duration, f func()) (stop func() bool)
}

func (c clipboardClearing) withDefaults() clipboardClearing {
	if c.Copy == nil {
		c.Copy = privateCopy
	}
	if c.Delay <= 0 {
		c.Delay = secretClipboardTTL
	}
	if c.After == nil {
		c.After = func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }
	}
	return c
}

// secretClipboard is the state of the Client Secret last copied: clip says
// how it is copied and cleared, clipSecret is the secret (until cleared),
// clipSeq tells a stale timer from the current one, and clipStop cancels
// the current one.
type secretClipboard struct {
	clip       clipboardClearing
	clipSecret string
	clipSeq    int
	clipStop   func() bool
}

func (c *secretClipboard) stopClipboardTimer() {
	if c.clipStop != nil {
		c.clipStop()
		c.clipStop = nil
	}
}

// arm starts the wait after which clear(seq) runs (on the timer's
// goroutine) for the secret just copied; a copy before restarts it.
func (c *secretClipboard) arm(secret string, clear func(seq int)) {
	c.stopClipboardTimer()
	c.clipSeq++
	seq := c.clipSeq
	c.clipSecret = secret
	c.clipStop = c.clip.After(c.clip.Delay, func() { clear(seq) })
}

func (s *connectionScreen) copyField(field string) {
	if field == connection.PrivateKey {
		s.copySecret()
		return
	}
	if text := s.values[field].value; text != "" {
		s.u.app.Clipboard().SetContent(text)
		s.status.SetText("Copied " + field + ".")
	}
}

// copySecret copies the stored Client Secret from the keyring straight to
// the clipboard; it never passes through a widget. Only while the form is
// saved and the secret still goes where the values shown lead (the model
// checks the seal once more off the UI goroutine); a copy that finishes
// after another profile was shown (or the connection saved) is dropped.
func (s *connectionScreen) copySecret() {
	gen, work, ok := s.model.CopySecret(s.typed())
	if !ok {
		return
	}
	runAsync(s.u, work, func(secret string, err error) {
		if !s.model.Copied(gen) {
			return // the values it belonged beside are no longer shown
		}
		var moved *halo.DestinationChangedError
		switch {
		case errors.As(err, &moved):
			s.setStatus(widget.DangerImportance, "Not copied: "+moved.Error()+" Type the Client Secret again and Save.")
			return
		case errors.Is(err, storage.ErrSecretNotFound):
			s.status.SetText("No Client Secret is stored for this profile.")
			return
		case err != nil:
			s.u.showError("Reading the Client Secret from the keyring failed", err)
			return
		}
		s.clip.Copy(s.u.app.Clipboard(), secret)
		ctx := s.u.bg.ctx
		s.arm(secret, func(seq int) {
			if ctx.Err() != nil {
				return // window closed
			}
			fyne.Do(func() { s.clearClipboard(seq) })
		})
		s.status.SetText(s.secretCopiedMsg())
	})
}

func (s *connectionScreen) secretCopiedMsg() string {
	secs := max(1, int(s.clip.Delay.Round(time.Second)/time.Second))
	return fmt.Sprintf("Copied the API Private Key (your Client Secret) from the keyring — the clipboard is cleared in %d s. "+
		"Paste it into 1stream now.", secs)
}

// clearClipboard empties the clipboard if it still holds the secret copied
// as copy seq; whatever the admin copied since stays.
func (s *connectionScreen) clearClipboard(seq int) {
	if seq != s.clipSeq || s.clipSecret == "" {
		return // a later copy restarted the wait, or it was cleared
	}
	secret := s.clipSecret
	s.clipSecret = ""
	s.stopClipboardTimer()
	if cb := s.u.app.Clipboard(); cb.Content() == secret {
		cb.SetContent("")
		if s.status.Text == s.secretCopiedMsg() {
			s.status.SetText("The API Private Key was cleared from the clipboard. Copy it again if 1stream still needs it.")
		}
	}
}

func (s *connectionScreen) copyAll() {
	s.u.app.Clipboard().SetContent(s.copyAllText())
	s.status.SetText("Copied all values except the API Private Key.")
}
