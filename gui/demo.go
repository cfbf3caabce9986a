package gui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// demoProfileName is the profile demo mode points at the simulated Halo.
const demoProfileName = "Demo MSP (simulated Halo)"

// setupDemo starts the simulated Halo on 127.0.0.1 and prepares the demo
// profile in env's (demo-only) database: its URL follows the server's new
// port on every start, its Client Secret lives in memory, and the sample
// 1stream users are imported once. Demo mode never touches the OS keyring.
func setupDemo(ctx context.Context, env *Env) (storage.Profile, error) {
	sc := halotest.Demo()
	// A little latency makes the demo behave like a real tenant: the
	// check's rows and the pull visibly progress.
	sc.Latency = 60 * time.Millisecond
	srv := halotest.New(sc)
	p, err := prepareDemoProfile(ctx, env.DB, srv)
	if err != nil {
		srv.Close()
		return storage.Profile{}, fmt.Errorf("preparing demo mode failed: %w", err)
	}
	sec := storage.NewMemorySecrets()
	secret := srv.ClientSecret()
	applog.AddSecret(secret)
	if err := sec.Set(ctx, p.ID, secret); err != nil {
		srv.Close()
		return storage.Profile{}, err
	}
	// The simulator's address changes every start: bind the public secret
	// to it, as storing a real secret would.
	if err := env.DB.BindSecret(ctx, p, secret); err != nil {
		srv.Close()
		return storage.Profile{}, err
	}
	if p, err = env.DB.Profile(ctx, p.ID); err != nil {
		srv.Close()
		return storage.Profile{}, err
	}
	env.Secrets = sec
	env.closers = append(env.closers, srv.Close)
	return p, nil
}

func prepareDemoProfile(ctx context.Context, db *storage.DB, srv *halotest.Server) (storage.Profile, error) {
	p, err := db.ProfileByName(ctx, demoProfileName)
	if errors.Is(err, storage.ErrNotFound) {
		p, err = db.CreateProfile(ctx, storage.Profile{Name: demoProfileName})
	}
	if err != nil {
		return p, err
	}
	p.HaloURL, p.ClientID = srv.URL(), srv.ClientID()
	if p.Region == "" {
		p.Region = "GB" // the simulated contacts' numbers are British
	}
	if err := db.UpdateConnection(ctx, p); err != nil {
		return p, err
	}
	users, err := db.Users(ctx, p.ID)
	if err != nil {
		return p, err
	}
	if len(users) == 0 {
		if err := importDemoUsers(ctx, db, p.ID); err != nil {
			return p, err
		}
	}
	if _, ok, err := db.SelectedProfile(ctx); err != nil {
		return p, err
	} else if !ok {
		if err := db.SetSelectedProfile(ctx, p.ID); err != nil {
			return p, err
		}
	}
	return db.Profile(ctx, p.ID)
}

// importDemoUsers stores the sample 1stream users from assets.
func importDemoUsers(ctx context.Context, db *storage.DB, profileID int64) error {
	prev, err := mapping.ParseUsers(bytes.NewReader(assets.DemoUsersCSV))
	if err != nil {
		return err
	}
	if len(prev.Rejected) > 0 {
		return fmt.Errorf("the sample users file has a bad row (line %d: %s)", prev.Rejected[0].Line, prev.Rejected[0].Reason)
	}
	_, _, err = db.UpsertUsers(ctx, profileID, prev.Users(profileID))
	return err
}
