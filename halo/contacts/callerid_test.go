package contacts

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestCallerIDForms(t *testing.T) {
	for _, tc := range []struct {
		in, region string
		want       []string
	}{
		{"+44 113 496 0107", "GB", []string{"+441134960107", "01134960107"}},
		{"0113 496 0107 ext. 07", "GB", []string{"+441134960107", "01134960107"}},
		{"(020) 7946-0500", "gb", []string{"+442079460500", "02079460500"}},
		{"07700 900555", "GB", []string{"+447700900555", "07700900555"}},
		{"(202) 555-0100", "US", []string{"+12025550100", "2025550100"}},
		{"+1 604 555 0100", "US", []string{"+16045550100", "6045550100"}}, // Canada shares +1: national digits as in the US
		{"01 23 45 67 89", "FR", []string{"+33123456789", "0123456789"}},
		{"030 1234567", "DE", []string{"+49301234567", "0301234567"}},
		{"+33 1 23 45 67 89", "GB", []string{"+33123456789"}}, // from abroad: E.164 only
		{"TBC", "GB", nil},
		{"", "GB", nil},
	} {
		got := CallerIDForms(tc.in, tc.region)
		if !slices.Equal(got, tc.want) {
			t.Errorf("CallerIDForms(%q, %s) = %q, want %q", tc.in, tc.region, got, tc.want)
		}
		for _, f := range got {
			if strings.Trim(f, "+0123456789") != "" || strings.LastIndex(f, "+") > 0 {
				t.Errorf("CallerIDForms(%q) gives %q: only digits and a leading +", tc.in, f)
			}
		}
	}
}

// missedByForms' shortcuts rest on this: in the fast regions the national
// digits are the NSN with or without the trunk prefix.
func TestNationalDigitsShape(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for region := range fastRegions {
		p, _ := planOf(region)
		checked := 0
		for range 20000 {
			nsn := fmt.Sprint(rng.IntN(9) + 1)
			for range 5 + rng.IntN(7) {
				nsn += fmt.Sprint(rng.IntN(10))
			}
			e, ok := Normalize("+"+p.ccs+nsn, region)
			if !ok {
				continue
			}
			checked++
			nsn = strings.TrimPrefix(e, "+"+p.ccs)
			if nat := nationalDigits(e, region); nat != nsn && nat != p.ndd+nsn {
				t.Fatalf("%s: national digits of %s are %q, neither the NSN nor %s+NSN", region, e, nat, p.ndd)
			}
		}
		if checked < 1000 {
			t.Fatalf("%s: only %d possible numbers checked", region, checked)
		}
	}
}

// slowMissed is missedByForms by definition: the library's forms and
// Halo's "like".
func slowMissed(stored, e164, region string) bool {
	n, err := phonenumbers.Parse(e164, region)
	if err != nil {
		return true
	}
	forms := []string{e164}
	if int(n.GetCountryCode()) == phonenumbers.GetCountryCodeForRegion(region) {
		forms = append(forms, digitsOf(phonenumbers.Format(n, phonenumbers.NATIONAL)))
	}
	for _, f := range forms {
		if likeFinds(stored, f) {
			return false
		}
	}
	return true
}

func TestMissedByFormsMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	styles := []func(cc, ndd, a, b string) string{
		func(cc, ndd, a, b string) string { return ndd + a + " " + b },
		func(cc, ndd, a, b string) string { return "+" + cc + " " + a + " " + b },
		func(cc, ndd, a, b string) string { return ndd + a + b },
		func(cc, ndd, a, b string) string { return "(" + ndd + a + ") " + b },
		func(cc, ndd, a, b string) string { return "00" + cc + " " + a + b },
		func(cc, ndd, a, b string) string { return "+" + cc + a + b },
		func(cc, ndd, a, b string) string { return "+" + cc + " " + a + b },
		func(cc, ndd, a, b string) string { return a + b },
		func(cc, ndd, a, b string) string { return ndd + a + b + " ext. 12" },
		func(cc, ndd, a, b string) string { return "+" + cc + a + b + " x9" },
	}
	for _, region := range []string{"GB", "IE", "US", "CA", "DE", "FR", "AU"} {
		cc := fmt.Sprint(phonenumbers.GetCountryCodeForRegion(region))
		ndd := phonenumbers.GetNddPrefixForRegion(region, true)
		misses, found := 0, 0
		for range 3000 {
			nsn := fmt.Sprint(rng.IntN(9) + 1)
			for range 6 + rng.IntN(5) {
				nsn += fmt.Sprint(rng.IntN(10))
			}
			cut := 1 + rng.IntN(len(nsn)-1)
			stored := styles[rng.IntN(len(styles))](cc, ndd, nsn[:cut], nsn[cut:])
			e, ok := Normalize(stored, region)
			if !ok {
				continue
			}
			want := slowMissed(stored, e, region)
			if got := missedByForms(stored, e, region); got != want {
				t.Fatalf("%s: missedByForms(%q, %s) = %v, the definition says %v", region, stored, e, got, want)
			}
			if want {
				misses++
			} else {
				found++
			}
		}
		if misses == 0 || found == 0 {
			t.Fatalf("%s: %d misses, %d found: the styles do not cover both", region, misses, found)
		}
	}
	// A number from abroad is found by its E.164 form only.
	if !missedByForms("+33 1 23 45 67 89", "+33123456789", "GB") || missedByForms("+33123456789", "+33123456789", "GB") {
		t.Fatal("a French number in a GB audit")
	}
}

func TestPlainSeparated(t *testing.T) {
	for in, want := range map[string]bool{
		"020 7946 0500": true, "(020) 7946-0500": true, "+44 20 7946 0500": true, "020.7946.0500": true,
		"02079460500": false, "+442079460500": false, "020 7946 0500 ext. 12": false, "020 7946 05[0]0": false,
		"020 7946 05%0": false, "020_7946_0500": false, "0+20 7946": false,
	} {
		if got := plainSeparated(in); got != want {
			t.Errorf("plainSeparated(%q) = %v, want %v", in, got, want)
		}
	}
}
