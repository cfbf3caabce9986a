package halo_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// checkContacts fails unless got holds n distinct active contacts.
func checkContacts(t *testing.T, got []halo.Contact, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%d contacts, want %d", len(got), n)
	}
	seen := map[int]bool{}
	for _, u := range got {
		if seen[u.ID] {
			t.Fatalf("contact %d twice", u.ID)
		}
		seen[u.ID] = true
		if u.Inactive || u.IsServiceAccount || u.Name == "General User" {
			t.Fatalf("contact %d should have been left out: %+v", u.ID, u)
		}
	}
}

func TestContactsDemo(t *testing.T) {
	s, cfg := start(t, halotest.Demo())
	c := newClient(t, cfg)
	var events []halo.PullProgress
	got, err := c.Contacts(context.Background(), func(p halo.PullProgress) { events = append(events, p) })
	if err != nil {
		t.Fatal(err)
	}
	checkContacts(t, got, halotest.DemoActive)
	if s.ContactsVisible() != halotest.DemoActive || s.ContactRecords() != halotest.DemoContacts {
		t.Fatalf("demo holds %d records, %d visible", s.ContactRecords(), s.ContactsVisible())
	}
	// 187 contacts at Halo's 100 a page: two pages, and nothing more.
	if n := s.PathCount("/api/users"); n != 2 {
		t.Fatalf("%d requests for /api/Users, want 2", n)
	}
	last := events[len(events)-1]
	if last.Stage != "contacts" || last.Pages != 2 || last.PagesTotal != 2 || last.Contacts != halotest.DemoActive || last.ContactsTotal != halotest.DemoActive {
		t.Fatalf("last progress %+v", last)
	}
	if first := events[0]; first.Pages != 1 || first.PagesTotal != 2 || first.Contacts != 100 || first.ContactsTotal != halotest.DemoActive {
		t.Fatalf("first progress %+v, want the estimate of 2 pages", first)
	}
}

// Halo serves 100 records a page whatever page_size asks; the pull pages by
// what came back, pipelined, through the rate limiter.
func TestContactsPagingCapAndPipelining(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{
		Contacts:   halotest.ContactScenario{Count: 2000, Seed: 3},
		Latency:    5 * time.Millisecond,
		RateLimit:  300,
		RateWindow: time.Minute,
	})
	cfg.PageSize = 500
	c := newClient(t, cfg)
	got, err := c.Contacts(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := s.ContactsVisible()
	checkContacts(t, got, want)
	pages := (want + 99) / 100
	if n := s.PathCount("/api/users"); n != pages {
		t.Fatalf("%d requests for /api/Users, want %d pages", n, pages)
	}
	if m := s.MaxInFlight("/api/users"); m < 2 || m > halo.DefaultPageConcurrency {
		t.Fatalf("at most %d pages in flight, want 2..%d", m, halo.DefaultPageConcurrency)
	}
	if s.Rejected() != 0 {
		t.Fatalf("%d requests rejected by the rate limit", s.Rejected())
	}
}

// record_count is only Halo's claim: the first short page ends the pull.
func TestContactsShortPageStops(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{Contacts: halotest.ContactScenario{Count: 450, RecordCount: 90000}})
	c := newClient(t, cfg)
	got, err := c.Contacts(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkContacts(t, got, s.ContactsVisible())
	pages := (s.ContactsVisible() + 99) / 100
	if n := s.PathCount("/api/users"); n < pages || n > pages+halo.DefaultPageConcurrency {
		t.Fatalf("%d requests for /api/Users with %d real pages: the claimed count was trusted", n, pages)
	}
}

// An older Halo that ignores the filters: the records decide.
func TestContactsClientSideFilter(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{Contacts: halotest.ContactScenario{IgnoreFilters: true}})
	got, err := newClient(t, cfg).Contacts(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range got {
		if u.Inactive || u.IsServiceAccount {
			t.Fatalf("contact %d should have been left out", u.ID)
		}
	}
	// General Users cannot be told apart by the record: only the filter
	// removes them, so with it ignored they stay.
	if want := halotest.DemoActive + halotest.DemoCustomers; len(got) != want {
		t.Fatalf("%d contacts, want %d", len(got), want)
	}
}

func TestContactsBareArray(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{Contacts: halotest.ContactScenario{Bare: true}})
	c := newClient(t, cfg)
	got, err := c.Contacts(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	checkContacts(t, got, halotest.DemoActive)
	n, err := c.ProbeCustomers(context.Background())
	if err != nil || n != halotest.DemoCustomers {
		t.Fatalf("ProbeCustomers = %d, %v; want %d", n, err, halotest.DemoCustomers)
	}
}

func TestContactsCancel(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{Contacts: halotest.ContactScenario{Count: 3000}, Latency: 2 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := newClient(t, cfg).Contacts(ctx, func(p halo.PullProgress) {
		if p.Pages == 3 {
			cancel()
		}
	})
	if halo.KindOf(err) != halo.KindCanceled {
		t.Fatalf("error %v, want cancelled", err)
	}
}

func TestProbes(t *testing.T) {
	ctx := context.Background()
	type probe struct {
		name string
		f    func(*halo.Client) (int, error)
	}
	probes := []probe{
		{"contacts", func(c *halo.Client) (int, error) { return c.ProbeContacts(ctx) }},
		{"customers", func(c *halo.Client) (int, error) { return c.ProbeCustomers(ctx) }},
		{"tickets", func(c *halo.Client) (int, error) { return c.ProbeTickets(ctx) }},
	}
	t.Run("demo", func(t *testing.T) {
		s, cfg := start(t, halotest.Demo())
		c := newClient(t, cfg)
		want := []int{halotest.DemoActive, halotest.DemoCustomers, halotest.DemoTickets}
		for i, p := range probes {
			n, err := p.f(c)
			if err != nil || n != want[i] {
				t.Fatalf("%s: %d, %v; want %d", p.name, n, err, want[i])
			}
		}
		// One small request each, after authinfo and the token.
		if r := s.Requests(); r != 2+len(probes) {
			t.Fatalf("%d requests, want %d", r, 2+len(probes))
		}
	})
	t.Run("empty", func(t *testing.T) {
		_, cfg := start(t, halotest.Scenario{Contacts: halotest.ContactScenario{NoContacts: true, NoCustomers: true, NoTickets: true}})
		c := newClient(t, cfg)
		for _, p := range probes {
			if n, err := p.f(c); err != nil || n != 0 {
				t.Fatalf("%s: %d, %v; want 0, nil", p.name, n, err)
			}
		}
		got, err := c.Contacts(ctx, nil)
		if err != nil || len(got) != 0 {
			t.Fatalf("Contacts: %d, %v", len(got), err)
		}
	})
	for _, status := range []int{0, http.StatusUnauthorized, http.StatusBadRequest, http.StatusOK} {
		t.Run("denied "+http.StatusText(max(status, 403)), func(t *testing.T) {
			_, cfg := start(t, halotest.Scenario{Contacts: halotest.ContactScenario{
				ContactsForbidden: true, CustomersForbidden: true, TicketsForbidden: true, DenyStatus: status,
			}})
			c := newClient(t, cfg)
			for _, p := range probes {
				_, err := p.f(c)
				if err == nil || !halo.IsNoAccess(err) {
					t.Fatalf("%s: %v, want a no-access error", p.name, err)
				}
			}
			if _, err := c.Contacts(ctx, nil); !halo.IsNoAccess(err) {
				t.Fatalf("Contacts: %v, want a no-access error", err)
			}
		})
	}
	t.Run("only tickets denied", func(t *testing.T) {
		_, cfg := start(t, halotest.Scenario{Contacts: halotest.ContactScenario{TicketsForbidden: true}})
		c := newClient(t, cfg)
		if _, err := c.ProbeContacts(ctx); err != nil {
			t.Fatal(err)
		}
		_, err := c.ProbeTickets(ctx)
		he := wantError(t, err, halo.KindForbidden, "")
		if he.Status != http.StatusForbidden {
			t.Fatalf("status %d", he.Status)
		}
	})
}

func TestIsNoAccessOthers(t *testing.T) {
	for _, err := range []error{
		nil,
		errors.New("plain"),
		&halo.Error{Kind: halo.KindRateLimited, Status: 429},
		&halo.Error{Kind: halo.KindNotHalo, Status: 404},
		&halo.Error{Kind: halo.KindAuth, Status: 401, Code: "invalid_client"},
		&halo.Error{Kind: halo.KindBadResponse, Status: 400, Description: "The field page_size is invalid."},
	} {
		if halo.IsNoAccess(err) {
			t.Fatalf("IsNoAccess(%v) = true", err)
		}
	}
}

// Halo's phone search, as simulated, compares the stored text: a format
// other than the stored one does not find the contact.
func TestSearchContactsByPhoneRawText(t *testing.T) {
	s, cfg := start(t, halotest.Demo())
	c := newClient(t, cfg)
	ids := func(q string) []int {
		t.Helper()
		got, err := c.SearchContactsByPhone(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for _, u := range got {
			out = append(out, u.ID)
		}
		return out
	}
	intl, natl := ids(halotest.DemoSharedNumber), ids("020 7946 0500")
	if len(intl) != 1 || len(natl) != 1 || intl[0] == natl[0] {
		t.Fatalf("+44 form found %v, national form found %v: want one different contact each", intl, natl)
	}
	if both := ids("7946 0500"); len(both) != 2 {
		t.Fatalf("the common tail found %v, want both contacts", both)
	}
	if none := ids("+442079460500"); len(none) != 0 {
		t.Fatalf("E.164 found %v, want none (stored with spaces)", none)
	}
	before := s.PathCount("/api/users")
	ids("0113 496 0999")
	if s.PathCount("/api/users") != before+1 {
		t.Fatal("a search is one request")
	}
}
