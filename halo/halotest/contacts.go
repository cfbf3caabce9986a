package halotest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// ContactScenario says how the simulated Halo serves contacts
// (/api/Users), customers (/api/Client) and tickets (/api/Tickets). The
// zero value serves the demo set (see the Demo* constants) as hosted Halo
// does: wrapped lists, paging with at most 100 records a page whatever
// page_size asks, and a phone search that matches the stored text (see
// selectUsers).
type ContactScenario struct {
	Count int   // >0: this many generated contacts (100 per customer, General User first) instead of the demo set
	Seed  int64 // seed of the generated contacts

	// The API agent may not read contacts, customers or tickets: the
	// endpoint refuses with Halo's access message, as HTTP DenyStatus.
	ContactsForbidden  bool
	CustomersForbidden bool
	TicketsForbidden   bool
	DenyStatus         int // status of those refusals; 0 = 403 (401, 400 or 200 test that the message alone is recognised)

	// The API agent sees none: empty lists with record_count 0.
	NoContacts  bool
	NoCustomers bool
	NoTickets   bool

	// IgnoreFilters: /Users ignores includeinactive, exclude_generaluser
	// and includeserviceaccount, as an older Halo might.
	IgnoreFilters bool
	// RecordCount >0: /Users claims this record_count (a stale or wrong
	// count) while serving the real records.
	RecordCount int
	// Bare: lists come whole as bare arrays without record_count, paging
	// parameters ignored, as some Halo endpoints do.
	Bare bool

	// PhoneSearchNumbers: the phone search (search_phonenumbers=true)
	// compares numbers instead of the stored text: a contact is found when
	// one of its four numbers is the searched number read as a GB number
	// (separators, extension and +44 / 0044 / 0 play no part), or when the
	// searched digits appear among a number's digits.
	PhoneSearchNumbers bool
	// PhoneSearchError: every phone search answers with this HTTP status
	// (403 with Halo's access message, else a Halo-style error) while the
	// list itself works.
	PhoneSearchError int
}

// maxHaloPage is the most records Halo puts in one page (HaloAPI issue #90).
const maxHaloPage = 100

// ContactsVisible is how many records /Users returns to the API agent for a
// full audit pull (active, no General Users, no service accounts), with the
// scenario's filters applied.
func (s *Server) ContactsVisible() int {
	if s.sc.Contacts.NoContacts {
		return 0
	}
	n := 0
	for _, u := range s.contacts.users {
		if !u.Inactive && !u.general && !u.IsServiceAccount {
			n++
		}
	}
	return n
}

// ContactRecords is how many contact records the simulated Halo holds
// (General Users, inactive contacts and service accounts included).
func (s *Server) ContactRecords() int { return len(s.contacts.users) }

// serveContacts answers /api/Users, /api/Client and /api/Tickets; p is the
// lower-case path below /api/.
func (s *Server) serveContacts(w http.ResponseWriter, p string, q url.Values) {
	sc := s.sc.Contacts
	cs := s.contacts
	get := func(k string) string {
		for key, v := range q {
			if strings.EqualFold(key, k) && len(v) > 0 {
				return v[0]
			}
		}
		return ""
	}
	switch p {
	case "users":
		if sc.ContactsForbidden {
			s.denied(w, "users")
			return
		}
		if st := sc.PhoneSearchError; st != 0 && boolParam(get("search_phonenumbers"), false) {
			if st == http.StatusForbidden {
				s.denied(w, "users")
			} else {
				writeJSON(w, st, map[string]string{"ClassName": "System.Exception", "message": "An error has occurred."})
			}
			return
		}
		var idx []int
		if !sc.NoContacts {
			idx = cs.selectUsers(get, sc.IgnoreFilters, sc.PhoneSearchNumbers)
		}
		claimed := len(idx)
		if sc.RecordCount > 0 {
			claimed = sc.RecordCount
		}
		s.page(w, "users", idx, claimed, get, func(i int) []byte { return cs.userJSON[i] })
	case "client":
		if sc.CustomersForbidden {
			s.denied(w, "client")
			return
		}
		var out [][]byte
		if !sc.NoCustomers {
			search := strings.ToLower(get("search"))
			inactive := boolParam(get("includeinactive"), false)
			for _, c := range cs.clients {
				if c.Inactive && !inactive || search != "" && !strings.Contains(strings.ToLower(c.Name), search) {
					continue
				}
				b, _ := json.Marshal(c)
				out = append(out, b)
			}
		}
		s.page(w, "clients", seq(len(out)), len(out), get, func(i int) []byte { return out[i] })
	case "tickets":
		if sc.TicketsForbidden {
			s.denied(w, "tickets")
			return
		}
		var out [][]byte
		if !sc.NoTickets {
			for _, t := range cs.tickets {
				b, _ := json.Marshal(t)
				out = append(out, b)
			}
		}
		s.page(w, "tickets", seq(len(out)), len(out), get, func(i int) []byte { return out[i] })
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// selectUsers applies /Users' filters and its search. With
// search_phonenumbers the search is Halo's documented "like" on the stored
// text of the contact's four numbers (not the site's): the stored text
// contains the searched text, case-insensitive (halo-api.md §9.1), so
// neither "+442079460500" nor "02079460500" finds "020 7946 0500". With
// numbers (ContactScenario.PhoneSearchNumbers) it compares numbers
// instead (phoneNumbersMatch).
func (cs *contactSet) selectUsers(get func(string) string, ignoreFilters, numbers bool) []int {
	active := boolParam(get("includeactive"), true)
	inactive := boolParam(get("includeinactive"), false)
	noGeneral := boolParam(get("exclude_generaluser"), false)
	service := boolParam(get("includeserviceaccount"), true)
	search := strings.ToLower(strings.TrimSpace(get("search")))
	phones := boolParam(get("search_phonenumbers"), false)
	// Every page of a pull asks the same filters: select once, so serving
	// 500 pages of 50,000 contacts does not scan them 500 times.
	key := fmt.Sprint(active, inactive, noGeneral, service, ignoreFilters)
	if search == "" {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		if idx, ok := cs.selected[key]; ok {
			return idx
		}
	}
	if search != "" {
		// A search reads the numbers, which a write may change.
		cs.mu.Lock()
		defer cs.mu.Unlock()
	}
	var idx []int
	for i, u := range cs.users {
		if !ignoreFilters {
			if u.Inactive && !inactive || !u.Inactive && !active || u.general && noGeneral || u.IsServiceAccount && !service {
				continue
			}
		}
		if search != "" {
			var fields []string
			if phones {
				fields = []string{u.PhoneNumber, u.HomeNumber, u.MobileNumber, u.MobileNumber2}
			} else {
				fields = []string{u.Name, u.FirstName, u.Surname, u.EmailAddress}
			}
			hit := false
			for _, f := range fields {
				if f == "" {
					continue
				}
				if phones && numbers {
					hit = phoneNumbersMatch(f, search)
				} else {
					hit = like(f, search)
				}
				if hit {
					break
				}
			}
			if !hit {
				continue
			}
		}
		idx = append(idx, i)
	}
	if search == "" {
		if cs.selected == nil {
			cs.selected = map[string][]int{}
		}
		cs.selected[key] = idx
	}
	return idx
}

// page writes the records idx (encoded by enc) as Halo does: with
// pageinate, one page of at most 100 records; wrapped in {"record_count",
// key} unless the scenario wants bare arrays.
func (s *Server) page(w http.ResponseWriter, key string, idx []int, claimed int, get func(string) string, enc func(int) []byte) {
	bare := s.sc.Contacts.Bare
	pageNo, pageSize := 1, len(idx)
	paged := boolParam(get("pageinate"), false) && !bare
	if paged {
		pageSize = 50 // Halo's default when page_size is missing
		if n, err := strconv.Atoi(get("page_size")); err == nil && n > 0 {
			pageSize = n
		}
		pageSize = min(pageSize, maxHaloPage)
		if n, err := strconv.Atoi(get("page_no")); err == nil && n > 0 {
			pageNo = n
		}
		from := min((pageNo-1)*pageSize, len(idx))
		idx = idx[from:min(from+pageSize, len(idx))]
	}
	var b bytes.Buffer
	b.Grow(len(idx)*600 + 64)
	switch {
	case bare:
	case paged:
		fmt.Fprintf(&b, `{"page_no":%d,"page_size":%d,"record_count":%d,%q:`, pageNo, pageSize, claimed, key)
	default:
		fmt.Fprintf(&b, `{"record_count":%d,%q:`, claimed, key)
	}
	b.WriteByte('[')
	for i, k := range idx {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(enc(k))
	}
	b.WriteByte(']')
	if !bare {
		b.WriteByte('}')
	}
	writeRaw(w, b.Bytes())
}

// denied is Halo's refusal for an agent without the Feature Access row.
func (s *Server) denied(w http.ResponseWriter, what string) {
	status := s.sc.Contacts.DenyStatus
	if status == 0 {
		status = http.StatusForbidden
	}
	writeJSON(w, status, map[string]string{
		"ClassName": "System.UnauthorizedAccessException",
		"message":   fmt.Sprintf("You do not have permission to access this resource (%s).", what),
	})
}
