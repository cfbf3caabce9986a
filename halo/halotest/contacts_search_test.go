package halotest

import (
	"net/http"
	"strings"
	"testing"
)

// The default phone search is Halo's documented "like" on the stored
// text: a caller-ID form finds a number only when the stored text holds it.
func TestPhoneSearchMatchesTheStoredText(t *testing.T) {
	s := New(Demo())
	defer s.Close()
	tok := token(t, s, s.AuthURL()+"/token")
	for q, want := range map[string]int{
		"%2B442079460500": 0, "02079460500": 0, // stored "020 7946 0500" and "+44 20 7946 0500"
		"%2B441134960999": 0, "01134960999": 1, // stored "0113 496 0999", "(0113) 496-0999", "01134960999"
		"%2B447700900555": 1, // mobile 2 stored "+447700900555"
		"tbc":             1, // case-insensitive
		"(0113)+496-0999": 1,
	} {
		if p := getUsers(t, s, tok, "search_phonenumbers=true&search="+q); p.RecordCount != want {
			t.Errorf("text search %s found %d, want %d", q, p.RecordCount, want)
		}
	}
	if n := s.TextSearchMisses(); n == 0 || n >= DemoActive {
		t.Fatalf("%d of %d demo contacts missed by the text search", n, DemoActive)
	}
}

func TestPhoneSearchComparingNumbers(t *testing.T) {
	s := New(Scenario{Contacts: ContactScenario{PhoneSearchNumbers: true}})
	defer s.Close()
	tok := token(t, s, s.AuthURL()+"/token")
	for q, want := range map[string]int{
		"%2B442079460500": 2, "02079460500": 2, "0044+20+7946+0500": 2,
		"%2B441134960999": 3, "01134960999": 3,
		"7946+0500": 2, // part of a number
		"TBC":       0, // no number
	} {
		if p := getUsers(t, s, tok, "search_phonenumbers=true&search="+q); p.RecordCount != want {
			t.Errorf("numbers search %s found %d, want %d", q, p.RecordCount, want)
		}
	}
	// A name search is still a text search.
	if p := getUsers(t, s, tok, "search=general"); p.RecordCount != len(demoCustomers) {
		t.Fatalf("name search found %d", p.RecordCount)
	}
}

func TestPhoneSearchError(t *testing.T) {
	for status, want := range map[int]string{http.StatusForbidden: "permission", http.StatusInternalServerError: "An error has occurred"} {
		s := New(Scenario{Contacts: ContactScenario{PhoneSearchError: status}})
		tok := token(t, s, s.AuthURL()+"/token")
		st, body, _ := get(t, s.Client(), s.URL()+"/api/Users?search_phonenumbers=true&search=02079460500", tok)
		if st != status || !strings.Contains(body, want) {
			t.Errorf("search with PhoneSearchError %d: %d %s", status, st, body)
		}
		// The list and a name search still work.
		if p := getUsers(t, s, tok, "pageinate=true&page_size=100&page_no=1"); len(p.Users) != 100 {
			t.Errorf("list with PhoneSearchError %d: %d users", status, len(p.Users))
		}
		if p := getUsers(t, s, tok, "search=general"); p.RecordCount != len(demoCustomers) {
			t.Errorf("name search with PhoneSearchError %d: %d", status, p.RecordCount)
		}
		s.Close()
	}
}
