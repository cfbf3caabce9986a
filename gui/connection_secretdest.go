package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
)

// secretDialog asks for the Client Secret in the same Save that moves the
// connection: typed here, it is stored for the new destination; "Save
// without it" saves the settings and leaves the secret unsent (the check
// then says so).
type secretDialog struct {
	d                       *dialog.CustomDialog
	entry                   *widget.Entry
	withIt, without, cancel *widget.Button
}

func (s *connectionScreen) askSecretFor(moved *halo.DestinationChangedError, then func()) *secretDialog {
	sd := &secretDialog{entry: widget.NewPasswordEntry()}
	sd.entry.SetPlaceHolder("Client Secret from Halo's application")
	was := moved.Was.Describe()
	msg := fmt.Sprintf("The Client Secret was entered for %s. The connection now points to %s.\n\n"+
		"The secret is only ever sent where it was entered for. Enter it again (Halo: Configuration › Integrations › "+
		"HaloPSA API › your application) to use it there, or save without it: the systems check will then say "+
		"that the secret was not sent.", was, moved.Now.Describe())
	sd.cancel = widget.NewButton("Cancel", func() {
		sd.d.Hide()
		s.afterSave = nil // leaving or quitting waited for a save that did not happen
		s.setStatus(widget.WarningImportance, "Not saved: the Client Secret is needed for the new address.")
	})
	sd.without = widget.NewButton("Save without it", func() {
		sd.d.Hide()
		s.model.SaveUnbound()
		s.save(then)
	})
	sd.withIt = widget.NewButton("Save with this secret", func() {
		sd.d.Hide()
		s.secret.SetText(sd.entry.Text)
		s.save(then)
	})
	sd.withIt.Importance = widget.HighImportance
	sd.withIt.Disable()
	sd.entry.OnChanged = func(t string) {
		if t == "" {
			sd.withIt.Disable()
		} else {
			sd.withIt.Enable()
		}
	}
	sd.entry.OnSubmitted = func(string) {
		if !sd.withIt.Disabled() {
			sd.withIt.OnTapped()
		}
	}
	sd.d = dialog.NewCustomWithoutButtons("Enter the Client Secret for the new address", container.NewVBox(wrapped(msg), sd.entry), s.u.win)
	sd.d.SetButtons([]fyne.CanvasObject{sd.cancel, sd.without, sd.withIt})
	sd.d.Resize(fyne.NewSize(600, 300))
	sd.d.Show()
	s.u.win.Canvas().Focus(sd.entry)
	s.u.escapable(sd.d.Hide)
	s.secretDlg = sd
	return sd
}
