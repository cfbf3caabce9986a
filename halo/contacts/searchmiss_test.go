package contacts_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

func TestRunWithSearchMiss(t *testing.T) {
	with := func(c halo.Contact, f func(*halo.Contact)) halo.Contact { f(&c); return c }
	in := []halo.Contact{
		person(1, "+441134960101"),         // E.164: found by +44…
		person(2, "01134960102"),           // national digits: found by 0113…
		person(3, "0113 496 0103"),         // spaced: missed
		person(4, "(020) 7946 0104"),       // missed
		person(5, "+44 20 7946 0105"),      // missed
		person(6, "0113 496 0106 ext. 06"), // missed
		person(7, "01134960107 ext. 07"),   // the digits are there: found
		person(8, "TBC"),                   // unparseable, not a search miss
		with(person(9, "020 7946 0109"), func(c *halo.Contact) { c.HomeNumber = "02079460109" }),   // found through the home number
		with(person(10, "01134960110"), func(c *halo.Contact) { c.MobileNumber = "07700 900110" }), // the mobile is missed
		with(person(11, "0113 496 0111"), func(c *halo.Contact) { c.Inactive = true }),             // not judged
		with(person(12, "0113 496 0112"), func(c *halo.Contact) { c.IsServiceAccount = true }),     // not judged
		with(person(13, "0113 496 0113"), func(c *halo.Contact) { c.Surname = "" }),                // two problems
		person(14, ""),
	}
	a := contacts.RunWith(in, "GB", at, contacts.HaloSearchText)
	if a.SearchMiss != 6 || a.HaloSearch != contacts.HaloSearchText {
		t.Fatalf("%d search misses (%q), want 6", a.SearchMiss, a.HaloSearch)
	}
	var missed []int
	for i, f := range a.Findings {
		if f.Problem != contacts.SearchMiss {
			if slices.ContainsFunc(a.Findings[i:], func(f contacts.Finding) bool { return f.Problem == contacts.SearchMiss }) {
				t.Fatalf("search_miss must lead the findings: %+v", a.Findings)
			}
			continue
		}
		missed = append(missed, f.ContactID)
		if f.ContactID == 10 && !slices.Equal(f.Numbers, []string{"07700 900110"}) {
			t.Fatalf("numbers of a search miss are the missed ones: %+v", f)
		}
	}
	if !slices.Equal(missed, []int{3, 4, 5, 6, 10, 13}) {
		t.Fatalf("search misses %v", missed)
	}
	// The other problems are what Run finds.
	base := contacts.Run(in, "GB", at)
	if base.SearchMiss != 0 || base.HaloSearch != contacts.HaloSearchUnknown || counts(base) != counts(a) ||
		len(base.Findings)+a.SearchMiss != len(a.Findings) {
		t.Fatalf("Run %+v against RunWith %+v", base, a)
	}
	// Raised only when Halo matches the stored text.
	if n := contacts.RunWith(in, "GB", at, contacts.HaloSearchNumbers); n.SearchMiss != 0 || len(n.Findings) != len(base.Findings) {
		t.Fatalf("a Halo that compares numbers misses nothing: %+v", n)
	}
}

func TestDiffSearchMiss(t *testing.T) {
	prev := contacts.RunWith([]halo.Contact{person(1, "0113 496 0101"), person(2, "0113 496 0102")}, "GB", at, contacts.HaloSearchText)
	cur := contacts.RunWith([]halo.Contact{person(1, "+441134960101"), person(2, "0113 496 0102"), person(3, "(0113) 496 0103")},
		"GB", at.Add(time.Hour), contacts.HaloSearchText)
	fixed, added := contacts.Diff(prev, cur)
	if len(fixed) != 1 || fixed[0].ContactID != 1 || fixed[0].Problem != contacts.SearchMiss ||
		len(added) != 1 || added[0].ContactID != 3 || added[0].Problem != contacts.SearchMiss {
		t.Fatalf("fixed %+v added %+v", fixed, added)
	}
}

// The demo holds numbers the text search misses in every way a person
// types them, and the audit counts what the simulator's own search misses.
func TestRunWithDemoSearchMisses(t *testing.T) {
	s, _, all := demoClient(t)
	a := contacts.RunWith(all, "GB", at, contacts.HaloSearchText)
	if a.SearchMiss == 0 || a.SearchMiss != s.TextSearchMisses() {
		t.Fatalf("%d search misses, the simulator's search misses %d", a.SearchMiss, s.TextSearchMisses())
	}
	kinds := map[string]bool{}
	for _, f := range a.Findings {
		if f.Problem != contacts.SearchMiss {
			continue
		}
		for _, n := range f.Numbers {
			switch {
			case len(n) > 4 && n[:4] == "+44 ":
				kinds["+44 "] = true
			case n[0] == '(':
				kinds["(0"] = true
			case len(n) > 4 && n[len(n)-3:len(n)-2] == " " && n[len(n)-7:len(n)-3] == "ext.":
				kinds["ext."] = true
			case n[0] == '0' && n[3] == ' ' || n[0] == '0' && n[4] == ' ':
				kinds["spaced"] = true
			}
		}
	}
	if len(kinds) != 4 {
		t.Fatalf("demo search misses cover %v, want spaced, (0…), +44 … and ext.", kinds)
	}
}

func TestProbeSearch(t *testing.T) {
	demo := func(t *testing.T, sc halotest.ContactScenario) (*halotest.Server, *halo.Client, []halo.Contact) {
		t.Helper()
		return scenarioClient(t, halotest.Scenario{Tenant: halotest.DefaultTenant, Contacts: sc})
	}
	probe := func(t *testing.T, s *halotest.Server, c *halo.Client, all []halo.Contact, want contacts.SearchProbe, searches int) {
		t.Helper()
		before := s.PathCount("/api/users")
		got, err := contacts.ProbeSearch(context.Background(), c, all, "GB")
		if err != nil || got != want || !got.Valid() {
			t.Fatalf("probe %+v, %v; want %+v", got, err, want)
		}
		if n := s.PathCount("/api/users") - before; n != searches {
			t.Fatalf("%d searches, want %d", n, searches)
		}
	}
	t.Run("text", func(t *testing.T) {
		s, c, all := demo(t, halotest.ContactScenario{})
		probe(t, s, c, all, contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeMissed}, 3)
	})
	t.Run("numbers", func(t *testing.T) {
		s, c, all := demo(t, halotest.ContactScenario{PhoneSearchNumbers: true})
		probe(t, s, c, all, contacts.SearchProbe{Answer: contacts.HaloSearchNumbers, Outcome: contacts.ProbeFound}, 1)
	})
	t.Run("search refused, list allowed", func(t *testing.T) {
		s, c, all := demo(t, halotest.ContactScenario{PhoneSearchError: 403})
		probe(t, s, c, all, contacts.SearchProbe{Outcome: contacts.ProbeRefused}, 1)
	})
	t.Run("search fails", func(t *testing.T) {
		s, c, all := demo(t, halotest.ContactScenario{PhoneSearchError: 500})
		probe(t, s, c, all, contacts.SearchProbe{Outcome: contacts.ProbeFailed}, 1)
	})
	t.Run("no number to probe with", func(t *testing.T) {
		s, c, all := demo(t, halotest.ContactScenario{})
		var plain []halo.Contact
		for _, u := range all {
			if f := contacts.CallerIDForms(u.PhoneNumber, "GB"); len(f) == 2 && f[1] == u.PhoneNumber && u.MobileNumber == "" &&
				u.HomeNumber == "" && u.MobileNumber2 == "" {
				plain = append(plain, u) // stored as national digits
			}
		}
		if len(plain) == 0 {
			t.Fatal("no demo contact stored as national digits")
		}
		probe(t, s, c, plain, contacts.SearchProbe{Outcome: contacts.ProbeNoCandidate}, 0)
		probe(t, s, c, nil, contacts.SearchProbe{Outcome: contacts.ProbeNoCandidate}, 0)
	})
	t.Run("contact not found at all", func(t *testing.T) {
		s, c, _ := demo(t, halotest.ContactScenario{})
		gone := []halo.Contact{person(99999, "0113 496 0555")} // not in this Halo (deleted since the pull)
		probe(t, s, c, gone, contacts.SearchProbe{Outcome: contacts.ProbeNotFound}, 3)
	})
	t.Run("cancelled", func(t *testing.T) {
		_, c, all := demo(t, halotest.ContactScenario{})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := contacts.ProbeSearch(ctx, c, all, "GB"); err == nil {
			t.Fatal("a cancelled probe reported an answer")
		}
	})
}

func TestSearchProbeValid(t *testing.T) {
	for _, p := range []contacts.SearchProbe{
		{Answer: contacts.HaloSearchText},
		{Answer: contacts.HaloSearchNumbers, Outcome: contacts.ProbeMissed},
		{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeNotRun},
		{Answer: "digits", Outcome: contacts.ProbeRefused},
		{Outcome: contacts.ProbeFound},
		{Outcome: "guess"},
		{Answer: "digits", Outcome: contacts.ProbeFound},
	} {
		if p.Valid() {
			t.Errorf("%+v is valid", p)
		}
	}
}

func TestSearchProbeText(t *testing.T) {
	for _, tc := range []struct {
		p    contacts.SearchProbe
		want string
	}{
		{contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeMissed}, "Halo's phone search matches the stored text: "},
		{contacts.SearchProbe{Answer: contacts.HaloSearchNumbers, Outcome: contacts.ProbeFound}, "Halo's phone search compares numbers: "},
		{contacts.SearchProbe{Outcome: contacts.ProbeRefused}, "Not known whether Halo's phone search matches the stored text or compares numbers (Halo refused the phone search)"},
		{contacts.SearchProbe{Outcome: contacts.ProbeNoCandidate}, "Not known whether Halo's phone search matches the stored text or compares numbers (no contact holds"},
		{contacts.SearchProbe{}, "Not known whether Halo's phone search matches the stored text or compares numbers (not probed)"},
		{contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeNoCandidate},
			"Halo's phone search matches the stored text, as an earlier audit's probe found (this audit's could not tell: no contact holds"},
		{contacts.SearchProbe{Answer: contacts.HaloSearchNumbers, Outcome: contacts.ProbeFailed},
			"Halo's phone search compares numbers, as an earlier audit's probe found (this audit's could not tell: the phone search failed)."},
	} {
		if got := tc.p.Text(); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%+v: %q", tc.p, got)
		}
	}
}

// An audit whose probe cannot tell keeps the answer an earlier probe gave;
// one that tells, or one that never probed, does not.
func TestSearchProbeKeepingEarlier(t *testing.T) {
	text := contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeMissed}
	numbers := contacts.SearchProbe{Answer: contacts.HaloSearchNumbers, Outcome: contacts.ProbeFound}
	for _, tc := range []struct {
		now, earlier, want contacts.SearchProbe
	}{
		{contacts.SearchProbe{Outcome: contacts.ProbeNoCandidate}, text, contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeNoCandidate}},
		{contacts.SearchProbe{Outcome: contacts.ProbeRefused}, numbers, contacts.SearchProbe{Answer: contacts.HaloSearchNumbers, Outcome: contacts.ProbeRefused}},
		{contacts.SearchProbe{Outcome: contacts.ProbeFailed}, contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeNotFound},
			contacts.SearchProbe{Answer: contacts.HaloSearchText, Outcome: contacts.ProbeFailed}},
		{contacts.SearchProbe{Outcome: contacts.ProbeNotFound}, contacts.SearchProbe{}, contacts.SearchProbe{Outcome: contacts.ProbeNotFound}},
		{numbers, text, numbers},
		{text, numbers, text},
		{contacts.SearchProbe{}, text, contacts.SearchProbe{}},
	} {
		got := tc.now.KeepingEarlier(tc.earlier)
		if got != tc.want || !got.Valid() {
			t.Errorf("%+v keeping %+v = %+v, want %+v", tc.now, tc.earlier, got, tc.want)
		}
		if got.Carried() != (got.Answer != tc.now.Answer) {
			t.Errorf("%+v: Carried %v", got, got.Carried())
		}
	}
}
