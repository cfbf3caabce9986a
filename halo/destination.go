package halo

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Destination is where a Client Secret goes when it is used: the Halo URL's
// origin (which also answers /api/authinfo, so it decides a discovered
// authorisation server), the origin of an authorisation server set by hand,
// and the SHA-256 of the CA file that decides whom TLS trusts. A secret is
// bound to the destination it was entered for: a changed URL, auth server
// or CA file could otherwise carry it to another party unnoticed.
type Destination struct {
	Halo string // e.g. "https://x.halopsa.com:443"
	Auth string // "" when the authorisation server is discovered from Halo
	CA   string // hex SHA-256 of the CA file's bytes; "" when none
}

// String is the canonical form stored with a profile.
func (d Destination) String() string {
	return "halo=" + d.Halo + " auth=" + d.Auth + " ca=" + d.CA
}

// ParseDestination reads what String wrote; ok is false for anything else
// (an empty or edited value), which then matches no real destination.
func ParseDestination(s string) (d Destination, ok bool) {
	f := strings.Split(s, " ")
	if len(f) != 3 {
		return Destination{}, false
	}
	for i, key := range []string{"halo=", "auth=", "ca="} {
		v, found := strings.CutPrefix(f[i], key)
		if !found {
			return Destination{}, false
		}
		f[i] = v
	}
	if f[0] == "" {
		return Destination{}, false
	}
	return Destination{Halo: f[0], Auth: f[1], CA: f[2]}, true
}

// Describe names the destination in words for messages.
func (d Destination) Describe() string {
	if d.Halo == "" {
		return "an unrecorded destination"
	}
	s := strings.TrimSuffix(strings.TrimSuffix(d.Halo, ":443"), ":80")
	if d.Auth != "" {
		s += " with the authorisation server " + strings.TrimSuffix(strings.TrimSuffix(d.Auth, ":443"), ":80")
	}
	if d.CA != "" {
		s += " trusting the CA file with SHA-256 " + d.CA[:min(12, len(d.CA))] + "…"
	}
	return s
}

// DestinationOf is the destination cfg sends its secret to. It reads the CA
// file to hash it.
func DestinationOf(cfg Config) (Destination, error) {
	var pem []byte
	if f := strings.TrimSpace(cfg.CAFile); f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return Destination{}, newError(KindConfig, AdviceCAFile, fmt.Sprintf("The CA certificate file %q could not be read.", f), err)
		}
		pem = b
	}
	return destinationOf(cfg, pem)
}

func destinationOf(cfg Config, caPEM []byte) (Destination, error) {
	inst, err := ParseInstance(cfg.URL)
	if err != nil {
		return Destination{}, err
	}
	u, err := url.Parse(inst.Base)
	if err != nil {
		return Destination{}, newError(KindURL, "", "", err)
	}
	d := Destination{Halo: origin(u)}
	if a := strings.TrimSpace(cfg.AuthURL); a != "" {
		au, err := parseAuthURL(a)
		if err != nil {
			return Destination{}, err
		}
		d.Auth = origin(au)
	}
	if caPEM != nil {
		sum := sha256.Sum256(caPEM)
		d.CA = hex.EncodeToString(sum[:])
	}
	return d, nil
}

// DestinationChangedError: the connection now points somewhere other than
// where its Client Secret was entered for, so the secret is withheld.
type DestinationChangedError struct {
	Was, Now Destination
}

func (e *DestinationChangedError) Error() string {
	return fmt.Sprintf("The connection changed since its Client Secret was entered: the secret was entered for %s, "+
		"and the settings now point to %s. The secret was not sent.", e.Was.Describe(), e.Now.Describe())
}
