package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// keyringService separates demo secrets from real ones.
func (r *runner) keyringService() string {
	if r.demo {
		return assets.AppID + ".demo"
	}
	return assets.AppID
}

// secrets is the keyring, recording in the database (when open) whether
// each profile has a secret.
func (r *runner) secrets() storage.Secrets {
	var s storage.Secrets = storage.Keyring{Service: r.keyringService()}
	if r.env.Secrets != nil {
		s = r.env.Secrets(r.keyringService())
	}
	if r.db != nil {
		return r.db.TrackSecrets(s)
	}
	return s
}

// secretEnv is the environment variable an explicit --secret-from-env
// reads the Client Secret from.
const secretEnv = "HALO_CLIENT_SECRET"

// Where an explicit Client Secret came from, as the commands report it.
const (
	sourceStdin = "standard input"
	sourceEnv   = "env " + secretEnv
)

// explicitSecret reads the Client Secret from the source the user named
// (--secret-stdin or --secret-from-env), never from an argument; source is
// "" when none was named. An ambient HALO_CLIENT_SECRET alone is no source:
// with many customers' profiles it would land on the wrong one.
func (r *runner) explicitSecret(c connFlags) (secret, source string, err error) {
	switch {
	case *c.secretStdin && *c.secretFromEnv:
		return "", "", usagef("give either --secret-stdin or --secret-from-env, not both")
	case *c.secretStdin:
		s, err := r.readSecretStdin()
		return s, sourceStdin, err
	case *c.secretFromEnv:
		s := r.envSecret()
		if s == "" {
			return "", "", usagef("--secret-from-env was given but %s is empty or not set", secretEnv)
		}
		return s, sourceEnv, nil
	}
	return "", "", nil
}

// envSecret is HALO_CLIENT_SECRET, registered with the log redactor.
func (r *runner) envSecret() string {
	s := strings.TrimSpace(r.env.Getenv(secretEnv))
	applog.AddSecret(s)
	return s
}

// readSecretStdin reads the secret from standard input; on a terminal it
// prompts and reads without echo.
func (r *runner) readSecretStdin() (string, error) {
	var s string
	if f, ok := r.env.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(r.env.Stderr, "Client Secret (not shown): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(r.env.Stderr)
		if err != nil {
			return "", fmt.Errorf("reading the secret from the terminal: %w", err)
		}
		s = string(b)
	} else {
		b, err := io.ReadAll(io.LimitReader(r.env.Stdin, 8<<10))
		if err != nil {
			return "", fmt.Errorf("reading the secret from standard input: %w", err)
		}
		s = string(b)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return "", usagef("--secret-stdin was given but no secret was read")
	}
	applog.AddSecret(s)
	return s, nil
}

// profileSecret is the Client Secret of a profile, for every command that
// takes --profile: always the profile's own keyring entry. Neither the
// environment nor a flag can replace it, so one customer's secret is never
// sent to another customer's Halo.
func (r *runner) profileSecret(ctx context.Context, p storage.Profile) (string, error) {
	if r.env.Getenv(secretEnv) != "" {
		fmt.Fprintf(r.env.Stderr, "note: %s is ignored with --profile: %q uses its own Client Secret from the keyring\n", secretEnv, p.Name)
	}
	s, err := r.secrets().Get(ctx, p.ID)
	applog.AddSecret(s)
	if errors.Is(err, storage.ErrSecretNotFound) {
		return "", fmt.Errorf("profile %q has no Client Secret in the keyring: store it with "+
			"'halo-assistant profile set %q --secret-stdin' or the app's Connection screen", p.Name, p.Name)
	}
	if err != nil {
		return "", err
	}
	return s, nil
}

// probeKeyring reports an unreachable keyring before anything is changed.
func (r *runner) probeKeyring(ctx context.Context) error {
	if p, ok := r.secrets().(interface{ Probe(context.Context) error }); ok {
		return p.Probe(ctx)
	}
	return nil
}
