package gui

import (
	"context"
	"errors"
	"fmt"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// The one way the screens reach Halo for a saved profile: its secret read
// from the keyring off the UI goroutine, a missing one explained, the
// client made as the CLI makes it.

// errNoSecret is a profile without a stored Client Secret; noSecretText
// says what to do about it.
var errNoSecret = errors.New("no Client Secret is stored for this profile")

const noSecretText = "No Client Secret is stored for this profile: enter it on the Connection screen and save, then try again."

// haloConfig is the client configuration for a saved profile, with the
// test hook (Env.Configure) applied.
func (u *UI) haloConfig(p storage.Profile, secret string) halo.Config {
	cfg := u.env.DB.HaloConfig(p, secret, u.env.Log) // storage's, so both front-ends reach Halo alike
	if u.env.Configure != nil {
		u.env.Configure(&cfg)
	}
	return cfg
}

// readSecret reads a profile's secret (off the UI goroutine) and registers
// it for log redaction. A missing secret is "" without error.
func readSecret(ctx context.Context, env *Env, profileID int64) (string, error) {
	secret, err := env.Secrets.Get(ctx, profileID)
	if errors.Is(err, storage.ErrSecretNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	applog.AddSecret(secret)
	return secret, nil
}

// profileConfig is p's client configuration with its secret (off the UI
// goroutine). A missing secret leaves ClientSecret empty: the systems
// check says so in its own words; profileClient refuses it.
func (u *UI) profileConfig(ctx context.Context, p storage.Profile) (halo.Config, error) {
	secret, err := readSecret(ctx, u.env, p.ID)
	if err != nil {
		return halo.Config{}, fmt.Errorf("reading the Client Secret from the keyring failed: %w", err)
	}
	return u.haloConfig(p, secret), nil
}

// profileClient is a Halo client for p (off the UI goroutine): errNoSecret
// without a stored secret. adjust, when set, changes the configuration
// first (progress and wait hooks).
func (u *UI) profileClient(ctx context.Context, p storage.Profile, adjust func(*halo.Config)) (*halo.Client, error) {
	cfg, err := u.profileConfig(ctx, p)
	if err != nil {
		return nil, err
	}
	if cfg.ClientSecret == "" {
		return nil, errNoSecret
	}
	if adjust != nil {
		adjust(&cfg)
	}
	return halo.NewClient(cfg)
}
