package contacts

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRegion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Region
		err  string // a word the error holds; "" = none
	}{
		{"GB", "GB", ""},
		{" gb ", "GB", ""},
		{"Us", "US", ""},
		{"uk", "GB", ""},
		{"\tUK\n", "GB", ""},
		{"", "", "no region given"},
		{"   ", "", "no region given"},
		{"XX", "", `"XX" is not a region`},
		{" GBR ", "", `"GBR" is not a region`},
		{"G", "", "two-letter"},
		{"001", "", "two-letter"},
	} {
		got, err := ParseRegion(tc.in)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseRegion(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || got != ""):
			t.Errorf("ParseRegion(%q) = %q, %v; want an error with %q", tc.in, got, err, tc.err)
		}
	}
	if _, err := ParseRegion(" "); !errors.Is(err, ErrNoRegion) {
		t.Errorf("blank: %v, want ErrNoRegion", err)
	}
	var re *RegionError
	if _, err := ParseRegion("ZZ"); !errors.As(err, &re) || re.Text != "ZZ" {
		t.Errorf("ZZ: %v, want a *RegionError", err)
	}
}

func TestResolveRegionOrder(t *testing.T) {
	gbLocale := func(k string) string {
		if k == "LANG" {
			return "en_GB.UTF-8"
		}
		return ""
	}
	for _, tc := range []struct {
		flag, profile, last Region
		want                Region
		from                RegionSource
	}{
		{"au", "US", "IE", "AU", RegionFromFlag},
		{"", "us", "IE", "US", RegionFromProfile},
		{"", "", "ie", "IE", RegionFromLastAudit},
		{"", "", "", "GB", RegionFromLocale},
		{"XX", "", "NZ", "NZ", RegionFromLastAudit}, // what is no region is passed over
		{"", "UK", "", "GB", RegionFromProfile},
	} {
		got, from := ResolveRegionSource(tc.flag, tc.profile, tc.last, gbLocale)
		if got != tc.want || from != tc.from {
			t.Errorf("ResolveRegionSource(%q, %q, %q) = %q from %d; want %q from %d", tc.flag, tc.profile, tc.last, got, from, tc.want, tc.from)
		}
		if r := ResolveRegion(tc.flag, tc.profile, tc.last, gbLocale); r != got {
			t.Errorf("ResolveRegion disagrees: %q", r)
		}
	}
}

func TestDefaultRegion(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Region
	}{
		{map[string]string{"LANG": "en_GB.UTF-8"}, "GB"},
		{map[string]string{"LANG": "de_DE@euro"}, "DE"},
		{map[string]string{"LANG": "en-AU"}, "AU"},
		{map[string]string{"LANG": "en_IE.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "FR"},
		{map[string]string{"LANG": "en_IE.UTF-8", "LC_ALL": "en_NZ.UTF-8", "LC_MESSAGES": "fr_FR"}, "NZ"},
		{map[string]string{"LANG": "C"}, "US"},
		{map[string]string{"LANG": "POSIX"}, "US"},
		{map[string]string{"LANG": "C.UTF-8"}, "US"},
		{map[string]string{"LC_ALL": "C", "LANG": "en_GB.UTF-8"}, "US"}, // LC_ALL decides, as POSIX has it
		{map[string]string{"LANG": "en_UK.UTF-8"}, "GB"},
		{map[string]string{"LANG": "en_XX"}, "US"},
		{map[string]string{}, "US"},
	} {
		if got := DefaultRegion(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("DefaultRegion(%v) = %s, want %s", tc.env, got, tc.want)
		}
	}
}
