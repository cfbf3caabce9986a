// Package contacts audits Halo's contacts for what stops a phone system
// popping the right one on a call (no name, no number, a number several
// contacts share, a number that cannot be dialled), and looks a caller's
// number up the way a phone system does. Numbers are normalised with
// github.com/nyaruka/phonenumbers, a maintained port of Google's
// libphonenumber. Everything is pure except LookupNumber, which asks
// Halo. Names and numbers are personal data: nothing here logs them.
package contacts

import (
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// Normalize parses number as dialled from region (an ISO 3166 country code
// such as "GB") and returns it in E.164 ("+442079460500"). Extensions are
// dropped: a call arrives from the main number. ok is false when the text
// is no phone number, or not a possible one: too short or too long, or
// possible only locally (without its area code no caller ID can match it).
func Normalize(number, region string) (e164 string, ok bool) {
	number = strings.TrimSpace(number)
	if number == "" {
		return "", false
	}
	region = string(canonicalRegion(region))
	if e, handled := fastNormalize(number, region); handled {
		return e, true
	}
	return libNormalize(number, region)
}

// libNormalize is Normalize by the library alone.
func libNormalize(number, region string) (string, bool) {
	n, err := phonenumbers.Parse(number, region)
	if err != nil {
		return "", false
	}
	if phonenumbers.IsPossibleNumberWithReason(n) != phonenumbers.IS_POSSIBLE {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

// national is number's national form for region ("020 7946 0500"), or ""
// when it does not parse.
func national(number, region string) string {
	n, err := phonenumbers.Parse(strings.TrimSpace(number), string(canonicalRegion(region)))
	if err != nil {
		return ""
	}
	return phonenumbers.Format(n, phonenumbers.NATIONAL)
}

// ValidRegion reports whether cc is a region phonenumbers knows ("GB",
// "us", "UK" as GB).
func ValidRegion(cc string) bool {
	return phonenumbers.GetSupportedRegions()[string(canonicalRegion(cc))]
}

// The library's Parse costs 20-50 µs a number, mostly regular expressions
// looking for extensions and letters; 50,000 contacts hold some 65,000
// numbers. fastNormalize handles the plain cases of plans that are known
// to follow the simple rules below (no carrier codes, no transformed
// national prefix): digits, spaces, "-", ".", "(", ")", a leading "+" or
// the region's international access code, an optional trailing extension,
// in the region's own country code or national form, giving a possible
// number. Anything else goes to the library. TestFastNormalizeMatchesLibrary
// compares the two on every format the audit meets.
var fastRegions = map[string]string{ // region → international access code
	"GB": "00", "IE": "00", "US": "011", "CA": "011",
}

type plan struct {
	cc  int32
	ccs string // country calling code as text, "44"
	ndd string // national (trunk) prefix, "0"
	idd string // international access code, "00"
}

var plans sync.Map // region → plan

func planOf(region string) (plan, bool) {
	if p, ok := plans.Load(region); ok {
		return p.(plan), true
	}
	idd, ok := fastRegions[region]
	cc := phonenumbers.GetCountryCodeForRegion(region)
	ndd := phonenumbers.GetNddPrefixForRegion(region, true)
	if !ok || cc == 0 || ndd == "" {
		return plan{}, false
	}
	p := plan{cc: int32(cc), ccs: strconv.Itoa(cc), ndd: ndd, idd: idd}
	plans.Store(region, p)
	return p, true
}

// cutExtension drops a trailing extension ("ext. 12", "x12", "#12"): it
// never changes the E.164 form. ok is false when what follows the marker
// is not 1-7 digits.
func cutExtension(s string) (string, bool) {
	l := strings.ToLower(s)
	i, n := strings.LastIndex(l, "ext"), 3
	if i < 0 {
		if i = strings.LastIndexAny(l, "x#"); i < 0 {
			return s, true
		}
		n = 1
	}
	tail := strings.TrimLeft(l[i+n:], ".: ")
	if tail == "" || len(tail) > 7 || strings.Trim(tail, "0123456789") != "" {
		return s, false
	}
	return strings.TrimRight(s[:i], " ,"), true
}

// fastNormalize returns the E.164 form and true when it could decide
// quickly; false means "ask the library", never "not a number".
func fastNormalize(raw, region string) (string, bool) {
	p, ok := planOf(region)
	if !ok {
		return "", false
	}
	raw, ok = cutExtension(raw)
	if !ok {
		return "", false
	}
	var buf [20]byte
	d := buf[:0]
	plus := false
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c >= '0' && c <= '9':
			if len(d) == len(buf) {
				return "", false
			}
			d = append(d, c)
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
		case c == '+' && !plus && len(d) == 0:
			plus = true
		default:
			return "", false
		}
	}
	ds := string(d)
	if !plus && strings.HasPrefix(ds, p.idd) {
		plus, ds = true, ds[len(p.idd):]
	}
	var nsn string
	switch {
	case plus:
		if !strings.HasPrefix(ds, p.ccs) {
			return "", false // another country: the library knows its plan
		}
		nsn = ds[len(p.ccs):]
		// "+44 (0)20 …": the trunk prefix goes when what is left is
		// possible, as the library does (checked below).
		nsn = strings.TrimPrefix(nsn, p.ndd)
	case ds != "" && ds[0] == '0' && p.ndd != "0":
		return "", false // perhaps another access code
	case strings.HasPrefix(ds, p.ndd):
		nsn = ds[len(p.ndd):]
	case strings.HasPrefix(ds, p.ccs):
		return "", false // perhaps the country code without "+"
	default:
		nsn = ds
	}
	// A number still starting with a 0 or the trunk prefix ("+1 1…") is
	// one the library judges by its patterns.
	if len(nsn) < 2 || nsn[0] == '0' || strings.HasPrefix(nsn, p.ndd) {
		return "", false
	}
	n, err := strconv.ParseUint(nsn, 10, 64)
	if err != nil {
		return "", false
	}
	cc := p.cc
	pn := &phonenumbers.PhoneNumber{CountryCode: &cc, NationalNumber: &n}
	if phonenumbers.IsPossibleNumberWithReason(pn) != phonenumbers.IS_POSSIBLE {
		return "", false
	}
	return "+" + p.ccs + nsn, true
}
