package contacts

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		in, region, want string
	}{
		{"+44 20 7946 0500", "GB", "+442079460500"},
		{"020 7946 0500", "GB", "+442079460500"},
		{"02079460500", "GB", "+442079460500"},
		{"0044 20 7946 0500", "GB", "+442079460500"},
		{"(020) 7946-0500", "GB", "+442079460500"},
		{"+44 (0)20 7946 0500", "GB", "+442079460500"},
		{"020 7946 0500 ext. 12", "GB", "+442079460500"},
		{"02079460500 x12", "GB", "+442079460500"},
		{"020.7946.0500", "gb", "+442079460500"},
		{"07700 900555", "GB", "+447700900555"},
		{"+447700900555", "GB", "+447700900555"},
		{"+44 7700 900555", "US", "+447700900555"}, // international form reads the same anywhere
		{"(212) 555-0100", "US", "+12125550100"},
		{"1-212-555-0100", "US", "+12125550100"},
		{"011 44 20 7946 0500", "US", "+442079460500"},
		{"02 9374 4000", "AU", "+61293744000"},
		{"030 1234567", "DE", "+49301234567"},
		{"TBC", "GB", ""},
		{"ext 204", "GB", ""},
		{"12345", "GB", ""},
		{"+44 20 7946 050012345", "GB", ""},
		{"", "GB", ""},
		{"   ", "GB", ""},
	} {
		got, ok := Normalize(tc.in, tc.region)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Normalize(%q, %s) = %q, %v; want %q", tc.in, tc.region, got, ok, tc.want)
		}
	}
}

// The fast path must agree with the library on everything it decides.
// (AU and NZ failed this: carrier-selection and prefix rules the simple
// path does not know, so they are not fast regions.)
func TestFastNormalizeMatchesLibrary(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	seps := []string{" ", "", "-", ".", ") ", "  "}
	decided := 0
	for region := range fastRegions {
		p, ok := planOf(region)
		if !ok {
			t.Fatalf("no plan for %s", region)
		}
		for range 5000 {
			nsn := fmt.Sprint(rng.IntN(9) + 1)
			for range 4 + rng.IntN(8) {
				nsn += fmt.Sprint(rng.IntN(10))
			}
			var raw string
			sep := seps[rng.IntN(len(seps))]
			cut := 1 + rng.IntN(len(nsn)-1)
			switch rng.IntN(9) {
			case 0:
				raw = "+" + p.ccs + sep + nsn[:cut] + sep + nsn[cut:]
			case 1:
				raw = p.ndd + nsn[:cut] + sep + nsn[cut:]
			case 2:
				raw = "(" + p.ndd + nsn[:cut] + ")" + sep + nsn[cut:]
			case 3:
				raw = nsn
			case 4:
				raw = p.ccs + nsn
			case 5:
				raw = p.idd + sep + p.ccs + sep + nsn
			case 6:
				raw = p.ndd + nsn + []string{" ext. ", "x", " x ", "#", " ext", ", ext 1234567 "}[rng.IntN(6)] + fmt.Sprint(rng.IntN(1000))
			case 7:
				raw = "+" + p.ccs + sep + nsn + []string{" ext.", " extension ", "x"}[rng.IntN(3)] + fmt.Sprint(rng.IntN(100000000))
			default:
				raw = "+" + p.ccs + " (" + p.ndd + ")" + nsn
			}
			fast, handled := fastNormalize(raw, region)
			lib, libOK := libNormalize(raw, region)
			if handled {
				decided++
				if !libOK || fast != lib {
					t.Fatalf("%s %q: fast %q, library %q %v", region, raw, fast, lib, libOK)
				}
			}
		}
	}
	if decided < 3000 {
		t.Fatalf("the fast path decided only %d numbers", decided)
	}
}

func TestValidRegion(t *testing.T) {
	for cc, want := range map[string]bool{"GB": true, "gb": true, "US": true, "IE": true, "UK": true, " gb ": true, "": false, "XX": false, "GBR": false} {
		if ValidRegion(cc) != want {
			t.Errorf("ValidRegion(%q) = %v", cc, !want)
		}
	}
}
