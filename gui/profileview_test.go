package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
)

func TestProfileViewShowsTheBodyOnlyWithAProfile(t *testing.T) {
	test.NewTempApp(t)
	body := widget.NewLabel("body")
	var v profileView
	v.initProfileView(&UI{}, "Kept per profile.", body)
	shown := func() fyne.CanvasObject { return v.stack.Objects[0] }
	if shown() != v.none || !labelContains(v.none, "Kept per profile. Create or select a profile first.") {
		t.Fatal("without a profile the view must say what is kept per profile")
	}
	v.setProfile(&storage.Profile{ID: 7})
	if shown() != body || !v.showing(7) || v.showing(8) || v.loadSeq != 1 {
		t.Fatalf("profile 7: body shown %v, load %d", shown() == body, v.loadSeq)
	}
	v.setProfile(nil)
	if shown() != v.none || v.showing(7) || v.loadSeq != 2 {
		t.Fatalf("no profile: none shown %v, load %d", shown() == v.none, v.loadSeq)
	}
}

// TestEveryProfileScreenSharesTheNoProfileView: the Mapping screen too
// shows the shared view, whose button goes to the Profiles screen.
func TestEveryProfileScreenSharesTheNoProfileView(t *testing.T) {
	te := newTestUI(t, "")
	if te.u.current != nil {
		t.Fatal("a new database has no current profile")
	}
	bound := 0
	for i, sc := range te.u.screens {
		pv, ok := sc.(interface{ content() fyne.CanvasObject })
		b := findButton(pv.content(), "Go to Profiles")
		if !ok || b == nil {
			continue
		}
		bound++
		te.u.showNow(i)
		test.Tap(b)
		if !isShown[*profilesScreen](te.u) {
			t.Fatalf("%s: Go to Profiles did not show the Profiles screen", sc.title())
		}
	}
	if bound != 4 {
		t.Fatalf("%d screens show the shared view, want checklist, connection, check and mapping", bound)
	}
	s := findScreen[*mappingScreen](te.u)
	if s.stack.Objects[0] != s.none || findButton(s.root, "Go to Profiles") != s.toProfiles {
		t.Fatal("the Mapping screen without a profile must show the shared view")
	}
}
