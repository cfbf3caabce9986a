package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/contacts"
)

// regionField is the Contacts screen's "Region of the numbers": filled by
// contacts.ResolveRegion (the profile's, else the last audit's, else the
// OS locale's) as the command line chooses without --region; what is
// typed is the region for this audit, saved for the profile.
type regionField struct {
	entry *widget.Entry
	note  *widget.Label
	row   fyne.CanvasObject // the label and the entry
	// getenv is the environment (Env.Getenv) for the OS locale; saved and
	// last are the profile's region and its last audit's; filled what
	// the field was filled with, so a late last audit may replace it.
	getenv      func(string) string
	saved, last contacts.Region
	filled      string
}

func newRegionField(getenv func(string) string, changed, submitted func()) *regionField {
	f := &regionField{entry: widget.NewEntry(), note: wrapped(""), getenv: getenv}
	f.entry.SetPlaceHolder("GB")
	f.entry.OnChanged = func(string) { changed() }
	f.entry.OnSubmitted = func(string) { submitted() }
	// The note is one truncated line: wrapped, it would take its width
	// from the entry beside it.
	f.note.Wrapping = fyne.TextWrapOff
	f.note.Truncation = fyne.TextTruncateEllipsis
	f.row = container.NewHBox(widget.NewLabel("Region of the numbers"),
		container.NewGridWrap(fyne.NewSize(70, f.entry.MinSize().Height), f.entry))
	return f
}

// value is the typed region and whether it is one.
func (f *regionField) value() (contacts.Region, bool) {
	r, err := contacts.ParseRegion(f.entry.Text)
	return r, err == nil
}

// fill shows the region a profile saved as saved, whose last audit read
// numbers for last, is audited with.
func (f *regionField) fill(saved, last contacts.Region) {
	f.saved, f.last = saved, last
	f.filled = string(contacts.ResolveRegion("", saved, last, f.getenv))
	f.entry.SetText(f.filled)
}

// lastAudit tells the field the region of the last audit, once it is
// read; the field follows it unless something was typed meanwhile.
func (f *regionField) lastAudit(last contacts.Region) {
	if f.entry.Text == f.filled {
		f.fill(f.saved, last)
		return
	}
	f.last = last
}

// checkNote says what the typed region means for the profile (none: no
// profile), in danger colours when it is no region.
func (f *regionField) checkNote(saved contacts.Region, profile bool) {
	f.saved = saved
	text, bad := regionNote(f.entry.Text, saved, f.last, profile, f.getenv)
	f.note.Importance = widget.MediumImportance
	if bad {
		f.note.Importance = widget.DangerImportance
	}
	f.note.SetText(text)
}

// regionNote is what the note says for typed with the profile's saved
// region and its last audit's: whether it is a region, where it came from
// and that it is saved for the profile (when there is one) once used.
func regionNote(typed string, saved, last contacts.Region, profile bool, getenv func(string) string) (text string, bad bool) {
	r, err := contacts.ParseRegion(typed)
	if err != nil {
		return "Type a two-letter country code such as GB or US: numbers without a country code are read for it.", true
	}
	read := "Numbers without a country code are read as " + string(r) + " numbers"
	if r == saved || !profile {
		return read + ".", false
	}
	from := ""
	if def, src := contacts.ResolveRegionSource("", saved, last, getenv); r == def {
		switch src {
		case contacts.RegionFromLastAudit:
			from = " (the last audit's)"
		case contacts.RegionFromLocale:
			from = " (this computer's locale)"
		}
	}
	return read + from + "; saved for the profile when you press Enter or audit.", false
}
