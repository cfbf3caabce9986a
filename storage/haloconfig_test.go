package storage_test

import (
	"context"
	"testing"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// DB.HaloConfig is what the CLI and the GUI both connect with: every stored
// connection setting, the secret, the app's user agent and log, and for a
// stored profile the secret's binding with a way to record it.
func TestHaloConfigCarriesTheWholeProfile(t *testing.T) {
	log := applog.Discard()
	db, err := storage.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := storage.Profile{HaloURL: "https://x.halopsa.com", ClientID: "id", Tenant: "t", AuthURL: "https://auth.example",
		Scope: "all", CAFile: "/ca.pem"}
	c := db.HaloConfig(p, "s3cret", log)
	if c.URL != p.HaloURL || c.ClientID != p.ClientID || c.ClientSecret != "s3cret" || c.Tenant != p.Tenant ||
		c.AuthURL != p.AuthURL || c.Scope != p.Scope || c.CAFile != p.CAFile ||
		c.UserAgent != assets.Binary+"/"+assets.Version || c.Logger != log || c.SecretFor != nil {
		t.Fatalf("HaloConfig = %+v", c)
	}
	p.ID = 7
	if b := db.HaloConfig(p, "s3cret", log).SecretFor; b == nil || b.Record == nil {
		t.Fatalf("a stored profile's config has no binding to record: %+v", b)
	}
	if p.AdHocConfig("s3cret", log).SecretFor != nil {
		t.Fatal("an ad-hoc config carries a binding")
	}
}
