package gui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
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

func (s *connectionScreen) copyField(field string) {
	if field == fieldPrivateKey {
		s.copySecret()
		return
	}
	if text := s.values[field].value; text != "" {
		s.u.app.Clipboard().SetContent(text)
		s.status.SetText("Copied " + field + ".")
	}
}

// copySecret copies the stored Client Secret from the keyring straight to
// the clipboard; it never passes through a widget.
func (s *connectionScreen) copySecret() {
	if s.profile == nil || !s.secretStored {
		return
	}
	id := s.profile.ID
	runAsync(s.u, func(ctx context.Context) (string, error) {
		return readSecret(ctx, s.u.env, id)
	}, func(secret string, err error) {
		if err != nil {
			s.u.showError("Reading the Client Secret from the keyring failed", err)
			return
		}
		if secret == "" {
			s.status.SetText("No Client Secret is stored for this profile.")
			return
		}
		s.clip.Copy(s.u.app.Clipboard(), secret)
		s.clearClipboardLater(secret)
		s.status.SetText(s.secretCopiedMsg())
	})
}

func (s *connectionScreen) secretCopiedMsg() string {
	secs := max(1, int(s.clip.Delay.Round(time.Second)/time.Second))
	return fmt.Sprintf("Copied the API Private Key (your Client Secret) from the keyring — the clipboard is cleared in %d s. "+
		"Paste it into 1stream now.", secs)
}

// clearClipboardLater clears the clipboard after the delay if it still
// holds secret. The timer's goroutine only hands over to the UI goroutine.
func (s *connectionScreen) clearClipboardLater(secret string) {
	s.stopClipboardTimer()
	s.clipSeq++
	seq, ctx := s.clipSeq, s.u.ctx
	s.clipSecret = secret
	s.clipStop = s.clip.After(s.clip.Delay, func() {
		if ctx.Err() != nil {
			return // window closed
		}
		fyne.Do(func() { s.clearClipboard(seq) })
	})
}

func (s *connectionScreen) stopClipboardTimer() {
	if s.clipStop != nil {
		s.clipStop()
		s.clipStop = nil
	}
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

// copyAllText is every value as a text block. The secret stays out: it is
// copied on its own, from the keyring.
func (s *connectionScreen) copyAllText() string {
	var b strings.Builder
	for _, f := range oneStreamFields {
		v := s.values[f].value
		switch {
		case f == fieldPrivateKey:
			v = "(copy it with its own button: it comes from the system keyring)"
		case v == "":
			v = "(" + s.values[f].label.Text + ")"
		}
		fmt.Fprintf(&b, "%s: %s\n", f, v)
	}
	return b.String()
}

func (s *connectionScreen) copyAll() {
	s.u.app.Clipboard().SetContent(s.copyAllText())
	s.status.SetText("Copied all values except the API Private Key.")
}
