package halo

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// CheckCAFile says whether path holds a PEM certificate the client can
// trust, before a profile stores it (ValidateConnection's CA file rule).
// It parses the certificates as NewClient
// will, so a file that merely contains the BEGIN line is refused too. An
// empty path is fine (no extra CA).
func CheckCAFile(path string) error {
	if path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("the CA file %s does not exist: choose the PEM file of your certificate authority, or leave CA file empty", path)
	case err != nil:
		return fmt.Errorf("the CA file %s cannot be read: %w", path, err)
	case !x509.NewCertPool().AppendCertsFromPEM(b):
		return fmt.Errorf("the CA file %s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path)
	}
	return nil
}
