package halo

import (
	"errors"
	"net/url"
	"strings"
	"testing"
)

func TestParseInstance(t *testing.T) {
	ok := []struct {
		in, base string
	}{
		{"x.halopsa.com", "https://x.halopsa.com"},
		{"  x.halopsa.com  ", "https://x.halopsa.com"},
		{"\tX.HaloPSA.com\n", "https://x.halopsa.com"},
		{"https://X.halopsa.com/api/", "https://x.halopsa.com"},
		{"https://x.halopsa.com/api", "https://x.halopsa.com"},
		{"https://x.halopsa.com/auth", "https://x.halopsa.com"},
		{"https://x.halopsa.com/auth/token?tenant=abc", "https://x.halopsa.com"},
		{"https://x.halopsa.com/api/authinfo", "https://x.halopsa.com"},
		{"https://x.halopsa.com///", "https://x.halopsa.com"},
		{"https://x.halopsa.com/", "https://x.halopsa.com"},
		{"https://x.halopsa.com.", "https://x.halopsa.com"},
		{"https://x.halopsa.com/ticket?id=42#top", "https://x.halopsa.com"},
		{"HTTPS://x.halopsa.com", "https://x.halopsa.com"},
		{"https://https://x.halopsa.com/api/", "https://x.halopsa.com"},
		{"https://http://x.halopsa.com", "https://x.halopsa.com"},
		{"//x.halopsa.com", "https://x.halopsa.com"},
		{"\"https://x.halopsa.com/api/\"", "https://x.halopsa.com"},
		{"<https://x.halopsa.com>", "https://x.halopsa.com"},
		{"\u00a0https://x.halopsa.com\u200b", "https://x.halopsa.com"},
		{"support.contoso.com", "https://support.contoso.com"},
		{"https://halo.contoso.co.uk:8443/api/", "https://halo.contoso.co.uk:8443"},
		{"halo.contoso.co.uk:8443", "https://halo.contoso.co.uk:8443"},
		{"https://x.halopsa.com:443/api", "https://x.halopsa.com"},
		{"https://servicedesk/api/", "https://servicedesk"},
		{"https://10.0.0.5:8443", "https://10.0.0.5:8443"},
		{"https://[2001:db8::1]:8443/api", "https://[2001:db8::1]:8443"},
		{"https://server.local/halo/api/", "https://server.local/halo"},
		{"https://server.local/Halo/auth/token", "https://server.local/Halo"},
		{`https:\\x.halopsa.com\api\`, "https://x.halopsa.com"},
		{"http://127.0.0.1:8080/api/", "http://127.0.0.1:8080"},
		{"http://localhost:8080", "http://localhost:8080"},
		{"http://[::1]:9000", "http://[::1]:9000"},
		{"http://localhost:80/", "http://localhost"},
		{"uk-trial.halopsa.com/token?tenant=Tenant123", "https://uk-trial.halopsa.com"},
	}
	for _, tc := range ok {
		inst, err := ParseInstance(tc.in)
		if err != nil {
			t.Errorf("ParseInstance(%q): %v", tc.in, err)
			continue
		}
		if inst.Base != tc.base {
			t.Errorf("ParseInstance(%q).Base = %q, want %q", tc.in, inst.Base, tc.base)
		}
		if inst.APIURL != tc.base+"/api/" || inst.DetailsURL != tc.base+"/" {
			t.Errorf("ParseInstance(%q) = %+v: API/details URL not derived from base", tc.in, inst)
		}
		if !strings.HasPrefix(tc.base, "https://"+inst.Host) && !strings.HasPrefix(tc.base, "http://"+inst.Host) {
			t.Errorf("ParseInstance(%q).Host = %q, not the host of %q", tc.in, inst.Host, tc.base)
		}
	}

	bad := []struct {
		in, want string // want: a fragment of the message
	}{
		{"", "Enter your Halo URL"},
		{"   ", "Enter your Halo URL"},
		{"ftp://x.halopsa.com", "not supported"},
		{"file:///etc/passwd", "not supported"},
		{"javascript:alert(1)", "not a web address"},
		{"mailto:admin@x.halopsa.com", "not a web address"},
		{"http://x.halopsa.com", "Use https://"},
		{"http://10.0.0.5", "Use https://"},
		{"https://user:pass@x.halopsa.com", "user name or password"},
		{"https://admin@x.halopsa.com", "user name or password"},
		{"https://x.halo psa.com", "spaces"},
		{"https:///api", "no host"},
		{"https://", "no host"},
		{"https://x..halopsa.com", "empty part"},
		{"https://-x.halopsa.com", "hyphen"},
		{"https://x_y.halopsa.com", "underscore"},
		{"https://exämple.com", "punycode"},
		{"https://x.halopsa.com:0", "port"},
		{"https://x.halopsa.com:99999", "port"},
		{"https://x.halopsa.com:", "port"},
		{"https://0.0.0.0", "not the address of a server"},
		{strings.Repeat("a", 3000), "too long"},
		{"https://" + strings.Repeat("a", 64) + ".com", "longer than 63"},
	}
	for _, tc := range bad {
		_, err := ParseInstance(tc.in)
		if err == nil {
			t.Errorf("ParseInstance(%q): no error", tc.in)
			continue
		}
		var he *Error
		if !errors.As(err, &he) || he.Kind != KindURL {
			t.Errorf("ParseInstance(%q): error %T %v, want *Error kind url", tc.in, err, err)
			continue
		}
		if !strings.Contains(he.Message, tc.want) {
			t.Errorf("ParseInstance(%q) message %q, want it to mention %q", tc.in, he.Message, tc.want)
		}
		if he.Fix == "" || he.Step == "" {
			t.Errorf("ParseInstance(%q): error without fix/step: %+v", tc.in, he)
		}
	}
}

func FuzzParseInstance(f *testing.F) {
	for _, s := range []string{"x.halopsa.com", "https://X.halopsa.com/api/", "http://127.0.0.1:8080/api", "https://h/halo/auth", "https://[::1]:1/api", "ftp://x", "https://a@b", " https://https://x.y/api/ ", "x:8443", `https:\\x\api`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		inst, err := ParseInstance(raw)
		if err != nil {
			var he *Error
			if !errors.As(err, &he) || he.Kind != KindURL || he.Message == "" {
				t.Fatalf("ParseInstance(%q): bad error %#v", raw, err)
			}
			return
		}
		if inst.APIURL != inst.Base+"/api/" || inst.DetailsURL != inst.Base+"/" {
			t.Fatalf("ParseInstance(%q) = %+v: inconsistent", raw, inst)
		}
		if !strings.HasPrefix(inst.Base, "https://") && !strings.HasPrefix(inst.Base, "http://") {
			t.Fatalf("ParseInstance(%q).Base = %q: no scheme", raw, inst.Base)
		}
		u, perr := url.Parse(inst.Base)
		if perr != nil || u.Host != inst.Host {
			t.Fatalf("ParseInstance(%q).Base = %q does not parse back (host %q): %v", raw, inst.Base, inst.Host, perr)
		}
		if u.Scheme == "http" && !isLoopback(u.Hostname()) {
			t.Fatalf("ParseInstance(%q) accepted plain http for %q", raw, inst.Base)
		}
		// The API URL (1stream's Endpoint) always parses back to the same
		// instance; without a sub-path so do Base and the details link.
		again := []string{inst.APIURL}
		if u.Path == "" {
			again = append(again, inst.Base, inst.DetailsURL)
		}
		for _, a := range again {
			inst2, err := ParseInstance(a)
			if err != nil || inst2 != inst {
				t.Fatalf("ParseInstance(%q) = %+v, but re-parsing %q gives %+v, %v", raw, inst, a, inst2, err)
			}
		}
	})
}

func TestStoredFormRoundTrips(t *testing.T) {
	for _, in := range []string{"x.halopsa.com", "https://h.example.com:8443/api", "https://h.example.com/halo/api/", "http://127.0.0.1:9000/auth"} {
		inst, err := ParseInstance(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		again, err := ParseInstance(inst.Stored())
		if err != nil || again != inst {
			t.Errorf("%q: stored %q parses back to %+v (%v), want %+v", in, inst.Stored(), again, err, inst)
		}
	}
	if got := (Instance{Base: "https://x.halopsa.com", APIURL: "https://x.halopsa.com/api/"}).Stored(); got != "https://x.halopsa.com" {
		t.Errorf("root instance stored as %q", got)
	}
}
