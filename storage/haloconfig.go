package storage

import (
	"log/slog"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
)

// HaloConfig is the Halo client configuration of a stored profile, for both
// front-ends: its connection settings, the given secret, the app's user
// agent and log. It lives here, next to Profile, because turning a stored
// profile into a connection is a fact about the profile, not about either
// front-end; the GUI and the CLI are peers and import neither each other.
func (p Profile) HaloConfig(secret string, log *slog.Logger) halo.Config {
	cfg := halo.Config{URL: p.HaloURL, ClientID: p.ClientID, ClientSecret: secret, Tenant: p.Tenant,
		AuthURL: p.AuthURL, Scope: p.Scope, CAFile: p.CAFile,
		UserAgent: assets.Binary + "/" + assets.Version, Logger: log,
		// Bulk work (contacts audit, fix, undo, sync) takes the profile's
		// share of Halo's rate limit (0: the app's default).
		RateShare: p.RateShare}
	if p.ID != 0 {
		// A stored profile's secret goes only where it was entered for.
		dest, _ := halo.ParseDestination(p.SecretDest)
		cfg.SecretFor = &halo.SecretBinding{Dest: dest, Seal: p.SecretSeal}
	}
	return cfg
}
