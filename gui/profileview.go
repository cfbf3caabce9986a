package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
)

// profileView is embedded by the screens that show one profile's data
// (checklist, connection, systems check, mapping): the current profile, a
// load sequence that lets a load finished after a profile switch drop its
// result, and the stack that shows the screen's body, or the "no profile"
// view without a profile.
type profileView struct {
	profile    *storage.Profile
	loadSeq    int
	body, none fyne.CanvasObject
	stack      *fyne.Container
	toProfiles *widget.Button // the "no profile" view's Go to Profiles
}

// initProfileView builds the stack around body; why says what the screen
// keeps per profile.
func (v *profileView) initProfileView(u *UI, why string, body fyne.CanvasObject) {
	v.body = body
	v.toProfiles = widget.NewButtonWithIcon("Go to Profiles", theme.AccountIcon(), func() { u.show(0) })
	v.toProfiles.Importance = widget.HighImportance
	v.none = container.NewCenter(container.NewVBox(heading("No profile selected"),
		widget.NewLabel(why+" Create or select a profile first."), container.NewCenter(v.toProfiles)))
	v.stack = container.NewStack(v.none)
}

// setProfile makes p the current profile, starts a new load sequence and
// shows the body, or the "no profile" view when p is nil.
func (v *profileView) setProfile(p *storage.Profile) {
	v.profile = p
	v.loadSeq++
	show := v.body
	if p == nil {
		show = v.none
	}
	v.stack.Objects = []fyne.CanvasObject{show}
	v.stack.Refresh()
}

// showing reports whether the profile with this ID is the current one.
func (v *profileView) showing(profileID int64) bool {
	return v.profile != nil && v.profile.ID == profileID
}

// content is the screen: its body, or the "no profile" view.
func (v *profileView) content() fyne.CanvasObject { return v.stack }
