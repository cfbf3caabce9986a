package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

const profileUsage = `profile add NAME [--url URL] [--client-id ID] [--tenant T] [--auth-url URL] [--scope S] [--ca-file PEM] [--region CC] [--fix-format e164|national] [--rate-share PCT] [--secret-stdin | --secret-from-env]
       halo-assistant profile set NAME [--url URL] [--client-id ID] [--tenant T] [--auth-url URL] [--scope S] [--ca-file PEM] [--region CC] [--fix-format e164|national] [--rate-share PCT] [--secret-stdin | --secret-from-env | --keep-secret]
       halo-assistant profile list [--json]
       halo-assistant profile rename NAME NEW-NAME
       halo-assistant profile remove NAME [--force]`

func runProfile(ctx context.Context, r *runner, args []string) error {
	return dispatch(ctx, r, args, profileUsage, []subcommand{
		{[]string{"add"}, profileAdd},
		{[]string{"set"}, profileSet},
		{[]string{"list"}, profileList},
		{[]string{"rename"}, profileRename},
		{[]string{"remove", "rm", "delete"}, profileRemove},
	})
}

// connFlags are the connection settings shared by profile add and check.
type connFlags struct {
	url, clientID, tenant, authURL, scope, caFile *string
	secretStdin, secretFromEnv                    *bool
}

func addConnFlags(fs interface {
	String(string, string, string) *string
	Bool(string, bool, string) *bool
}) connFlags {
	return connFlags{
		url:         fs.String("url", "", "Halo URL (anything the browser shows, e.g. https://x.halopsa.com)"),
		clientID:    fs.String("client-id", "", "Client ID of the Halo API application (1stream \"API Key\")"),
		tenant:      fs.String("tenant", "", "tenant (hosted Halo; detected from the instance when empty)"),
		authURL:     fs.String("auth-url", "", "authorisation server URL (on-premise or trial instances)"),
		scope:       fs.String("scope", "", "OAuth scope (default \"all\")"),
		caFile:      fs.String("ca-file", "", "PEM file with the CA of an on-premise Halo"),
		secretStdin: fs.Bool("secret-stdin", false, "read the Client Secret from standard input"),
		secretFromEnv: fs.Bool("secret-from-env", false, "take the Client Secret from env "+secretEnv+
			" (profile add/set store a secret only from this flag or --secret-stdin)"),
	}
}

// noteUnusedEnvSecret tells profile add/set that an ambient
// HALO_CLIENT_SECRET was deliberately not stored.
func (r *runner) noteUnusedEnvSecret(source string) {
	if source == "" && r.env.Getenv(secretEnv) != "" {
		fmt.Fprintf(r.env.Stderr, "note: %s is set but was not stored; to store it, add --secret-from-env\n", secretEnv)
	}
}

// applyConn is what profile add and set do with their flags: copy the
// connection settings onto p and read the explicit secret, if any.
func (r *runner) applyConn(cf connFlags, p *storage.Profile) (secret, source string, err error) {
	if err := r.apply(cf, p); err != nil {
		return "", "", err
	}
	if secret, source, err = r.explicitSecret(cf); err != nil {
		return "", "", err
	}
	if _, err := r.checkConn(halo.ConnectionValues{Secret: secret}, source); err != nil {
		return "", "", err
	}
	r.noteUnusedEnvSecret(source)
	return secret, source, nil
}

func profileAdd(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("profile add", profileUsage)
	cf := addConnFlags(fs)
	region := profileRegionFlag(fs)
	fix := addFixSettingFlags(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want exactly one profile NAME, got %d arguments (quote names with spaces)", len(pos))
	}
	p := storage.Profile{Name: pos[0]}
	secret, source, err := r.applyConn(cf, &p)
	if err != nil {
		return err
	}
	if err := applyProfileRegion(*region, &p); err != nil {
		return err
	}
	if err := fix.apply(&p); err != nil {
		return err
	}
	if secret != "" {
		// Find out before creating anything that the secret has nowhere to go.
		if err := r.probeKeyring(ctx); err != nil {
			return err
		}
	}
	p, err = r.db.CreateProfile(ctx, p)
	if err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "Created profile %q.\n", p.Name)
	if secret == "" {
		return nil
	}
	if err := storeSecret(ctx, r, p, secret); err != nil {
		// The profile is kept: everything but the check works without it.
		return fmt.Errorf("profile %q was created, but storing its Client Secret failed (store it again with "+
			"'halo-assistant profile set %q --secret-stdin'): %w", p.Name, p.Name, err)
	}
	fmt.Fprintf(r.env.Stdout, "Client Secret from %s stored in the system keyring.\n", source)
	return nil
}

func storeSecret(ctx context.Context, r *runner, p storage.Profile, secret string) error {
	return storage.StoreSecret(ctx, r.db, r.secrets(), p, secret, "")
}

// profileJSON is the `profile list --json` contract.
type profileJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	HaloURL   string    `json:"halo_url"`
	ClientID  string    `json:"client_id"`
	Tenant    string    `json:"tenant"`
	AuthURL   string    `json:"auth_url"`
	Scope     string    `json:"scope"`
	CAFile    string    `json:"ca_file"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Region    string    `json:"region"`     // "" = the OS locale's
	FixFormat string    `json:"fix_format"` // e164 or national
	RateShare int       `json:"rate_share"` // percent; 0 = the default
}

func profileList(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("profile list", "profile list [--json]")
	asJSON := fs.jsonFlag("")
	if err := fs.parseNoArgs(args); err != nil {
		return err
	}
	ps, err := r.db.Profiles(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]profileJSON, 0, len(ps))
		for _, p := range ps {
			out = append(out, profileJSON{p.ID, p.Name, p.HaloURL, p.ClientID, p.Tenant, p.AuthURL, p.Scope, p.CAFile, p.CreatedAt.UTC(), p.UpdatedAt.UTC(), p.Region,
				p.FixFormat, p.RateShare})
		}
		return writeJSON(r, out)
	}
	if len(ps) == 0 {
		fmt.Fprintln(r.env.Stdout, "No profiles yet. Create one with: halo-assistant profile add NAME --url https://x.halopsa.com")
		return nil
	}
	tw := tabwriter.NewWriter(r.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tHALO URL\tCLIENT ID\tTENANT")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, dash(p.HaloURL), dash(p.ClientID), dash(p.Tenant))
	}
	return tw.Flush()
}

func profileRename(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("profile rename", "profile rename NAME NEW-NAME")
	p, pos, err := r.profileArgs(ctx, fs, args, 2, "want NAME and NEW-NAME")
	if err != nil {
		return err
	}
	if err := r.db.RenameProfile(ctx, p.ID, pos[1]); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stdout, "Renamed %q to %q.\n", p.Name, pos[1])
	return nil
}

func profileSet(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("profile set", profileUsage)
	cf := addConnFlags(fs)
	keep := fs.Bool("keep-secret", false, "confirm that the stored Client Secret may be sent to the profile's (new) URL, authorisation server and CA file")
	region := profileRegionFlag(fs)
	fix := addFixSettingFlags(fs)
	p, _, err := r.profileArgs(ctx, fs, args, 1, "want exactly one profile NAME")
	if err != nil {
		return err
	}
	before := p
	secret, source, err := r.applyConn(cf, &p)
	if err != nil {
		return err
	}
	if err := applyProfileRegion(*region, &p); err != nil {
		return err
	}
	if err := fix.apply(&p); err != nil {
		return err
	}
	if *keep && secret != "" {
		return usagef("--keep-secret keeps the stored Client Secret: it cannot be combined with a new one from %s", source)
	}
	if p == before && secret == "" && !*keep {
		return usagef("nothing to change: give connection flags, --region, --fix-format, --rate-share, --secret-stdin, --secret-from-env or --keep-secret")
	}
	if p != before {
		if err := r.db.UpdateConnection(ctx, p); err != nil {
			return err
		}
		fmt.Fprintf(r.env.Stdout, "Updated the connection of %q.\n", p.Name)
	}
	switch {
	case secret != "":
		if err := storeSecret(ctx, r, p, secret); err != nil {
			return err
		}
		fmt.Fprintf(r.env.Stdout, "Client Secret from %s stored in the system keyring.\n", source)
	case *keep:
		dest, err := storage.KeepSecret(ctx, r.db, r.secrets(), p)
		if err != nil {
			return fmt.Errorf("the stored Client Secret could not be confirmed for %s: %w", dest.Describe(), err)
		}
		fmt.Fprintf(r.env.Stdout, "The stored Client Secret may now be sent to %s.\n", dest.Describe())
	default:
		r.noteSecretDestination(ctx, before, p)
	}
	return nil
}

// noteSecretDestination warns when this change moved the connection away
// from where the stored secret was entered for (storage.SecretLeftBehind,
// the rule the Connection screen's Save asks by): it will not be sent
// until the admin says so (the check would fail at "Client ID and Secret").
func (r *runner) noteSecretDestination(ctx context.Context, before, p storage.Profile) {
	left, err := storage.SecretLeftBehind(ctx, r.db, before, p)
	if err != nil || left == nil {
		return
	}
	fmt.Fprintf(r.env.Stderr, "note: the stored Client Secret was entered for %s and will not be sent to %s until you "+
		"enter it again (--secret-stdin or --secret-from-env) or confirm it with 'halo-assistant profile set %q --keep-secret'.\n",
		left.Was.Describe(), left.Now.Describe(), p.Name)
}

func profileRemove(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("profile remove", "profile remove NAME [--force]")
	force := fs.Bool("force", false, "remove the profile even if its Client Secret cannot be removed from the keyring")
	p, _, err := r.profileArgs(ctx, fs, args, 1, "want exactly one profile NAME")
	if err != nil {
		return err
	}
	runs, _, err := r.db.JournalSize(ctx, p.ID)
	if err != nil {
		return err
	}
	// storage's rule: the secret first, then the profile, audited alike
	// in both front-ends.
	secretErr, err := storage.DeleteProfileWithSecret(ctx, r.db, r.secrets(), p, *force)
	if err != nil {
		return err
	}
	if secretErr != nil && !*force {
		return fmt.Errorf("nothing was removed: the Client Secret of %q could not be removed from the keyring: %w\n"+
			"Fix the keyring and try again, or use --force to remove the profile and leave the secret in the keyring", p.Name, secretErr)
	}
	if secretErr != nil {
		fmt.Fprintf(r.env.Stderr, "warning: the Client Secret stays in the keyring (service %s, account %d): %v\n",
			r.keyringService(), p.ID, secretErr)
	}
	fmt.Fprintf(r.env.Stdout, "Removed profile %q.\n", p.Name)
	if runs > 0 {
		fmt.Fprintf(r.env.Stdout, "Its journal of %s written to Halo is gone with it: undo is no longer possible for them.\n",
			halo.CountOf(runs, "contacts fix", "contacts fixes"))
	}
	return nil
}

// fixSettingFlags are profile add/set's contacts-fix settings.
type fixSettingFlags struct{ format, share *string }

func addFixSettingFlags(fs *flagSet) fixSettingFlags {
	return fixSettingFlags{
		format: fs.String("fix-format", "", "format contacts fix rewrites numbers to: e164 (default) or national"),
		share: fs.String("rate-share", "", fmt.Sprintf("percentage of Halo's rate limit bulk work takes, %d-100 (default %d; \"-\" resets it)",
			halo.MinRateShare, halo.DefaultRateShare)),
	}
}

// apply sets p's fix settings from the flags given ("" leaves a setting).
func (f fixSettingFlags) apply(p *storage.Profile) error {
	if v := strings.TrimSpace(*f.format); v != "" {
		format, err := contacts.ParseFormat(v)
		if err != nil {
			return usagef("--fix-format: %v", err)
		}
		p.FixFormat = string(format)
	}
	switch v := strings.TrimSpace(*f.share); v {
	case "":
	case "-":
		p.RateShare = 0
	default:
		n, err := strconv.Atoi(strings.TrimSuffix(v, "%"))
		if err != nil || checkRateShare(n) != nil || n == 0 {
			return usagef("--rate-share %q is not a share of Halo's rate limit: give a percentage from %d to 100, or - for the default", v, halo.MinRateShare)
		}
		p.RateShare = n
	}
	return nil
}

// profile opens the database if needed and looks a profile up by name
// with a helpful error.
func (r *runner) profile(ctx context.Context, name string) (storage.Profile, error) {
	if name == "" {
		return storage.Profile{}, usagef("--profile NAME is required")
	}
	if err := r.openDB(ctx); err != nil { // a no-op once open
		return storage.Profile{}, err
	}
	p, err := r.db.ProfileByName(ctx, name)
	if errors.Is(err, storage.ErrNotFound) {
		return p, fmt.Errorf("no profile named %q (see 'halo-assistant profile list')", name)
	}
	return p, err
}

// profileArgs parses a command whose arguments are n names, the first a
// profile's (wrong is the usage error for another count), and resolves it.
func (r *runner) profileArgs(ctx context.Context, fs *flagSet, args []string, n int, wrong string) (storage.Profile, []string, error) {
	pos, err := fs.parse(args)
	if err != nil {
		return storage.Profile{}, nil, err
	}
	if len(pos) != n {
		return storage.Profile{}, nil, usageError{wrong}
	}
	p, err := r.profile(ctx, pos[0])
	return p, pos, err
}
