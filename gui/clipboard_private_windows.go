package gui

import (
	"fyne.io/fyne/v2"

	"github.com/halo-assistant/halo-assistant/internal/winclip"
)

// privateCopy puts the secret on the clipboard marked to stay out of
// clipboard history (Win+V) and cloud clipboard sync. Should that fail (the
// clipboard busy for long), the plain copy still works, and is still
// cleared after the delay.
func privateCopy(cb fyne.Clipboard, text string) {
	if winclip.SetPrivateText(text) != nil {
		cb.SetContent(text)
	}
}
