package halotest

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

type usersPage struct {
	PageNo      int        `json:"page_no"`
	PageSize    int        `json:"page_size"`
	RecordCount int        `json:"record_count"`
	Users       []wireUser `json:"users"`
}

func getUsers(t *testing.T, s *Server, tok, query string) usersPage {
	t.Helper()
	st, body, _ := get(t, s.Client(), s.URL()+"/api/Users?"+query, tok)
	if st != http.StatusOK {
		t.Fatalf("/api/Users?%s: %d %s", query, st, body)
	}
	var p usersPage
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatalf("%v: %.200s", err, body)
	}
	return p
}

func TestDemoContactsData(t *testing.T) {
	cs := buildDemoContacts()
	if len(cs.users) != DemoContacts {
		t.Fatalf("%d demo contacts, want %d", len(cs.users), DemoContacts)
	}
	var general, inactive, service, active int
	ids := map[int]bool{}
	formats := map[string]bool{}
	for _, u := range cs.users {
		if ids[u.ID] {
			t.Fatalf("id %d twice", u.ID)
		}
		ids[u.ID] = true
		switch {
		case u.general:
			general++
		case u.Inactive:
			inactive++
		case u.IsServiceAccount:
			service++
		default:
			active++
		}
		switch p := u.PhoneNumber; {
		case strings.HasPrefix(p, "+44 ("):
			formats["+44 (0)"] = true
		case strings.HasPrefix(p, "+44 "):
			formats["+44 "] = true
		case strings.HasPrefix(p, "0044"):
			formats["0044"] = true
		case strings.HasPrefix(p, "(0"):
			formats["(0"] = true
		case strings.Contains(p, "ext."):
			formats["ext."] = true
		}
	}
	if general != len(demoCustomers) || inactive != DemoInactive || service != DemoServiceAccounts || active != DemoActive {
		t.Fatalf("general %d inactive %d service %d active %d", general, inactive, service, active)
	}
	if len(formats) != 5 {
		t.Fatalf("numbers in %d of the 5 formats: %v", len(formats), formats)
	}
	if len(cs.tickets) != DemoTickets || len(cs.clients) != DemoCustomers+1 {
		t.Fatalf("%d tickets, %d customers", len(cs.tickets), len(cs.clients))
	}
}

func TestUsersEndpoint(t *testing.T) {
	s := New(Demo())
	defer s.Close()
	tok := token(t, s, s.AuthURL()+"/token")

	// Halo's 100-record cap, whatever page_size asks.
	p := getUsers(t, s, tok, "pageinate=true&page_size=500&page_no=1")
	if len(p.Users) != 100 || p.PageSize != 100 || p.RecordCount != DemoContacts-DemoInactive {
		t.Fatalf("page 1: %d users, page_size %d, record_count %d", len(p.Users), p.PageSize, p.RecordCount)
	}
	if p := getUsers(t, s, tok, "pageinate=true&page_size=100&page_no=3"); len(p.Users) != 0 {
		t.Fatalf("page past the end holds %d users", len(p.Users))
	}
	p = getUsers(t, s, tok, "exclude_generaluser=true&includeserviceaccount=false")
	if len(p.Users) != DemoActive || p.RecordCount != DemoActive {
		t.Fatalf("filtered: %d users, record_count %d", len(p.Users), p.RecordCount)
	}
	if p := getUsers(t, s, tok, "includeinactive=true"); p.RecordCount != DemoContacts {
		t.Fatalf("with inactive: %d", p.RecordCount)
	}
	if p := getUsers(t, s, tok, "search=general"); p.RecordCount != len(demoCustomers) {
		t.Fatalf("name search found %d", p.RecordCount)
	}
	// The phone search is a "like" on the stored text.
	for q, want := range map[string]int{"%2B44+20+7946+0500": 1, "020+7946+0500": 1, "7946+0500": 2, "%2B442079460500": 0} {
		if p := getUsers(t, s, tok, "search_phonenumbers=true&search="+q); p.RecordCount != want {
			t.Fatalf("search %s found %d, want %d", q, p.RecordCount, want)
		}
	}
	if p := getUsers(t, s, tok, "search_phonenumbers=false&search=7946+0500"); p.RecordCount != 0 {
		t.Fatalf("a name search matched numbers: %d", p.RecordCount)
	}
}

func TestContactScenarios(t *testing.T) {
	s := New(Scenario{Contacts: ContactScenario{CustomersForbidden: true, NoTickets: true, Count: 1000}})
	defer s.Close()
	tok := token(t, s, s.AuthURL()+"/token")
	st, body, _ := get(t, s.Client(), s.URL()+"/api/Client", tok)
	if st != http.StatusForbidden || !strings.Contains(body, "permission") {
		t.Fatalf("/api/Client: %d %s", st, body)
	}
	st, body, _ = get(t, s.Client(), s.URL()+"/api/Tickets?pageinate=true&page_size=1", tok)
	if st != http.StatusOK || !strings.Contains(body, `"record_count":0`) || !strings.Contains(body, `"tickets":[]`) {
		t.Fatalf("/api/Tickets: %d %s", st, body)
	}
	if s.ContactRecords() != 1000 || s.ContactsVisible() < 900 {
		t.Fatalf("%d records, %d visible", s.ContactRecords(), s.ContactsVisible())
	}
	var gen []wireUser
	if err := json.Unmarshal(GenerateContactsJSON(1000, 0), &gen); err != nil || len(gen) != 1000 {
		t.Fatalf("%d generated, %v", len(gen), err)
	}
}
