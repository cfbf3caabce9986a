package contacts_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

func demoClient(t *testing.T) (*halotest.Server, *halo.Client, []halo.Contact) {
	t.Helper()
	s := halotest.New(halotest.Demo())
	t.Cleanup(s.Close)
	c, err := halo.NewClient(halo.Config{URL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret(), HTTPClient: s.Client()})
	if err != nil {
		t.Fatal(err)
	}
	snap, err := c.Contacts(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, c, snap
}

// find is the first contact without problems whose phone number
// satisfies ok.
func find(t *testing.T, snap []halo.Contact, ok func(string) bool) halo.Contact {
	t.Helper()
	flagged := map[int]bool{}
	for _, f := range contacts.Run(snap, "GB", at).Findings {
		flagged[f.ContactID] = true
	}
	for _, u := range snap {
		if !flagged[u.ID] && u.HomeNumber == "" && ok(u.PhoneNumber) {
			return u
		}
	}
	t.Fatal("no such contact in the demo")
	return halo.Contact{}
}

func TestLookupNumber(t *testing.T) {
	s, c, snap := demoClient(t)
	// Stored as typed in the national format: Halo's search finds it.
	plain := find(t, snap, func(p string) bool { return strings.HasPrefix(p, "020 7946 0") && len(p) == 13 })
	// Stored as "(0113) 496-0123": no form the lookup asks for matches
	// the text, so only the snapshot finds it.
	odd := find(t, snap, func(p string) bool { return strings.HasPrefix(p, "(0") })
	oddE164, _ := contacts.Normalize(odd.PhoneNumber, "GB")
	var sharedLeeds []int // stored as "0113 496 0999", "(0113) 496-0999", "01134960999"
	for _, u := range snap {
		if e, _ := contacts.Normalize(u.PhoneNumber, "GB"); e == "+441134960999" {
			sharedLeeds = append(sharedLeeds, u.ID)
		}
	}

	for _, tc := range []struct {
		name     string
		number   string
		verdict  contacts.Verdict
		ids      []int
		halo     int   // contacts Halo's search found
		missed   []int // found only in the snapshot
		requests int
	}{
		{"one, found by Halo", plain.PhoneNumber, contacts.VerdictOne, []int{plain.ID}, 1, nil, 2},
		{"one, missed by Halo", oddE164, contacts.VerdictOne, []int{odd.ID}, 0, []int{odd.ID}, 2},
		{"none", "+44 20 7946 0999", contacts.VerdictNone, nil, 0, nil, 3},
		{"several, two missed by Halo", "0113 496 0999", contacts.VerdictSeveral, nil, 1, []int{sharedLeeds[1], sharedLeeds[2]}, 2},
		{"several in two formats", halotest.DemoSharedNumber, contacts.VerdictSeveral, nil, 2, nil, 3},
		{"inactive holder does not count", "0131 496 0777", contacts.VerdictOne, nil, 1, nil, 2},
		{"service account does not count", "0161 496 0888", contacts.VerdictOne, nil, 1, nil, 2},
		{"unparseable asks Halo as typed", "TBC", contacts.VerdictOne, nil, 1, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.PathCount("/api/users")
			l, err := contacts.LookupNumber(context.Background(), c, snap, tc.number, "GB")
			if err != nil {
				t.Fatal(err)
			}
			if n := s.PathCount("/api/users") - before; n != tc.requests {
				t.Fatalf("%d searches, want %d", n, tc.requests)
			}
			if l.Verdict != tc.verdict || l.HaloSearchFound != tc.halo || len(l.MissedByHalo) != len(tc.missed) {
				t.Fatalf("verdict %s, Halo found %d, missed %d: %+v", l.Verdict, l.HaloSearchFound, len(l.MissedByHalo), l)
			}
			for i, id := range tc.ids {
				if l.Matches[i].ContactID != id {
					t.Fatalf("match %d is contact %d, want %d", i, l.Matches[i].ContactID, id)
				}
			}
			for i, id := range tc.missed {
				if m := l.MissedByHalo[i]; m.ContactID != id || m.InHaloSearch {
					t.Fatalf("missed %+v, want contact %d", m, id)
				}
			}
			for _, m := range l.Matches {
				if m.Field != contacts.FieldPhone && m.Field != contacts.FieldMobile && m.Field != contacts.FieldMobile2 {
					t.Fatalf("match without the field it matched: %+v", m)
				}
				if m.Link != s.URL()+"/customers?mainview=user&userid="+strconv.Itoa(m.ContactID) || m.Client == "" || m.Contact == "" {
					t.Fatalf("match %+v", m)
				}
			}
		})
	}
	t.Run("no snapshot", func(t *testing.T) {
		l, err := contacts.LookupNumber(context.Background(), c, nil, oddE164, "GB")
		if err != nil || l.Verdict != contacts.VerdictNone || l.E164 != oddE164 {
			t.Fatalf("%+v %v", l, err)
		}
	})
	t.Run("empty number", func(t *testing.T) {
		if _, err := contacts.LookupNumber(context.Background(), c, snap, "  ", "GB"); halo.KindOf(err) != halo.KindConfig {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("no access", func(t *testing.T) {
		d := halotest.New(halotest.Scenario{Contacts: halotest.ContactScenario{ContactsForbidden: true}})
		defer d.Close()
		dc, _ := halo.NewClient(halo.Config{URL: d.URL(), ClientID: d.ClientID(), ClientSecret: d.ClientSecret(), HTTPClient: d.Client()})
		if _, err := contacts.LookupNumber(context.Background(), dc, snap, "020 7946 0500", "GB"); !halo.IsNoAccess(err) {
			t.Fatalf("error %v, want no access", err)
		}
	})
}

func TestContactLink(t *testing.T) {
	inst, err := halo.ParseInstance("https://contoso.halopsa.com/api/")
	if err != nil {
		t.Fatal(err)
	}
	if got := contacts.ContactLink(inst, 42); got != "https://contoso.halopsa.com/customers?mainview=user&userid=42" {
		t.Fatal(got)
	}
}
