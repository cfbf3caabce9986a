package cli

import (
	"fmt"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// connFlagNames names each connection value by its flag in messages.
var connFlagNames = map[halo.ConnectionField]string{
	halo.FieldURL: "--url", halo.FieldClientID: "--client-id", halo.FieldTenant: "--tenant",
	halo.FieldAuthURL: "--auth-url", halo.FieldScope: "--scope", halo.FieldCAFile: "--ca-file",
}

// given is what the connection flags say; "" is a flag not given.
func (c connFlags) given() halo.ConnectionValues {
	return halo.ConnectionValues{URL: *c.url, ClientID: *c.clientID, Tenant: *c.tenant, AuthURL: *c.authURL,
		Scope: *c.scope, CAFile: *c.caFile}
}

// checkConn applies halo.ValidateConnection, the rules the Connection
// screen applies, to the values given (v; "" = not given: a profile may
// get its URL later): a refusal of any is a usage error naming its flag
// (or the secret's source), a warning a note on stderr. It returns the
// values as they are stored (the URL canonical, the CA file absolute).
func (r *runner) checkConn(v halo.ConnectionValues, secretSource string) (halo.ConnectionValues, error) {
	out, fe := halo.ValidateConnection(v)
	given := map[halo.ConnectionField]string{halo.FieldURL: v.URL, halo.FieldClientID: v.ClientID, halo.FieldSecret: v.Secret,
		halo.FieldTenant: v.Tenant, halo.FieldAuthURL: v.AuthURL, halo.FieldScope: v.Scope, halo.FieldCAFile: v.CAFile}
	var refused []string
	for _, e := range fe {
		if strings.TrimSpace(given[e.Field]) == "" {
			continue
		}
		name := connFlagNames[e.Field]
		if e.Field == halo.FieldSecret {
			name = "the Client Secret from " + secretSource
		}
		if e.Warning {
			fmt.Fprintf(r.env.Stderr, "note: %s: %s\n", name, e.Message)
			continue
		}
		if e.Field == halo.FieldClientID && halo.ValidateClientID(v.ClientID) != nil {
			applog.AddSecret(strings.TrimSpace(v.ClientID)) // never echoed, never logged
		}
		refused = append(refused, name+": "+e.Message)
	}
	if len(refused) > 0 {
		return out, usageError{strings.Join(refused, "\n")}
	}
	return out, nil
}

// apply copies the given flags onto p, validated by checkConn.
func (r *runner) apply(c connFlags, p *storage.Profile) error {
	v, err := r.checkConn(c.given(), "")
	if err != nil {
		return err
	}
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&p.HaloURL, v.URL)
	set(&p.ClientID, v.ClientID)
	set(&p.Tenant, v.Tenant)
	set(&p.AuthURL, v.AuthURL)
	set(&p.Scope, v.Scope)
	set(&p.CAFile, v.CAFile)
	return nil
}
