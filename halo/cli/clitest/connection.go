package clitest

import (
	"context"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// ConnectionResult is what a profile command made of connection values.
type ConnectionResult struct {
	Result
	Profile      storage.Profile // as stored afterwards (zero when none was created)
	SecretStored bool
}

// connArgs are v as the flags of profile add/set; the secret goes through
// --secret-stdin.
func connArgs(v halo.ConnectionValues) (args []string, stdin string) {
	for _, f := range []struct{ flag, value string }{
		{"--url", v.URL}, {"--client-id", v.ClientID}, {"--tenant", v.Tenant},
		{"--auth-url", v.AuthURL}, {"--scope", v.Scope}, {"--ca-file", v.CAFile},
	} {
		if f.value != "" {
			args = append(args, f.flag, f.value)
		}
	}
	if v.Secret != "" {
		args = append(args, "--secret-stdin")
	}
	return args, v.Secret
}

// AddProfile runs `profile add P` with v as its flags in a fresh data
// directory.
func AddProfile(t testing.TB, v halo.ConnectionValues) ConnectionResult {
	t.Helper()
	dir, secrets := t.TempDir(), storage.NewMemorySecrets()
	args, stdin := connArgs(v)
	r := runCLI(dir, secrets, stdin, append([]string{"profile", "add", "P"}, args...)...)
	return outcome(t, dir, secrets, r)
}

// SetConnection adds profile P with the values before (its secret stored
// and bound to them, as `profile add --secret-stdin` does), then runs
// `profile set P` with the values after as its flags.
func SetConnection(t testing.TB, before, after halo.ConnectionValues) ConnectionResult {
	t.Helper()
	dir, secrets := t.TempDir(), storage.NewMemorySecrets()
	args, stdin := connArgs(before)
	if r := runCLI(dir, secrets, stdin, append([]string{"profile", "add", "P"}, args...)...); r.Code != 0 {
		t.Fatalf("clitest: profile add: %+v", r)
	}
	args, stdin = connArgs(after)
	r := runCLI(dir, secrets, stdin, append([]string{"profile", "set", "P"}, args...)...)
	return outcome(t, dir, secrets, r)
}

func outcome(t testing.TB, dir string, secrets *storage.MemorySecrets, r Result) ConnectionResult {
	t.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := ConnectionResult{Result: r}
	if p, err := db.ProfileByName(ctx, "P"); err == nil {
		out.Profile, out.SecretStored = p, secrets.Has(p.ID)
	}
	return out
}
