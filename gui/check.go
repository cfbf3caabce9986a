package gui

import (
	"context"
	"errors"
	"image/color"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

var transparent color.Color = color.Transparent

// runAndStoreCheck runs the systems check for p with cfg (which carries the
// secret) and records it, as the CLI does.
func runAndStoreCheck(ctx context.Context, db *storage.DB, p storage.Profile, cfg halo.Config,
	progress func(halo.CheckResult)) (halo.Report, storage.Run, error) {
	rep := halo.RunCheck(ctx, cfg, progress)
	run, err := storage.SaveCheckRun(ctx, db, p.ID, rep)
	return rep, run, err
}

// haloConfig is the client configuration for a saved profile, with the
// test hook (Env.Configure) applied.
func (u *UI) haloConfig(p storage.Profile, secret string) halo.Config {
	cfg := p.HaloConfig(secret, u.env.Log) // storage's, so both front-ends reach Halo alike
	if u.env.Configure != nil {
		u.env.Configure(&cfg)
	}
	return cfg
}

// readSecret reads a profile's secret (off the UI goroutine) and registers
// it for log redaction. A missing secret is "" without error: the check then
// says so in its own words.
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
