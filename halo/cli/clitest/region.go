package clitest

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/cli"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// RegionSetup is a profile before a contacts audit, for the rule that
// chooses the region its numbers are read in: a Halo to audit, the
// profile's own region and its last audit's ("" none), and the locale
// (LANG) of the environment.
type RegionSetup struct {
	HaloURL, ClientID, Secret string
	Profile, LastAudit        string
	Lang                      string
}

// Getenv is the setup's environment.
func (s RegionSetup) Getenv(k string) string {
	if k == "LANG" {
		return s.Lang
	}
	return ""
}

// SeedRegionProfile stores the setup's profile "P" in db with its secret
// in secrets and, when it has one, a last audit (no contacts) for
// LastAudit.
func SeedRegionProfile(t testing.TB, db *storage.DB, secrets storage.Secrets, s RegionSetup) storage.Profile {
	t.Helper()
	ctx := context.Background()
	p, err := db.CreateProfile(ctx, storage.Profile{Name: "P", HaloURL: s.HaloURL, ClientID: s.ClientID, Region: s.Profile})
	if err != nil {
		t.Fatal(err)
	}
	if err := storage.StoreSecret(ctx, db, secrets, p, s.Secret, ""); err != nil {
		t.Fatal(err)
	}
	if s.LastAudit != "" {
		at := time.Now().Add(-time.Hour)
		if err := db.ReplaceContacts(ctx, storage.ContactsSnapshot{ProfileID: p.ID, PulledAt: at, Region: s.LastAudit},
			storage.ContactsSummary{}); err != nil {
			t.Fatal(err)
		}
	}
	if p, err = db.Profile(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	return p
}

// AuditRegion runs `contacts audit --profile P [--region flag] --json` on
// the setup and returns the region the audit read numbers for, or, when
// the command refused its input (exit 2), what it said.
func AuditRegion(t testing.TB, s RegionSetup, flag string) (region, refused string) {
	t.Helper()
	dir := t.TempDir()
	db, err := storage.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	secrets := storage.NewMemorySecrets()
	SeedRegionProfile(t, db, secrets, s)
	args := []string{"--data-dir", dir, "contacts", "audit", "--profile", "P", "--json"}
	if flag != "" {
		args = append(args, "--region", flag)
	}
	var out, errb bytes.Buffer
	code := cli.Main(args, cli.Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: s.Getenv,
		Secrets: func(string) storage.Secrets { return secrets },
		Logger:  applog.Discard(),
	})
	switch code {
	case cli.ExitOK, cli.ExitFailed: // audited; exit 1 says it found problems
	case cli.ExitUsage:
		return "", errb.String()
	default:
		t.Fatalf("clitest: contacts audit: exit %d\n%s%s", code, out.String(), errb.String())
	}
	var a struct {
		Region string `json:"region"`
	}
	if err := json.Unmarshal(out.Bytes(), &a); err != nil || a.Region == "" {
		t.Fatalf("clitest: contacts audit --json: %v\n%s%s", err, out.String(), errb.String())
	}
	return a.Region, ""
}
