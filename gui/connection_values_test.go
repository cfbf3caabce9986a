package gui

import (
	"context"
	"github.com/halo-assistant/halo-assistant/gui/connection"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/storage"
)

func TestConnectionAdvancedSection(t *testing.T) {
	te, c := contosoConnection(t)
	id := te.u.current.ID
	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testClientID)
	stored := func() storage.Profile {
		t.Helper()
		p, err := te.db.Profile(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}

	// An authorisation server over plain http (not this computer) is
	// refused, with the reason, live and on Save.
	test.Type(c.authURL, "http://auth.contoso.example/auth")
	if !c.advHint.Visible() || !strings.Contains(c.advHint.Text, "https://") || !c.advanced.Items[0].Open {
		t.Fatalf("advanced hint = %q", c.advHint.Text)
	}
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Not saved.") || !strings.Contains(c.status.Text, "Authorisation server: Use https://") {
		t.Fatalf("status = %q", c.status.Text)
	}
	if stored().AuthURL != "" || stored().HaloURL != "" {
		t.Fatal("a refused save wrote the connection")
	}

	// A CA file that does not exist is refused on Save.
	retype(c.authURL, "")
	missing := filepath.Join(t.TempDir(), "private-ca.pem")
	test.Type(c.caFile, missing)
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Not saved.") || !strings.Contains(c.status.Text, "CA file: The CA file "+missing+" does not exist") {
		t.Fatalf("status = %q", c.status.Text)
	}
	// The refusal is shown next to the field, until the field changes.
	if !strings.Contains(c.advHint.Text, "does not exist") || c.advHint.Importance != widget.DangerImportance {
		t.Fatalf("advanced hint = %q", c.advHint.Text)
	}
	if stored().CAFile != "" || stored().HaloURL != "" {
		t.Fatal("a refused save wrote the connection")
	}
	// A file that is not a certificate, and a relative path, are refused too.
	if err := os.WriteFile(missing, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.Contains(c.status.Text, "holds no PEM certificate") {
		t.Fatalf("status = %q", c.status.Text)
	}
	// A relative path is read from the working directory, as the CLI
	// reads --ca-file, and the hint says which file that is.
	retype(c.caFile, "ca.pem")
	if wd, _ := os.Getwd(); !strings.Contains(c.advHint.Text, "saved as "+filepath.Join(wd, "ca.pem")) {
		t.Fatalf("advanced hint = %q", c.advHint.Text)
	}

	// A scope is saved, and comes back in the form.
	retype(c.caFile, "")
	test.Type(c.scope, "read:agents")
	test.Tap(c.saveBtn)
	te.wait()
	if p := stored(); p.Scope != "read:agents" || p.HaloURL != "https://contoso.halopsa.com" {
		t.Fatalf("saved %+v (%s)", p, c.status.Text)
	}
	te.u.profiles.afterChange(id)
	te.wait()
	if c.scope.Text != "read:agents" || !c.advanced.Items[0].Open {
		t.Fatal("the saved scope is not shown in the open Advanced section")
	}
}

// A Client Secret pasted into the Client ID field is refused, never saved
// as the ID: from there it would reach the database, every history row,
// the report and the clipboard.
func TestConnectionRefusesSecretAsClientID(t *testing.T) {
	te, c := contosoConnection(t)
	id := te.u.current.ID

	test.Type(c.urlEntry, "contoso.halopsa.com")
	test.Type(c.clientID, testSecret)
	if c.idHint.Importance != widget.DangerImportance || !strings.Contains(c.idHint.Text, "swapped") {
		t.Fatalf("id hint = %q (%v)", c.idHint.Text, c.idHint.Importance)
	}
	if c.values[connection.APIKey].value != "" || !c.copyBtns[connection.APIKey].Disabled() || strings.Contains(c.values[connection.APIKey].label.Text, testSecret) {
		t.Fatalf("the secret is offered as 1stream's API Key: %q", c.values[connection.APIKey].label.Text)
	}
	test.Tap(c.copyAllBtn)
	if strings.Contains(te.u.app.Clipboard().Content(), testSecret) {
		t.Fatal("Copy all contains the secret typed as the Client ID")
	}
	test.Tap(c.saveBtn)
	te.wait()
	if !strings.HasPrefix(c.status.Text, "Not saved.") || !strings.Contains(c.status.Text, "Client ID: This looks like the Client Secret") {
		t.Fatalf("status = %q", c.status.Text)
	}
	p, err := te.db.Profile(context.Background(), id)
	if err != nil || p.ClientID != "" || p.HaloURL != "" {
		t.Fatalf("a refused save wrote %+v, %v", p, err)
	}

	// Swapping the two fields back is saved.
	retype(c.clientID, testClientID)
	test.Type(c.secret, testSecret)
	if c.idHint.Importance != widget.SuccessImportance {
		t.Fatalf("id hint = %q", c.idHint.Text)
	}
	test.Tap(c.saveBtn)
	te.wait()
	if p, _ := te.db.Profile(context.Background(), id); p.ClientID != testClientID || !te.secrets.Has(id) {
		t.Fatalf("status = %q, saved %+v", c.status.Text, p)
	}
}
