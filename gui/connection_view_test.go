package gui

import (
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"
)

// The Connection screen's decisions, without widgets.
func TestConnectionView(t *testing.T) {
	const id = "0f8fad5b-d9cb-469f-a165-70867728950e"
	for _, tc := range []struct {
		name  string
		form  connectionForm
		facts connectionFacts
		check func(t *testing.T, v connectionDecisions)
	}{
		{"empty form", connectionForm{}, connectionFacts{}, func(t *testing.T, v connectionDecisions) {
			if v.URLHint.imp != widget.MediumImportance || v.IDHint.imp != widget.MediumImportance || v.CanDetect || v.CanSave {
				t.Fatalf("%+v", v)
			}
			if v.Values[fieldEndpoint].copy != "" || v.Values[fieldAPIKey].shown != "enter the Client ID" {
				t.Fatalf("values %+v", v.Values)
			}
			if v.SecretHint.imp != widget.WarningImportance || v.CanForget {
				t.Fatalf("secret %+v", v)
			}
		}},
		{"valid form, secret stored, dirty", connectionForm{URL: "acme.halopsa.com", ClientID: id, Tenant: "acme"},
			connectionFacts{SecretStored: true, Dirty: true}, func(t *testing.T, v connectionDecisions) {
				if v.URLHint.text != "✓ https://acme.halopsa.com" || v.IDHint.imp != widget.SuccessImportance {
					t.Fatalf("hints %+v %+v", v.URLHint, v.IDHint)
				}
				if v.Values[fieldAPIKey].copy != id || v.Values[fieldCompany].copy != "acme" || v.Values[fieldEndpoint].copy == "" {
					t.Fatalf("values %+v", v.Values)
				}
				if !v.CopyStoredSecret || !v.CanForget || !v.CanDetect || !v.CanSave || v.SecretPlaceholder != "stored — type to replace" {
					t.Fatalf("%+v", v)
				}
			}},
		{"saving disables Save", connectionForm{URL: "acme.halopsa.com"}, connectionFacts{Dirty: true, Saving: true},
			func(t *testing.T, v connectionDecisions) {
				if v.CanSave {
					t.Fatal("Save enabled while saving")
				}
			}},
		{"bad URL and a secret as the Client ID", connectionForm{URL: "http://", ClientID: id + "-" + id},
			connectionFacts{}, func(t *testing.T, v connectionDecisions) {
				if v.URLHint.imp != widget.DangerImportance || v.IDHint.imp != widget.DangerImportance || v.CanDetect {
					t.Fatalf("%+v", v)
				}
				// A secret typed as the ID is never offered for copying.
				if v.Values[fieldAPIKey].copy != "" || v.Values[fieldEndpoint].shown != "enter a valid Halo URL" {
					t.Fatalf("values %+v", v.Values)
				}
			}},
		{"typed secret, demo mode", connectionForm{Secret: id + "-" + id}, connectionFacts{Demo: true},
			func(t *testing.T, v connectionDecisions) {
				if !strings.Contains(v.SecretHint.text, "memory") || !strings.Contains(v.SecretHint.text, "Demo mode") ||
					v.Values[fieldPrivateKey].shown != "•••••••• (save first)" || v.CopyStoredSecret {
					t.Fatalf("%+v", v)
				}
			}},
		{"keyring unreadable", connectionForm{}, connectionFacts{SecretErr: errors.New("locked")},
			func(t *testing.T, v connectionDecisions) {
				if v.SecretHint.imp != widget.DangerImportance || !strings.Contains(v.SecretHint.text, "locked") {
					t.Fatalf("%+v", v.SecretHint)
				}
			}},
		{"advanced refusals open Advanced", connectionForm{Tenant: "a b", CAFile: "rel.pem"}, connectionFacts{},
			func(t *testing.T, v connectionDecisions) {
				if !strings.Contains(v.AdvHint, "tenant") || !strings.Contains(v.AdvHint, "full path") {
					t.Fatalf("advanced hint %q", v.AdvHint)
				}
			}},
		{"detected company", connectionForm{}, connectionFacts{Detected: "contoso"},
			func(t *testing.T, v connectionDecisions) {
				if v.Values[fieldCompany].copy != "contoso" {
					t.Fatalf("company %+v", v.Values[fieldCompany])
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := connectionView(tc.form, tc.facts)
			for _, f := range oneStreamFields {
				if _, ok := v.Values[f]; !ok {
					t.Fatalf("no value for %s", f)
				}
			}
			tc.check(t, v)
		})
	}
}
