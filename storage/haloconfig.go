package storage

import (
	"context"
	"log/slog"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
)

// HaloConfig is the Halo client configuration of a profile, for both
// front-ends: its connection settings, the given secret, the app's user
// agent and log. It lives here, next to Profile, because turning a stored
// profile into a connection is a fact about the profile, not about either
// front-end; the GUI and the CLI are peers and import neither each other.
//
// A stored profile's secret goes only where it was entered for: the
// configuration carries its binding, and db records the authorisation
// server discovery names at the secret's first use (halo.SecretBinding).
// A profile that is not stored (ID 0: Detect, the ad-hoc check) is bound
// to nothing: its secret, if any, was given with these very settings.
func (db *DB) HaloConfig(p Profile, secret string, log *slog.Logger) halo.Config {
	cfg := p.AdHocConfig(secret, log)
	// Bulk work (contacts audit, fix, undo, sync) takes the profile's share
	// of Halo's rate limit (0: the app's default).
	cfg.RateShare = p.RateShare
	if p.ID != 0 {
		dest, _ := halo.ParseDestination(p.SecretDest)
		cfg.SecretFor = &halo.SecretBinding{Dest: dest, Seal: p.SecretSeal,
			Record: func(ctx context.Context, was string, now halo.SecretBinding) (*halo.SecretBinding, error) {
				return db.recordBinding(ctx, p, was, now)
			}}
	}
	return cfg
}

// AdHocConfig is the configuration of connection settings that are not a
// stored profile's (the ad-hoc `check --url`): without a binding, since
// the secret comes with them. Stored profiles use DB.HaloConfig.
func (p Profile) AdHocConfig(secret string, log *slog.Logger) halo.Config {
	cfg := p.connection()
	cfg.ClientSecret, cfg.Logger = secret, log
	cfg.UserAgent = assets.Binary + "/" + assets.Version
	return cfg
}

// connection is the profile's connection settings alone.
func (p Profile) connection() halo.Config {
	return halo.Config{URL: p.HaloURL, ClientID: p.ClientID, Tenant: p.Tenant, AuthURL: p.AuthURL, Scope: p.Scope, CAFile: p.CAFile}
}

// Destination is where the profile's settings send a secret (the part
// they decide: halo.Destination.Settings). It reads the CA file.
func (p Profile) Destination() (halo.Destination, error) {
	return halo.DestinationOf(p.connection())
}
