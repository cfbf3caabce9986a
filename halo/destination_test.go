package halo_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

func TestDestinationRoundTripAndParse(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"halo=https://x.halopsa.com:443 auth= ca=", true},
		{"halo=https://x.halopsa.com:443 auth=https://auth.example:443 ca=ab12", true},
		{"", false},
		{"halo= auth= ca=", false},
		{"halo=https://x auth=", false},
		{"halo=https://x.halopsa.com:443 auth= ca= found=https://login.example:443", true},
		{"halo=https://x.halopsa.com:443 auth= ca= found=", false},
		{"halo=https://x.halopsa.com:443 auth= ca= other=x", false},
		{"auth=https://x halo= ca=", false},
	} {
		d, ok := halo.ParseDestination(tc.in)
		if ok != tc.ok {
			t.Errorf("ParseDestination(%q) ok = %v, want %v", tc.in, ok, tc.ok)
			continue
		}
		if ok && d.String() != tc.in {
			t.Errorf("round trip %q → %q", tc.in, d.String())
		}
	}
}

func TestDestinationOfFollowsURLAuthAndCA(t *testing.T) {
	dir := t.TempDir()
	ca1, ca2 := filepath.Join(dir, "a.pem"), filepath.Join(dir, "b.pem")
	os.WriteFile(ca1, []byte("one"), 0o600)
	os.WriteFile(ca2, []byte("two"), 0o600)
	base := halo.Config{URL: "https://x.halopsa.com/api/"}
	d0, err := halo.DestinationOf(base)
	if err != nil {
		t.Fatal(err)
	}
	if d0.Halo != "https://x.halopsa.com:443" || d0.Auth != "" || d0.CA != "" {
		t.Fatalf("DestinationOf = %+v", d0)
	}
	same := base
	same.URL = "x.halopsa.com"
	if d, _ := halo.DestinationOf(same); d != d0 {
		t.Errorf("another spelling of the same URL changed the destination: %+v", d)
	}
	for name, cfg := range map[string]halo.Config{
		"host": {URL: "https://y.halopsa.com"},
		"port": {URL: "https://x.halopsa.com:8443"},
		"auth": {URL: base.URL, AuthURL: "https://login.example.com/auth"},
		"ca":   {URL: base.URL, CAFile: ca1},
	} {
		d, err := halo.DestinationOf(cfg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if d == d0 {
			t.Errorf("%s: changing it did not change the destination", name)
		}
	}
	a, _ := halo.DestinationOf(halo.Config{URL: base.URL, CAFile: ca1})
	b, _ := halo.DestinationOf(halo.Config{URL: base.URL, CAFile: ca2})
	if a == b {
		t.Error("two CA files with different contents gave one destination")
	}
	if _, err := halo.DestinationOf(halo.Config{URL: base.URL, CAFile: filepath.Join(dir, "missing.pem")}); err == nil {
		t.Error("a missing CA file gave a destination")
	}
}

// A secret bound to one destination is never sent to another: the token
// endpoint sees no request at all.
func TestSecretIsWithheldWhenTheDestinationChanged(t *testing.T) {
	s, cfg := start(t, halotest.Scenario{})
	here, err := halo.DestinationOf(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bound := cfg
	bound.SecretFor = &halo.SecretBinding{Dest: here, Seal: here.Seal(cfg.ClientSecret), Record: discard}
	if err := newClient(t, bound).Authenticate(context.Background()); err != nil {
		t.Fatalf("the secret's own destination: %v", err)
	}
	before := s.TokenRequests()

	elsewhere := halo.Destination{Halo: "https://old.halopsa.com:443"}
	moved := cfg
	moved.SecretFor = &halo.SecretBinding{Dest: elsewhere, Seal: elsewhere.Seal(cfg.ClientSecret)}
	err = newClient(t, moved).Authenticate(context.Background())
	he := wantError(t, err, halo.KindConfig, "halo-13")
	var dc *halo.DestinationChangedError
	if !errors.As(err, &dc) || dc.Was != elsewhere || dc.Now.Settings() != here {
		t.Fatalf("error %v does not carry both destinations", err)
	}
	if !strings.Contains(he.Message, "old.halopsa.com") || !strings.Contains(he.Fix, "--keep-secret") {
		t.Errorf("message/fix do not say where and how: %q / %q", he.Message, he.Fix)
	}

	// An edited record naming this destination, without the secret's seal,
	// is refused too; so is a seal made with another secret.
	for name, b := range map[string]*halo.SecretBinding{
		"edited record":  {Dest: here},
		"another secret": {Dest: here, Seal: here.Seal("another-secret")},
		"unrecorded":     {},
	} {
		c := cfg
		c.SecretFor = b
		err := newClient(t, c).Authenticate(context.Background())
		if !errors.As(err, &dc) {
			t.Fatalf("%s: %v, want a DestinationChangedError", name, err)
		}
		if name == "unrecorded" && !strings.Contains(err.Error(), "not recorded") {
			t.Errorf("unrecorded binding says %q", err)
		}
	}
	if n := s.TokenRequests(); n != before {
		t.Fatalf("%d token requests carried the secret to a changed destination", n-before)
	}

	rep := halo.RunCheck(context.Background(), moved, nil)
	if c := rep.Check(halo.CheckToken); c.Status != halo.StatusFail || !strings.Contains(c.Detail, "was not sent") {
		t.Fatalf("token check = %+v", c)
	}
	if n := s.TokenRequests(); n != before {
		t.Fatalf("the check sent the secret to a changed destination")
	}
}

func TestSealBindsSecretAndDestination(t *testing.T) {
	a := halo.Destination{Halo: "https://a.halopsa.com:443"}
	b := halo.Destination{Halo: "https://b.halopsa.com:443"}
	seal := a.Seal("s3cret")
	if strings.Contains(seal, "s3cret") || !a.Sealed("s3cret", seal) || b.Sealed("s3cret", seal) || a.Sealed("other", seal) || a.Sealed("s3cret", "") {
		t.Fatalf("seal %q does not bind exactly one secret to one destination", seal)
	}
}
