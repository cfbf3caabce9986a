package gui

import (
	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
)

// keyringBanner explains an unavailable keyring above every screen, with a
// Retry button, and remembers what the last probe of the keyring said.
type keyringBanner struct {
	box *fyne.Container
	err error // the last probe's answer
	// retry is the banner's Retry button (nil without a banner); probing
	// is set while a probe runs.
	retry   *widget.Button
	probing bool
	onRetry func()
}

func newKeyringBanner(onRetry func()) *keyringBanner {
	return &keyringBanner{box: container.NewVBox(), onRetry: onRetry}
}

// begin marks a probe as running; false when one already is.
func (k *keyringBanner) begin() bool {
	if k.probing {
		return false
	}
	k.probing = true
	if k.retry != nil {
		k.retry.SetText("Checking …")
		k.retry.Disable()
	}
	return true
}

// answered records a probe's answer and returns the previous one; show
// then shows it.
func (k *keyringBanner) answered(err error) (was error) {
	k.probing = false
	was, k.err = k.err, err
	return was
}

// show shows err, or nothing once the keyring answers.
func (k *keyringBanner) show() {
	k.box.Objects = nil
	k.retry = nil
	if k.err != nil {
		k.retry = widget.NewButtonWithIcon("Retry", theme.ViewRefreshIcon(), k.onRetry)
		k.box.Add(warningBanner(keyringBannerText(k.err), k.retry))
	}
	k.box.Refresh()
}

// keyringBannerText says in one sentence what does not work and why, then
// how to fix it.
func keyringBannerText(err error) string {
	reason, fix := err.Error(), ""
	var ku *storage.KeyringUnavailableError
	if errors.As(err, &ku) {
		reason, fix = ku.Reason(), " To fix it, "+ku.Hint()+"."
	}
	return "System keyring unavailable — " + reason + " — so Client Secrets cannot be stored or used until it answers; " +
		"everything else works." + fix
}

// probeKeyring checks the secret store (off the UI goroutine) so an
// unavailable keyring is explained up front instead of at the first Save.
// It runs at start, from the banner's Retry button and whenever the app
// comes back to the foreground while the banner is shown: the admin may
// have started or unlocked the keyring meanwhile.
func (u *UI) probeKeyring() {
	type prober interface{ Probe(context.Context) error }
	p, ok := u.env.Secrets.(prober)
	if !ok || !u.keyring.begin() {
		return // a probe already running answers for this one too
	}
	runAsync(u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, p.Probe(ctx)
	}, func(_ struct{}, err error) {
		was := u.keyring.answered(err)
		switch {
		case err != nil && was == nil:
			u.env.Log.Warn("keyring unavailable", "err", err)
		case err == nil && was != nil:
			u.env.Log.Info("keyring available again")
			// The Connection screen read the keyring while it failed:
			// it looks again for the stored secret.
			if c := findScreen[*connectionScreen](u); c != nil && c.profile != nil {
				c.load()
			}
		}
		u.keyring.show()
	})
}

// foreground re-probes an unavailable keyring when the app regains the
// focus; an available one is not asked again (each probe is a D-Bus call,
// and a locked keyring may answer it with an unlock prompt).
func (u *UI) foreground() {
	if u.keyring.err != nil {
		u.probeKeyring()
	}
}
