package halo_test

import (
	"encoding/pem"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
)

func TestValidateConnection(t *testing.T) {
	const (
		id     = "0f8fad5b-d9cb-469f-a165-70867728950e"
		secret = "7c9e6679-7425-40de-944b-e07fc1f90ae7-16fd2706-8baf-433b-82eb-8c7fada847da"
	)
	srv := httptest.NewTLSServer(nil)
	srv.Close()
	dir := t.TempDir()
	good := filepath.Join(dir, "ca.pem")
	os.WriteFile(good, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	notPEM := filepath.Join(dir, "ca.txt")
	os.WriteFile(notPEM, []byte("hello"), 0o600)
	t.Chdir(dir)
	ok := halo.ConnectionValues{URL: "acme.halopsa.com", ClientID: id}
	with := func(f func(*halo.ConnectionValues)) halo.ConnectionValues { v := ok; f(&v); return v }

	for _, tc := range []struct {
		name    string
		in      halo.ConnectionValues
		field   halo.ConnectionField // "" = no finding
		warning bool
		want    string
	}{
		{"valid", ok, "", false, ""},
		{"no URL", with(func(v *halo.ConnectionValues) { v.URL = "" }), halo.FieldURL, false, "Enter your Halo URL"},
		{"plain http", with(func(v *halo.ConnectionValues) { v.URL = "http://acme.halopsa.com" }), halo.FieldURL, false, "https"},
		{"no Client ID", with(func(v *halo.ConnectionValues) { v.ClientID = "" }), halo.FieldClientID, false, "Enter the Client ID"},
		{"Client ID with a space", with(func(v *halo.ConnectionValues) { v.ClientID = "abc def" }), halo.FieldClientID, false, "spaces"},
		{"secret as the Client ID", with(func(v *halo.ConnectionValues) { v.ClientID = "Secret: " + secret }), halo.FieldClientID, false, "swapped"},
		{"odd Client ID", with(func(v *halo.ConnectionValues) { v.ClientID = "my-client" }), halo.FieldClientID, true, "0f8fad5b"},
		{"secret with a line break", with(func(v *halo.ConnectionValues) { v.Secret = "abc\ndef" }), halo.FieldSecret, false, "line breaks"},
		{"odd secret", with(func(v *halo.ConnectionValues) { v.Secret = "short" }), halo.FieldSecret, true, "two GUIDs"},
		{"tenant with a slash", with(func(v *halo.ConnectionValues) { v.Tenant = "acme/msp" }), halo.FieldTenant, false, "single word"},
		{"http auth server", with(func(v *halo.ConnectionValues) { v.AuthURL = "http://auth.example.com" }), halo.FieldAuthURL, false, "Use https://"},
		{"missing CA file", with(func(v *halo.ConnectionValues) { v.CAFile = "missing.pem" }), halo.FieldCAFile, false, "does not exist"},
		{"CA file not PEM", with(func(v *halo.ConnectionValues) { v.CAFile = notPEM }), halo.FieldCAFile, false, "holds no PEM certificate"},
		{"relative CA file", with(func(v *halo.ConnectionValues) { v.CAFile = "ca.pem" }), "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, fe := halo.ValidateConnection(tc.in)
			if tc.field == "" {
				if len(fe) != 0 {
					t.Fatalf("findings %+v", fe)
				}
				return
			}
			on := fe.On(tc.field)
			if len(on) != 1 || on[0].Warning != tc.warning || !strings.Contains(on[0].Message, tc.want) || len(fe) != 1 {
				t.Fatalf("findings %+v, want one on %s (warning %v) with %q", fe, tc.field, tc.warning, tc.want)
			}
			if (fe.Err() == nil) != tc.warning {
				t.Fatalf("Err() = %v with warning %v", fe.Err(), tc.warning)
			}
		})
	}

	out, fe := halo.ValidateConnection(halo.ConnectionValues{URL: "  Acme.HaloPSA.com/api/ ", ClientID: " " + id + " ", CAFile: "ca.pem", Tenant: " acme "})
	if len(fe) != 0 || out.URL != "https://acme.halopsa.com" || out.ClientID != id || out.CAFile != good || out.Tenant != "acme" {
		t.Fatalf("normalised %+v, %v", out, fe)
	}
	// As typed: the same rules without reading the file.
	if _, fe := halo.ValidateConnectionAsTyped(with(func(v *halo.ConnectionValues) { v.CAFile = "missing.pem" })); len(fe) != 0 {
		t.Fatalf("as typed read the CA file: %v", fe)
	}
}
