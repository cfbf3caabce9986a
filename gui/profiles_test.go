package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
)

func createProfileByTyping(t *testing.T, te *testEnv, name string) {
	t.Helper()
	s := te.u.profiles
	test.Tap(s.newBtn)
	if s.dlg == nil {
		t.Fatal("New profile did not open a dialog")
	}
	test.Type(s.dlg.entry, name)
	test.Tap(s.dlg.ok)
	te.wait()
}

func TestProfilesCreateRenameDuplicateDelete(t *testing.T) {
	te := newTestUI(t, "")
	s := te.u.profiles
	ctx := context.Background()

	if len(s.items) != 0 || s.stack.Objects[0] != s.empty {
		t.Fatal("a fresh data dir should show the empty state")
	}
	if !s.delBtn.Disabled() || !s.renameBtn.Disabled() {
		t.Fatal("rename/delete must be disabled without a profile")
	}

	createProfileByTyping(t, te, "Contoso MSP")
	if len(s.items) != 1 || s.items[0].Name != "Contoso MSP" {
		t.Fatalf("items = %+v", s.items)
	}
	if te.u.current == nil || te.u.current.Name != "Contoso MSP" {
		t.Fatal("a new profile becomes the current one")
	}
	if !strings.Contains(te.u.header.Text, "Contoso MSP") {
		t.Fatalf("header %q does not name the profile", te.u.header.Text)
	}

	// A duplicate name (case-insensitive) keeps the dialog open with the reason.
	createProfileByTyping(t, te, "contoso msp")
	if !s.dlg.errMsg.Visible() || !strings.Contains(s.dlg.errMsg.Text, "already exists") {
		t.Fatalf("duplicate name error not shown: %q", s.dlg.errMsg.Text)
	}
	if len(s.items) != 1 {
		t.Fatal("duplicate name must not create a profile")
	}
	s.dlg.d.Hide()

	// Rename through the dialog.
	test.Tap(s.renameBtn)
	s.dlg.entry.SetText("")
	test.Type(s.dlg.entry, "Contoso Holdings")
	test.Tap(s.dlg.ok)
	te.wait()
	if s.items[0].Name != "Contoso Holdings" || te.u.current.Name != "Contoso Holdings" {
		t.Fatalf("rename failed: %+v", s.items)
	}

	// Duplicate copies the secret.
	orig := *te.u.current
	if err := te.secrets.Set(ctx, orig.ID, "s3cr3t-value-1234"); err != nil {
		t.Fatal(err)
	}
	test.Tap(s.duplicateBtn)
	if s.dlg.entry.Text != "Contoso Holdings (copy)" {
		t.Fatalf("duplicate suggests %q", s.dlg.entry.Text)
	}
	test.Tap(s.dlg.ok)
	te.wait()
	if len(s.items) != 2 || te.u.current.Name != "Contoso Holdings (copy)" {
		t.Fatalf("duplicate failed: %+v", s.items)
	}
	copyID := te.u.current.ID
	if !te.secrets.Has(copyID) {
		t.Fatal("duplicate did not copy the Client Secret")
	}

	// Delete the copy: confirm, then its secret is gone and the original stays.
	test.Tap(s.delBtn)
	if s.confirm == nil {
		t.Fatal("delete must ask for confirmation")
	}
	s.confirm.Confirm()
	te.wait()
	if te.secrets.Has(copyID) {
		t.Fatal("deleting a profile must remove its keyring secret")
	}
	if !te.secrets.Has(orig.ID) {
		t.Fatal("deleting the copy removed the original's secret")
	}
	if len(s.items) != 1 || s.items[0].ID != orig.ID {
		t.Fatalf("after delete: %+v", s.items)
	}
	ps, err := te.db.Profiles(ctx)
	if err != nil || len(ps) != 1 {
		t.Fatalf("db profiles = %v, %v", ps, err)
	}
	ev, err := te.db.AuditLog(ctx, storage.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var sawDelete, sawSecret bool
	for _, e := range ev {
		sawDelete = sawDelete || e.Action == "profile.deleted"
		sawSecret = sawSecret || e.Action == "secret.removed"
	}
	if !sawDelete || !sawSecret {
		t.Fatalf("audit log misses the deletion: %+v", ev)
	}
}

func TestSelectedProfileIsRemembered(t *testing.T) {
	dir := t.TempDir()
	te := newTestUI(t, dir)
	createProfileByTyping(t, te, "Alpha")
	createProfileByTyping(t, te, "Beta")
	s := te.u.profiles
	// Select Alpha by tapping its row in the list.
	s.list.Select(0)
	te.wait()
	if te.u.current == nil || te.u.current.Name != "Alpha" {
		t.Fatalf("current = %+v", te.u.current)
	}
	te.u.Close()

	// A new window on the same data dir opens on Alpha.
	te2 := newTestUI(t, dir)
	if te2.u.current == nil || te2.u.current.Name != "Alpha" {
		t.Fatalf("remembered profile = %+v", te2.u.current)
	}
}

func TestDeleteCancelledKeepsEverything(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Keep me")
	id := te.u.current.ID
	_ = te.secrets.Set(context.Background(), id, "keep-this-secret")
	s := te.u.profiles
	test.Tap(s.delBtn)
	s.confirm.Dismiss()
	te.wait()
	if len(s.items) != 1 || !te.secrets.Has(id) {
		t.Fatal("cancelled delete changed something")
	}
}

func TestEscClosesTheNameDialogWhileTyping(t *testing.T) {
	te := newTestUI(t, "")
	s := te.u.profiles
	test.Tap(s.newBtn)
	test.Type(s.dlg.entry, "Half typed")
	if len(te.win.Canvas().Overlays().List()) == 0 {
		t.Fatal("dialog not shown")
	}
	s.dlg.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if len(te.win.Canvas().Overlays().List()) != 0 {
		t.Fatal("Esc did not close the dialog")
	}
	if len(s.items) != 0 {
		t.Fatal("Esc created a profile")
	}
}

func TestDeleteWithTheKeyringUnavailableKeepsTheProfile(t *testing.T) {
	te := newTestUI(t, "")
	createProfileByTyping(t, te, "Locked Keyring Ltd")
	id := te.u.current.ID
	_ = te.u.env.Secrets.Set(context.Background(), id, "still-in-the-keyring") // as the app stores it
	te.secrets.FailWith(&storage.KeyringUnavailableError{})
	s := te.u.profiles
	test.Tap(s.delBtn)
	s.confirm.Confirm()
	te.wait()
	if _, err := te.db.Profile(context.Background(), id); err != nil {
		t.Fatalf("the profile was deleted although its secret could not be removed: %v", err)
	}
	if !strings.Contains(confirmMessage(te), "could not be removed") || !strings.Contains(s.status.Text, "not deleted") {
		t.Fatalf("dialog %q, status %q", confirmMessage(te), s.status.Text)
	}
	// Declining keeps everything.
	s.confirm.Dismiss()
	te.wait()
	if _, err := te.db.Profile(context.Background(), id); err != nil {
		t.Fatal("declining the second question must keep the profile")
	}
	// "Delete anyway" deletes the profile and says the secret stays.
	test.Tap(s.delBtn)
	s.confirm.Confirm()
	te.wait()
	s.confirm.Confirm()
	te.wait()
	if _, err := te.db.Profile(context.Background(), id); err == nil {
		t.Fatal("Delete anyway must delete the profile")
	}
	if !strings.Contains(s.status.Text, "stays in the system keyring") {
		t.Fatalf("status = %q", s.status.Text)
	}
	te.secrets.FailWith(nil)
	if !te.secrets.Has(id) {
		t.Fatal("the secret should still be in the keyring, as the admin was told")
	}
}

// confirmMessage is the text of the dialogs on top of the window.
func confirmMessage(te *testEnv) string {
	var text []string
	for _, o := range te.win.Canvas().Overlays().List() {
		walkCanvas(o, func(o fyne.CanvasObject) bool {
			if l, ok := o.(*widget.Label); ok {
				text = append(text, l.Text)
			}
			return false
		})
	}
	return strings.Join(text, "\n")
}
