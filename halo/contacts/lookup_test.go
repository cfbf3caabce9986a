package contacts_test

import (
	"context"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

func demoClient(t *testing.T) (*halotest.Server, *halo.Client, []halo.Contact) {
	t.Helper()
	return scenarioClient(t, halotest.Demo())
}

// scenarioClient starts the simulated Halo for sc and pulls its contacts.
func scenarioClient(t *testing.T, sc halotest.Scenario) (*halotest.Server, *halo.Client, []halo.Contact) {
	t.Helper()
	s := halotest.New(sc)
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
	// Stored in E.164: Halo's text search finds it by +44… only.
	e164 := find(t, snap, func(p string) bool { return strings.HasPrefix(p, "+44") && !strings.Contains(p, " ") })
	e164National := "0" + e164.PhoneNumber[3:6] + " " + e164.PhoneNumber[6:]
	// Stored as national digits: found by 0… only.
	digits := find(t, snap, func(p string) bool { return strings.HasPrefix(p, "0") && !strings.ContainsAny(p, " ()-") })
	digitsE164, _ := contacts.Normalize(digits.PhoneNumber, "GB")
	// Stored as "(0113) 496-0123": neither caller-ID form is in the text,
	// so only the snapshot finds it.
	odd := find(t, snap, func(p string) bool { return strings.HasPrefix(p, "(0") })
	oddE164, _ := contacts.Normalize(odd.PhoneNumber, "GB")
	// Stored with an extension: the "+44 113 496 0107" example.
	ext := find(t, snap, func(p string) bool { return strings.Contains(p, " ext. ") })
	extE164, _ := contacts.Normalize(ext.PhoneNumber, "GB")
	extSpaced := "+44 " + extE164[3:6] + " " + extE164[6:9] + " " + extE164[9:]
	var sharedLeeds []int // stored as "0113 496 0999", "(0113) 496-0999", "01134960999"
	for _, u := range snap {
		if e, _ := contacts.Normalize(u.PhoneNumber, "GB"); e == "+441134960999" {
			sharedLeeds = append(sharedLeeds, u.ID)
		}
	}
	var sharedLondon []int // "020 7946 0500" and "+44 20 7946 0500": Halo's search finds neither
	for _, u := range snap {
		if e, _ := contacts.Normalize(u.PhoneNumber, "GB"); e == "+442079460500" {
			sharedLondon = append(sharedLondon, u.ID)
		}
	}
	holder := func(stored string) int {
		for _, u := range snap {
			if u.PhoneNumber == stored {
				return u.ID
			}
		}
		t.Fatalf("no active demo contact stores %q", stored)
		return 0
	}

	for _, tc := range []struct {
		name     string
		number   string
		asked    []string
		verdict  contacts.Verdict
		found    []int      // contacts Halo's search found
		foundAs  [][]string // per found contact
		missed   []int      // found only in the snapshot
		requests int
	}{
		{"stored in E.164, found by E.164", e164National, []string{e164.PhoneNumber, strings.ReplaceAll(e164National, " ", "")},
			contacts.VerdictOne, []int{e164.ID}, [][]string{{e164.PhoneNumber}}, nil, 2},
		{"stored as national digits, found by them", digitsE164, []string{digitsE164, digits.PhoneNumber},
			contacts.VerdictOne, []int{digits.ID}, [][]string{{digits.PhoneNumber}}, nil, 2},
		{"stored with separators: Halo's search misses it", oddE164, nil, contacts.VerdictNone, nil, nil, []int{odd.ID}, 2},
		{"stored with an extension: Halo's search misses it", extSpaced, []string{extE164, "0" + extE164[3:]},
			contacts.VerdictNone, nil, nil, []int{ext.ID}, 2},
		{"none", "+44 20 7946 0999", nil, contacts.VerdictNone, nil, nil, nil, 2},
		{"from abroad: E.164 only", "+1 202 555 0100", []string{"+12025550100"}, contacts.VerdictNone, nil, nil, nil, 1},
		{"shared: Halo's search finds the one stored as digits", "0113 496 0999", []string{"+441134960999", "01134960999"},
			contacts.VerdictOne, sharedLeeds[2:], [][]string{{"01134960999"}}, sharedLeeds[:2], 2},
		{"shared in two spaced formats: Halo's search finds neither", halotest.DemoSharedNumber, nil,
			contacts.VerdictNone, nil, nil, sharedLondon, 2},
		{"inactive holder is not listed", "0131 496 0777", nil, contacts.VerdictNone, nil, nil, []int{holder("0131 496 0777")}, 2},
		{"service account is not listed", "0161 496 0888", nil, contacts.VerdictNone, nil, nil, []int{holder("0161 496 0888")}, 2},
		{"unparseable asks Halo as typed", "TBC", []string{"TBC"}, contacts.VerdictOne, []int{holder("TBC")}, [][]string{{"TBC"}}, nil, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.PathCount("/api/users")
			l, err := contacts.LookupNumber(context.Background(), c, snap, tc.number, "GB")
			if err != nil {
				t.Fatal(err)
			}
			if n := s.PathCount("/api/users") - before; n != tc.requests || len(l.Asked) != tc.requests {
				t.Fatalf("%d searches (%q), want %d", n, l.Asked, tc.requests)
			}
			if tc.asked != nil && !slices.Equal(l.Asked, tc.asked) {
				t.Fatalf("asked %q, want %q", l.Asked, tc.asked)
			}
			if l.Verdict != tc.verdict || l.HaloSearchFound != len(tc.found) || len(l.MissedByHalo) != len(tc.missed) ||
				len(l.Matches) != len(tc.found)+len(tc.missed) {
				t.Fatalf("verdict %s, Halo found %d, missed %d: %+v", l.Verdict, l.HaloSearchFound, len(l.MissedByHalo), l)
			}
			for i, id := range tc.found {
				if m := l.Matches[i]; m.ContactID != id || !m.InHaloSearch || !slices.Equal(m.FoundAs, tc.foundAs[i]) {
					t.Fatalf("found %+v, want contact %d found as %q", m, id, tc.foundAs[i])
				}
			}
			for i, id := range tc.missed {
				m := l.MissedByHalo[i]
				if m.ContactID != id || m.InHaloSearch || len(m.FoundAs) != 0 || m.Stored == "" {
					t.Fatalf("missed %+v, want contact %d", m, id)
				}
				if !reflect.DeepEqual(l.Matches[len(tc.found)+i], m) {
					t.Fatalf("Matches must end with MissedByHalo: %+v", l.Matches)
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
	t.Run("a Halo that compares numbers finds what the text search misses", func(t *testing.T) {
		_, nc, _ := scenarioClient(t, halotest.Scenario{Tenant: halotest.DefaultTenant, Contacts: halotest.ContactScenario{PhoneSearchNumbers: true}})
		l, err := contacts.LookupNumber(context.Background(), nc, snap, extSpaced, "GB")
		if err != nil || l.Verdict != contacts.VerdictOne || len(l.MissedByHalo) != 0 || len(l.Matches[0].FoundAs) != 2 ||
			l.Matches[0].Field != contacts.FieldPhone || l.Matches[0].Stored != ext.PhoneNumber {
			t.Fatalf("%+v %v", l, err)
		}
	})
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
