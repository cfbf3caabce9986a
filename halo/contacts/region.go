package contacts

import (
	"errors"
	"fmt"
	"strings"
)

// Region is the ISO 3166 country code numbers without a country code are
// read for ("GB"). Both front-ends take it from ParseRegion and choose it
// by ResolveRegion, so a region means the same numbers in the app and on
// the command line.
type Region string

// ErrNoRegion is ParseRegion's answer to empty text: no region given.
var ErrNoRegion = errors.New("no region given: give a two-letter ISO 3166 country code such as GB, US or AU")

// RegionError is text that names no region phone numbers are known for.
type RegionError struct{ Text string }

func (e *RegionError) Error() string {
	return fmt.Sprintf("%q is not a region phone numbers are known for: "+
		"give a two-letter ISO 3166 country code such as GB, US or AU (UK is GB)", e.Text)
}

// ParseRegion reads a region as typed: trimmed, in any case, "UK" as GB.
// Empty text is ErrNoRegion; anything else that is no region
// phonenumbers knows is a *RegionError that says what to type.
func ParseRegion(s string) (Region, error) {
	r := canonicalRegion(s)
	switch {
	case r == "":
		return "", ErrNoRegion
	case len(r) != 2 || !ValidRegion(string(r)):
		return "", &RegionError{Text: strings.TrimSpace(s)}
	}
	return r, nil
}

// canonicalRegion is the one place region text is trimmed and
// upper-cased; "UK", a common misspelling of GB, is read as GB.
func canonicalRegion(s string) Region {
	r := strings.ToUpper(strings.TrimSpace(s))
	if r == "UK" {
		return "GB"
	}
	return Region(r)
}

// RegionSource says where ResolveRegion took a region from.
type RegionSource int

// Region sources, in ResolveRegion's order.
const (
	RegionFromFlag      RegionSource = iota // given for this run (--region, the Contacts screen's field)
	RegionFromProfile                       // the profile's own setting
	RegionFromLastAudit                     // the region of the profile's last audit
	RegionFromLocale                        // the OS locale's (DefaultRegion)
)

// ResolveRegion is the region a profile's numbers are read in: the one
// given for this run, else the profile's, else the last audit's (so a
// one-off region keeps meaning the same numbers), else the OS locale's.
// Empty values and values that are no region are passed over. getenv is
// os.Getenv, a parameter so tests set the locale.
func ResolveRegion(flag, profile, lastAudit Region, getenv func(string) string) Region {
	r, _ := ResolveRegionSource(flag, profile, lastAudit, getenv)
	return r
}

// ResolveRegionSource is ResolveRegion with where the region came from.
func ResolveRegionSource(flag, profile, lastAudit Region, getenv func(string) string) (Region, RegionSource) {
	for i, v := range []Region{flag, profile, lastAudit} {
		if r, err := ParseRegion(string(v)); err == nil {
			return r, RegionSource(i)
		}
	}
	return DefaultRegion(getenv), RegionFromLocale
}

// DefaultRegion is the region numbers are read in when a profile names
// none: the territory of the OS locale. getenv is os.Getenv (a parameter
// so tests can set the locale). The first of LC_ALL, LC_MESSAGES and LANG
// that is set decides, as POSIX has it ("en_GB.UTF-8" → "GB"); when it
// names no territory ("C", "POSIX", "C.UTF-8") or none is set, Windows'
// user locale is asked, and failing that "US", libphonenumber's usual
// default.
func DefaultRegion(getenv func(string) string) Region {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			if r := territory(v); r != "" {
				return r
			}
			break
		}
	}
	if r := territory(osLocale()); r != "" {
		return r
	}
	return "US"
}

// territory is the region of a locale name: "en_GB.UTF-8", "de_DE@euro",
// "en-GB" (Windows), "zh-Hans-CN". "" when it names none phonenumbers
// knows.
func territory(locale string) Region {
	if i := strings.IndexAny(locale, ".@"); i >= 0 {
		locale = locale[:i]
	}
	parts := strings.FieldsFunc(locale, func(r rune) bool { return r == '_' || r == '-' })
	if len(parts) < 2 {
		return ""
	}
	r, err := ParseRegion(parts[len(parts)-1])
	if err != nil {
		return ""
	}
	return r
}
