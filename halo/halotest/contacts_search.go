package halotest

import (
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// The phone search of a Halo that compares numbers
// (ContactScenario.PhoneSearchNumbers). Whether any Halo does is not
// documented: it lets tests show what the app does when a probe finds
// that the search compares numbers.

// gbNumbers memoises gbE164: a pure function of the text, so it holds
// whatever the contacts are changed to.
var gbNumbers sync.Map // text → E.164, "" when it does not parse

// gbE164 is text read as a number dialled in GB, in E.164 without any
// extension; "" when it is none.
func gbE164(text string) string {
	if e, ok := gbNumbers.Load(text); ok {
		return e.(string)
	}
	e := ""
	if n, err := phonenumbers.Parse(text, "GB"); err == nil && phonenumbers.IsPossibleNumberWithReason(n) == phonenumbers.IS_POSSIBLE {
		e = phonenumbers.Format(n, phonenumbers.E164)
	}
	gbNumbers.Store(text, e)
	return e
}

func searchDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// phoneNumbersMatch reports whether a stored number matches search when
// numbers are compared: the same number, or the searched digits among the
// stored number's digits (a partial number).
func phoneNumbersMatch(stored, search string) bool {
	if e := gbE164(search); e != "" && e == gbE164(stored) {
		return true
	}
	d := searchDigits(search)
	return d != "" && strings.Contains(searchDigits(stored), d)
}

// TextSearchMisses is how many active contacts (General Users and service
// accounts left out) have a number of their own that the text phone
// search finds them by in neither caller-ID form of a GB number: E.164
// ("+442079460500") and national digits ("02079460500"). Tests compare
// the audit's search_miss with it.
func (s *Server) TextSearchMisses() int {
	cs := s.contacts
	cs.mu.Lock()
	defer cs.mu.Unlock()
	n := 0
	for _, u := range cs.users {
		if u.Inactive || u.general || u.IsServiceAccount {
			continue
		}
		own := []string{u.PhoneNumber, u.HomeNumber, u.MobileNumber, u.MobileNumber2}
		for _, number := range own {
			e := gbE164(number)
			if !strings.HasPrefix(e, "+44") {
				continue
			}
			if !textFinds(own, e) && !textFinds(own, "0"+e[3:]) {
				n++
				break
			}
		}
	}
	return n
}

// textFinds reports whether the text phone search for search finds one of
// the numbers.
func textFinds(numbers []string, search string) bool {
	for _, f := range numbers {
		if f != "" && like(f, search) {
			return true
		}
	}
	return false
}

// like is Halo's documented "like": the stored text contains the searched
// text, case-insensitive.
func like(stored, search string) bool {
	return strings.Contains(strings.ToLower(stored), strings.ToLower(search))
}
