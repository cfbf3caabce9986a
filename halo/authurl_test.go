package halo_test

import (
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestParseAuthURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://acme.halopsa.com/auth", ""},
		{"https://", "The address has no host name"},
		{"http://example.com/auth", ""},
	} {
		_, err := halo.ParseAuthURL(tc.in)
		_, herr := halo.ParseInstance(tc.in)
		if (err == nil) != (herr == nil) {
			t.Fatalf("%q: ParseAuthURL %v, ParseInstance %v: the rules differ", tc.in, err, herr)
		}
		if err != nil && (strings.Contains(err.Error(), "Halo URL") || tc.want != "" && !strings.Contains(err.Error(), tc.want)) {
			t.Fatalf("%q: %v, want %q", tc.in, err, tc.want)
		}
	}
}
