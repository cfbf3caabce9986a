package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo/cli/clitest"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// The region a contacts audit reads numbers for is chosen by one rule
// (contacts.ParseRegion, contacts.ResolveRegion) in both front-ends. Each
// case audits the same profile once from the Contacts screen (the region
// typed, or the one it fills in) and once with `contacts audit` (--region,
// or none), and compares the regions the audits used, or that both refuse
// the input.
func TestContactsRegionAgreesWithContactsAudit(t *testing.T) {
	srv := halotest.New(halotest.Demo())
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name, typed         string
		profile, last, lang string
		want                string // "" refused
	}{
		{"typed wins", " au ", "US", "NZ", "en_IE.UTF-8", "AU"},
		{"UK is GB", "uk", "", "", "en_US.UTF-8", "GB"},
		{"the profile's", "", "AU", "NZ", "en_IE.UTF-8", "AU"},
		{"the last audit's", "", "", "NZ", "en_IE.UTF-8", "NZ"},
		{"the locale's", "", "", "", "en_IE.UTF-8", "IE"},
		{"a locale without a territory", "", "", "", "C.UTF-8", "US"},
		{"no region", "XX", "GB", "", "en_GB.UTF-8", ""},
		{"three letters", "GBR", "", "", "en_GB.UTF-8", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setup := clitest.RegionSetup{HaloURL: srv.URL(), ClientID: srv.ClientID(), Secret: srv.ClientSecret(),
				Profile: tc.profile, LastAudit: tc.last, Lang: tc.lang}
			cliRegion, refused := clitest.AuditRegion(t, setup, tc.typed)
			guiRegion, note := guiAuditRegion(t, setup, tc.typed)
			if cliRegion != guiRegion {
				t.Fatalf("the CLI audited for %q (%s), the Contacts screen for %q (%s)", cliRegion, refused, guiRegion, note)
			}
			if cliRegion != tc.want {
				t.Fatalf("both audited for %q, want %q", cliRegion, tc.want)
			}
			if tc.want == "" && !strings.Contains(refused, "two-letter") {
				t.Fatalf("the CLI's refusal does not say what to type: %q", refused)
			}
		})
	}
}

// guiAuditRegion audits setup's profile from the Contacts screen with
// typed in the region field ("": what the screen fills in) and returns
// the region the stored audit was read for, or "" and the region's note
// when the screen does not let it audit.
func guiAuditRegion(t *testing.T, setup clitest.RegionSetup, typed string) (string, string) {
	t.Helper()
	te := newTestUI(t, "")
	te.u.env.Getenv = setup.Getenv
	p := clitest.SeedRegionProfile(t, te.db, te.secrets, setup)
	te.u.profiles.afterChange(p.ID)
	te.wait()
	te.u.goToContacts()
	s := findScreen[*contactsScreen](te.u)
	if typed != "" {
		s.region.entry.SetText(typed)
	}
	if s.audit.auditBtn.Disabled() {
		if s.region.note.Importance != widget.DangerImportance {
			t.Fatalf("Audit is disabled, but the region's note does not say why: %q", s.region.note.Text)
		}
		return "", s.region.note.Text
	}
	s.startAudit()
	te.wait()
	sum, ok, err := te.db.ContactsSummary(context.Background(), p.ID)
	if err != nil || !ok || sum.At.Before(p.CreatedAt) {
		t.Fatalf("the screen's audit stored nothing (%v): %q", err, s.audit.errMsg.Text)
	}
	return sum.Region, s.region.note.Text
}
