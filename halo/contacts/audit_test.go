package contacts_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

var at = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// person is a clean contact: both names and one number.
func person(id int, phone string) halo.Contact {
	return halo.Contact{ID: id, Name: "P" + string(rune('A'+id%26)), FirstName: "First", Surname: "Last", PhoneNumber: phone, ClientName: "Northwind Traders", SiteName: "London"}
}

func counts(a contacts.Audit) [4]int {
	return [4]int{a.MissingName, a.NoPhone, a.SharedNumbers, a.Unparseable}
}

func TestRunHandMade(t *testing.T) {
	with := func(c halo.Contact, f func(*halo.Contact)) halo.Contact { f(&c); return c }
	for _, tc := range []struct {
		name    string
		in      []halo.Contact
		want    [4]int // missing_name, no_phone, shared_numbers, unparseable
		active  int
		flagged []int // contact ids with a finding, in order
	}{
		{"clean", []halo.Contact{person(1, "020 7946 0001"), person(2, "020 7946 0002")}, [4]int{}, 2, nil},
		{"no first name", []halo.Contact{with(person(1, "020 7946 0001"), func(c *halo.Contact) { c.FirstName = " " })}, [4]int{1, 0, 0, 0}, 1, []int{1}},
		{"no surname", []halo.Contact{with(person(1, "020 7946 0001"), func(c *halo.Contact) { c.Surname = "" })}, [4]int{1, 0, 0, 0}, 1, []int{1}},
		{"no phone, site number ignored", []halo.Contact{with(person(1, ""), func(c *halo.Contact) { c.SitePhone = "020 7946 0000" })}, [4]int{0, 1, 0, 0}, 1, []int{1}},
		{"any of the four numbers counts", []halo.Contact{
			with(person(1, ""), func(c *halo.Contact) { c.HomeNumber = "020 7946 0001" }),
			with(person(2, ""), func(c *halo.Contact) { c.MobileNumber = "07700 900001" }),
			with(person(3, ""), func(c *halo.Contact) { c.MobileNumber2 = "07700 900002" }),
		}, [4]int{}, 3, nil},
		{"shared across formats", []halo.Contact{person(1, "020 7946 0500"), person(2, "+44 20 7946 0500"), person(3, "(020) 7946-0500"), person(4, "020 7946 0501")}, [4]int{0, 0, 1, 0}, 4, []int{1, 2, 3}},
		{"shared mobile in another field", []halo.Contact{
			with(person(1, "020 7946 0001"), func(c *halo.Contact) { c.MobileNumber = "07700 900555" }),
			with(person(2, "020 7946 0002"), func(c *halo.Contact) { c.MobileNumber2 = "+447700900555" }),
		}, [4]int{0, 0, 1, 0}, 2, []int{1, 2}},
		{"one contact holding a number twice is not shared", []halo.Contact{with(person(1, "020 7946 0600"), func(c *halo.Contact) { c.HomeNumber = "02079460600" })}, [4]int{}, 1, nil},
		{"shared with an inactive contact or a service account is not shared", []halo.Contact{
			person(1, "020 7946 0700"),
			with(person(2, "020 7946 0700"), func(c *halo.Contact) { c.Inactive = true }),
			with(person(3, "020 7946 0700"), func(c *halo.Contact) { c.IsServiceAccount = true }),
		}, [4]int{}, 1, nil},
		{"inactive and service accounts are not judged", []halo.Contact{
			with(person(1, ""), func(c *halo.Contact) { c.Inactive, c.Surname = true, "" }),
			with(person(2, "TBC"), func(c *halo.Contact) { c.IsServiceAccount = true }),
		}, [4]int{}, 0, nil},
		{"unparseable", []halo.Contact{person(1, "TBC"), person(2, "12345"), with(person(3, "020 7946 0003"), func(c *halo.Contact) { c.MobileNumber = "n/a" })}, [4]int{0, 0, 0, 3}, 3, []int{1, 2, 3}},
		{"two problems at once", []halo.Contact{with(person(1, ""), func(c *halo.Contact) { c.FirstName = "" })}, [4]int{1, 1, 0, 0}, 1, []int{1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := contacts.Run(tc.in, "GB", at)
			if counts(a) != tc.want || a.Active != tc.active || a.Contacts != len(tc.in) {
				t.Fatalf("counts %v active %d of %d, want %v active %d", counts(a), a.Active, a.Contacts, tc.want, tc.active)
			}
			var ids []int
			for _, f := range a.Findings {
				ids = append(ids, f.ContactID)
			}
			if !slices.Equal(ids, tc.flagged) {
				t.Fatalf("findings for %v, want %v: %+v", ids, tc.flagged, a.Findings)
			}
		})
	}
}

func TestRunFindingNumbers(t *testing.T) {
	c := person(9, "020 7946 0009")
	c.Surname, c.MobileNumber2, c.HomeNumber = "", "07700 900009", "TBC"
	a := contacts.Run([]halo.Contact{c}, "GB", at)
	if len(a.Findings) != 2 {
		t.Fatalf("%+v", a.Findings)
	}
	if f := a.Findings[0]; f.Problem != contacts.MissingName || !slices.Equal(f.Numbers, []string{"020 7946 0009", "TBC", "07700 900009"}) || f.Contact != c.Name || f.Client != c.ClientName || f.Site != c.SiteName {
		t.Fatalf("missing name: %+v", f)
	}
	if f := a.Findings[1]; f.Problem != contacts.Unparseable || !slices.Equal(f.Numbers, []string{"TBC"}) {
		t.Fatalf("unparseable: %+v", f)
	}
}

func TestRunSharedFindings(t *testing.T) {
	in := []halo.Contact{person(7, "+44 20 7946 0500"), person(3, "020 7946 0500"), person(5, "07700 900555"), person(4, "+447700900555")}
	a := contacts.Run(in, "gb", at)
	if a.Region != "GB" || a.SharedNumbers != 2 || len(a.Findings) != 4 {
		t.Fatalf("%+v", a)
	}
	want := []struct {
		id            int
		number, store string
	}{{3, "+442079460500", "020 7946 0500"}, {7, "+442079460500", "+44 20 7946 0500"}, {4, "+447700900555", "+447700900555"}, {5, "+447700900555", "07700 900555"}}
	for i, w := range want {
		f := a.Findings[i]
		if f.Problem != contacts.SharedNumber || f.ContactID != w.id || f.Number != w.number || !slices.Equal(f.Numbers, []string{w.store}) {
			t.Fatalf("finding %d = %+v, want %+v", i, f, w)
		}
	}
	// The same input in another order gives the same audit.
	slices.Reverse(in)
	if b := contacts.Run(in, "GB", at); !slices.EqualFunc(a.Findings, b.Findings, func(x, y contacts.Finding) bool {
		return x.ContactID == y.ContactID && x.Number == y.Number && x.Problem == y.Problem
	}) {
		t.Fatal("findings depend on the input order")
	}
}

// The demo tenant's contacts, pulled from the simulator as the app would.
func TestRunDemo(t *testing.T) {
	s := halotest.New(halotest.Demo())
	defer s.Close()
	c, err := halo.NewClient(halo.Config{URL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret(), HTTPClient: s.Client()})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.Contacts(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	a := contacts.Run(all, "GB", at)
	want := [4]int{halotest.DemoMissingName, halotest.DemoNoPhone, halotest.DemoSharedNumbers, halotest.DemoUnparseable}
	if counts(a) != want || a.Active != halotest.DemoActive {
		t.Fatalf("demo audit %v active %d, want %v active %d", counts(a), a.Active, want, halotest.DemoActive)
	}
	shared := 0
	for _, f := range a.Findings {
		if f.Problem == contacts.SharedNumber {
			shared++
		}
		if f.Client == "" || f.Site == "" || f.ContactID == 0 {
			t.Fatalf("finding without contact, customer or site: %+v", f)
		}
	}
	if shared != halotest.DemoSharedContacts {
		t.Fatalf("%d contacts share numbers, want %d", shared, halotest.DemoSharedContacts)
	}
	// Without the filters Halo applies, inactive contacts and service
	// accounts still do not count, but General Users (no name, no phone)
	// would: the pull must leave them out.
	withGeneral := contacts.Run(append(all, halo.Contact{ID: 1, Name: "General User", ClientName: "Northwind Traders"}), "GB", at)
	if withGeneral.MissingName != want[0]+1 || withGeneral.NoPhone != want[1]+1 {
		t.Fatalf("a General User should count twice: %v", counts(withGeneral))
	}
}

func TestDiff(t *testing.T) {
	prev := contacts.Run([]halo.Contact{
		person(1, "020 7946 0500"), person(2, "+44 20 7946 0500"), // shared
		person(3, ""), // no phone
		person(4, "020 7946 0004"),
	}, "GB", at)
	cur := contacts.Run([]halo.Contact{
		person(1, "020 7946 0500"), person(2, "020 7946 0502"), // fixed: no longer shared
		person(3, ""), // still no phone
		with4(person(4, "020 7946 0004")),
	}, "GB", at.Add(time.Hour))
	fixed, added := contacts.Diff(prev, cur)
	if len(fixed) != 2 || fixed[0].ContactID != 1 || fixed[1].ContactID != 2 || fixed[0].Problem != contacts.SharedNumber {
		t.Fatalf("fixed %+v", fixed)
	}
	if len(added) != 1 || added[0].ContactID != 4 || added[0].Problem != contacts.MissingName {
		t.Fatalf("added %+v", added)
	}
	if f, a := contacts.Diff(cur, cur); len(f)+len(a) != 0 {
		t.Fatalf("an audit differs from itself: %v %v", f, a)
	}
	if f, a := contacts.Diff(contacts.Audit{}, cur); len(f) != 0 || len(a) != len(cur.Findings) {
		t.Fatalf("first audit: fixed %d added %d", len(f), len(a))
	}
}

func with4(c halo.Contact) halo.Contact { c.Surname = ""; return c }
