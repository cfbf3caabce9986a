package contacts

import "strings"

// DefaultRegion is the region numbers are read in when a profile names
// none: the territory of the OS locale. getenv is os.Getenv (a parameter
// so tests can set the locale). The first of LC_ALL, LC_MESSAGES and LANG
// that is set decides, as POSIX has it ("en_GB.UTF-8" → "GB"); when it
// names no territory ("C", "POSIX", "C.UTF-8") or none is set, Windows'
// user locale is asked, and failing that "US", libphonenumber's usual
// default.
func DefaultRegion(getenv func(string) string) string {
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
func territory(locale string) string {
	if i := strings.IndexAny(locale, ".@"); i >= 0 {
		locale = locale[:i]
	}
	parts := strings.FieldsFunc(locale, func(r rune) bool { return r == '_' || r == '-' })
	if len(parts) < 2 {
		return ""
	}
	r := strings.ToUpper(parts[len(parts)-1])
	if r == "UK" { // a common misspelling of GB in hand-made locales
		r = "GB"
	}
	if len(r) != 2 || !ValidRegion(r) {
		return ""
	}
	return r
}
