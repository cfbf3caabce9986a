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

func TestCheckCAFile(t *testing.T) {
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	for _, tc := range []struct {
		name, path, want string
	}{
		{"empty: no extra CA", "", ""},
		{"a real certificate", good, ""},
		{"missing", filepath.Join(dir, "missing.pem"), "does not exist"},
		{"not PEM at all", write("ca.txt", []byte("hello")), "holds no PEM certificate"},
		// Only the BEGIN line is not a certificate: it is parsed, not grepped.
		{"BEGIN line without a certificate", write("fake.pem", []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")), "holds no PEM certificate"},
		{"a directory", dir, "cannot be read"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := halo.CheckCAFile(tc.path)
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Fatalf("CheckCAFile(%q) = %v, want %q", tc.path, err, tc.want)
			}
		})
	}
}
