package halo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
)

// Destination is where a Client Secret goes when it is used: the Halo URL's
// origin (which also answers /api/authinfo), the origin of an
// authorisation server set by hand, the SHA-256 of the CA file that
// decides whom TLS trusts, and the origin of the authorisation server
// Halo's discovery named when the secret was first used. A secret is bound
// to the destination it was entered for: a changed URL, auth server, CA
// file or discovery answer could otherwise carry it to another party
// unnoticed.
type Destination struct {
	Halo string // e.g. "https://x.halopsa.com:443"
	Auth string // "" when the authorisation server is discovered from Halo
	CA   string // hex SHA-256 of the CA file's bytes; "" when none
	// Found is the origin the discovered authorisation server had at the
	// secret's first use (see Client's login): "" until then, and always
	// with a hand-set Auth. It is the one part the settings alone do not
	// decide.
	Found string
}

// String is the canonical form stored with a profile. A destination
// without Found is written as versions before Found wrote it, so their
// seals still verify.
func (d Destination) String() string {
	if d.Halo == "" {
		return "" // bound to nowhere: ParseDestination rejects it
	}
	s := "halo=" + d.Halo + " auth=" + d.Auth + " ca=" + d.CA
	if d.Found != "" {
		s += " found=" + d.Found
	}
	return s
}

// ParseDestination reads what String wrote; ok is false for anything else
// (an empty or edited value), which then matches no real destination.
func ParseDestination(s string) (d Destination, ok bool) {
	f := strings.Split(s, " ")
	keys := []string{"halo=", "auth=", "ca=", "found="}
	if len(f) != 3 && len(f) != 4 {
		return Destination{}, false
	}
	for i := range f {
		v, found := strings.CutPrefix(f[i], keys[i])
		if !found {
			return Destination{}, false
		}
		f[i] = v
	}
	if f[0] == "" || len(f) == 4 && f[3] == "" {
		return Destination{}, false
	}
	d = Destination{Halo: f[0], Auth: f[1], CA: f[2]}
	if len(f) == 4 {
		d.Found = f[3]
	}
	return d, true
}

// Settings is d without what discovery found: the part a profile's
// settings decide, which changes only when they do.
func (d Destination) Settings() Destination {
	d.Found = ""
	return d
}

// Describe names the destination in words for messages.
func (d Destination) Describe() string {
	if d.Halo == "" {
		return "an unrecorded destination"
	}
	s := shortOrigin(d.Halo)
	if d.Auth != "" {
		s += " with the authorisation server " + shortOrigin(d.Auth)
	}
	if d.Found != "" && d.Found != d.Halo {
		s += " with the authorisation server " + shortOrigin(d.Found) + " (named by Halo's login discovery)"
	}
	if d.CA != "" {
		s += " trusting the CA file with SHA-256 " + d.CA[:min(12, len(d.CA))] + "…"
	}
	return s
}

// shortOrigin is an origin without its default port.
func shortOrigin(o string) string {
	return strings.TrimSuffix(strings.TrimSuffix(o, ":443"), ":80")
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

// SecretBinding ties a stored secret to the destination it was entered
// for. Seal is an HMAC-SHA256 of the destination keyed by the secret
// itself, so the binding cannot be forged or moved by editing the
// database without knowing the secret, and it reveals nothing usable
// about the secret (a Halo secret has over 200 bits of entropy). Dest is
// the recorded destination; only its Found is read (the rest comes from
// the settings), and it is checked by the seal like the rest.
//
// Record stores now, the binding with Found filled in at the secret's
// first use, in place of the binding sealed as was. When the stored
// binding is no longer that one (another window or command recorded,
// stored or confirmed one meanwhile: a profile read earlier is stale), it
// stores nothing and returns the stored binding, and the login decides
// again with it. Without Record a first use cannot be recorded, and the
// secret is not sent.
type SecretBinding struct {
	Dest   Destination
	Seal   string
	Record func(ctx context.Context, was string, now SecretBinding) (stored *SecretBinding, err error)
}

// Holds reports whether b binds secret to the destination the settings
// now lead to, whatever discovery finds later: the seal must match now's
// settings with the recorded Found. Off the network, this is the most
// that can be known (the Connection screen's copy button asks it).
func (b SecretBinding) Holds(now Destination, secret string) bool {
	rec := now.Settings()
	rec.Found = b.Dest.Found
	return rec.Sealed(secret, b.Seal)
}

// Seal binds secret to d.
func (d Destination) Seal(secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("halo-assistant secret destination v1\n" + d.String()))
	return "v1:" + hex.EncodeToString(m.Sum(nil))
}

// Sealed reports whether seal binds secret to d.
func (d Destination) Sealed(secret, seal string) bool {
	return seal != "" && hmac.Equal([]byte(d.Seal(secret)), []byte(seal))
}

// DestinationChangedError: the connection now points somewhere other than
// where its Client Secret was entered for, so the secret is withheld. Was
// is the zero Destination when no binding was recorded (a secret stored
// by an older version, or an edited database).
type DestinationChangedError struct {
	Was, Now Destination
}

func (e *DestinationChangedError) Error() string {
	if e.AuthServerMoved() {
		return fmt.Sprintf("Halo's login discovery (%s) now names the authorisation server %s, but this profile's Client Secret "+
			"was sent to %s until now. The secret was not sent.", authInfoPath, shortOrigin(e.Now.Found), shortOrigin(e.Was.Found))
	}
	if e.Was.Halo == "" {
		return fmt.Sprintf("It is not recorded where this profile's Client Secret may be sent (it was stored by an older "+
			"version, or the record was changed), so it was not sent to %s.", e.Now.Describe())
	}
	return fmt.Sprintf("The connection changed since its Client Secret was entered: the secret was entered for %s, "+
		"and the settings now point to %s. The secret was not sent.", e.Was.Describe(), e.Now.Describe())
}

// AuthServerMoved reports a change of the discovered authorisation server
// alone: the settings still lead where the secret was entered for.
func (e *DestinationChangedError) AuthServerMoved() bool {
	return e.Was.Halo != "" && e.Was.Settings() == e.Now.Settings() && e.Was.Found != "" && e.Was.Found != e.Now.Found
}

// secretMayGo decides, before a token request carries the secret, whether
// it may go where this login sends it (ai, from discovery). At the first
// use the discovered server is recorded before the request leaves; when
// the stored binding changed meanwhile, the decision is made again with
// the one stored. Runs under tokMu.
func (c *Client) secretMayGo(ctx context.Context, ai AuthInfo) error {
	now := c.dest
	if c.dest.Auth == "" {
		if u, err := url.Parse(ai.TokenURL); err == nil {
			now.Found = origin(u)
		}
	}
	for tries := 0; ; tries++ {
		b := c.cfg.SecretFor
		if b == nil {
			return nil // a secret given with these very settings (ad-hoc check)
		}
		first, err := c.mayGo(*b, now)
		if err != nil || !first {
			return err
		}
		if b.Record == nil {
			return newError(KindConfig, AdviceDestinationChanged, "Where the Client Secret may be sent cannot be recorded here, so it was not sent.", nil)
		}
		rec := SecretBinding{Dest: now, Seal: now.Seal(c.cfg.ClientSecret), Record: b.Record}
		stored, err := b.Record(ctx, b.Seal, rec)
		switch {
		case err != nil:
			return newError(KindConfig, AdviceDestinationChanged, "The authorisation server the Client Secret is sent to could not be recorded, "+
				"so the secret was not sent: "+err.Error(), err)
		case stored == nil:
			c.log.Info("halo auth server recorded for the secret", "auth_origin", now.Found)
			c.cfg.SecretFor = &rec
			return nil
		case tries > 0:
			return newError(KindConfig, AdviceDestinationChanged, "Where the Client Secret may be sent keeps changing (another window or "+
				"command is storing it), so it was not sent: run this again.", nil)
		}
		c.cfg.SecretFor = &SecretBinding{Dest: stored.Dest, Seal: stored.Seal, Record: b.Record}
	}
}

// mayGo is the rule for one binding b and the destination now the login
// leads to: the seal must bind the secret to now's settings with the
// recorded Found. A hand-set authorisation server is part of the settings.
// Otherwise the discovered server's origin must be the one recorded, or
// the Halo URL's own origin (bound anyway); first is true when none is
// recorded yet (a new secret, or one stored before Found existed): then
// it is recorded, and from then on a change is treated like a change of
// URL.
func (c *Client) mayGo(b SecretBinding, now Destination) (first bool, err error) {
	rec := c.dest
	rec.Found = b.Dest.Found
	switch {
	case !rec.Sealed(c.cfg.ClientSecret, b.Seal):
		return false, destinationError(b.Dest, now)
	case c.dest.Auth != "", now.Found == rec.Found, rec.Found != "" && now.Found == c.dest.Halo:
		return false, nil
	case rec.Found != "":
		return false, destinationError(rec, now)
	}
	return true, nil
}

func destinationError(was, now Destination) *Error {
	e := newError(KindConfig, AdviceDestinationChanged, "", &DestinationChangedError{Was: was, Now: now})
	if e.Err.(*DestinationChangedError).AuthServerMoved() {
		a := AdviceFor(AdviceAuthServerMoved)
		e.Fix = a.Fix
	}
	e.Message = e.Err.Error()
	return e
}
