package contacts

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// A caller ID arrives as E.164 ("+441134960107") or, from a caller in the
// same country, as national digits ("01134960107"): never spaced, never
// with an extension. Halo documents its phone search (search_phonenumbers)
// only as "a phone number like your search", read as the stored text
// containing the searched text (halo-api.md §9.1). Both forms hold only
// digits and "+", so case and SQL LIKE wildcards play no part.

// CallerIDForms is the forms a caller ID for number arrives in for region
// (e.g. "GB"): its E.164 form and, when it belongs to the region's country
// calling code, its national digits (the library's national format
// without separators: "01134960107" in GB, "2025550100" in the US). nil
// when number does not parse for region (see Normalize).
func CallerIDForms(number, region string) []string {
	e, ok := Normalize(number, region)
	if !ok {
		return nil
	}
	return callerIDForms(e, strings.ToUpper(region))
}

// callerIDForms is CallerIDForms for a number already in E.164.
func callerIDForms(e164, region string) []string {
	forms := []string{e164}
	if nat := nationalDigits(e164, region); nat != "" && nat != e164 {
		forms = append(forms, nat)
	}
	return forms
}

// countryCode is the country calling code of region as text ("44"), or ""
// when the region has none.
func countryCode(region string) string {
	if p, ok := planOf(region); ok {
		return p.ccs
	}
	if cc := phonenumbers.GetCountryCodeForRegion(region); cc != 0 {
		return strconv.Itoa(cc)
	}
	return ""
}

// nationalDigits is the national digits of e164 for region, or "" when the
// number belongs to another country calling code (a call from abroad
// arrives in E.164).
func nationalDigits(e164, region string) string {
	ccs := countryCode(region)
	if ccs == "" || !strings.HasPrefix(e164, "+"+ccs) {
		return ""
	}
	n, err := phonenumbers.Parse(e164, region)
	if err != nil {
		return ""
	}
	return digitsOf(phonenumbers.Format(n, phonenumbers.NATIONAL))
}

func digitsOf(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			b = append(b, c)
		}
	}
	return string(b)
}

// likeFinds reports whether Halo's phone search for form finds stored
// ("like": the stored text contains the searched text, case-insensitive).
func likeFinds(stored, form string) bool {
	return strings.Contains(strings.ToLower(stored), strings.ToLower(form))
}

// missedByForms reports whether neither caller-ID form of e164 is found in
// the stored text of one number: what Halo's text search misses.
func missedByForms(stored, e164, region string) bool {
	return newSearchCheck(region).missed(stored, e164)
}

// searchCheck decides missedByForms for one region. The audit asks it of
// some 65,000 numbers, so it decides without the library's formatting
// whenever it can: in the fast regions the national digits are the
// national significant number (NSN), with or without the trunk prefix
// (TestNationalDigitsShape), so text without the NSN holds neither form,
// and text with the prefix before the NSN holds the national digits
// either way.
type searchCheck struct {
	region string
	fast   bool
	plus   string // "+" and the region's country calling code
	ndd    string // the region's trunk prefix
}

func newSearchCheck(region string) searchCheck {
	p, fast := planOf(region)
	return searchCheck{region: region, fast: fast, plus: "+" + p.ccs, ndd: p.ndd}
}

func (sc searchCheck) missed(stored, e164 string) bool {
	if strings.Contains(stored, e164) {
		return false
	}
	if !sc.fast {
		nat := nationalDigits(e164, sc.region)
		return nat == "" || !strings.Contains(stored, nat)
	}
	nsn, same := strings.CutPrefix(e164, sc.plus)
	if !same {
		return true // another country arrives in E.164 only
	}
	i := strings.Index(stored, nsn)
	if i < 0 {
		return true
	}
	for ; i >= 0; i = indexFrom(stored, nsn, i+1) {
		if strings.HasSuffix(stored[:i], sc.ndd) {
			return false
		}
	}
	nat := nationalDigits(e164, sc.region)
	return nat == "" || !strings.Contains(stored, nat)
}

// indexFrom is strings.Index of sub in s at or after from, or -1.
func indexFrom(s, sub string, from int) int {
	if from > len(s) {
		return -1
	}
	if i := strings.Index(s[from:], sub); i >= 0 {
		return from + i
	}
	return -1
}
