package storage_test

import (
	"testing"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// Profile.HaloConfig is what the CLI and the GUI both connect with: every stored
// connection setting, the secret, the app's user agent and log.
func TestHaloConfigCarriesTheWholeProfile(t *testing.T) {
	log := applog.Discard()
	p := storage.Profile{HaloURL: "https://x.halopsa.com", ClientID: "id", Tenant: "t", AuthURL: "https://auth.example",
		Scope: "all", CAFile: "/ca.pem"}
	c := p.HaloConfig("s3cret", log)
	if c.URL != p.HaloURL || c.ClientID != p.ClientID || c.ClientSecret != "s3cret" || c.Tenant != p.Tenant ||
		c.AuthURL != p.AuthURL || c.Scope != p.Scope || c.CAFile != p.CAFile ||
		c.UserAgent != assets.Binary+"/"+assets.Version || c.Logger != log {
		t.Fatalf("HaloConfig = %+v", c)
	}
}
