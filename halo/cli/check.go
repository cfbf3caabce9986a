package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

const checkUsage = `check (--profile NAME | --url URL --client-id ID [--tenant T] [--auth-url URL] [--scope S] [--ca-file PEM] [--secret-stdin]) [--json]

Runs the systems check. With --profile the Client Secret comes from the system keyring and a
successful check stores the pulled agents, teams, departments and organisations; with --url the
secret comes from env HALO_CLIENT_SECRET or --secret-stdin and nothing is stored.
Exit code 0 when no check failed, 1 when one failed, 2 on usage errors.`

func runCheck(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("check", checkUsage)
	profileName := fs.String("profile", "", "profile to check (secret from the keyring)")
	cf := addConnFlags(fs)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 0 {
		return usagef("unexpected argument %q", pos[0])
	}

	var (
		cfg     halo.Config
		profile *storage.Profile
	)
	switch {
	case *profileName != "" && *cf.url != "":
		return usagef("give either --profile or --url, not both")
	case *profileName != "":
		p, err := r.profile(ctx, *profileName)
		if err != nil {
			return err
		}
		if err := cf.apply(&p); err != nil { // flags may override a stored setting for this run
			return err
		}
		secret, err := r.profileSecret(ctx, p, *cf.secretStdin)
		if err != nil {
			return err
		}
		cfg = configFor(p, secret)
		profile = &p
	case *cf.url != "":
		if *cf.clientID == "" {
			return usagef("--client-id is required with --url")
		}
		secret, err := r.readSecret(*cf.secretStdin)
		if err != nil {
			return err
		}
		if secret == "" {
			return usagef("no Client Secret: set env HALO_CLIENT_SECRET or pipe it to --secret-stdin")
		}
		cfg = halo.Config{URL: *cf.url, ClientID: *cf.clientID, ClientSecret: secret, Tenant: *cf.tenant,
			AuthURL: *cf.authURL, Scope: *cf.scope, CAFile: *cf.caFile}
	default:
		return usagef("give --profile NAME, or --url and --client-id")
	}
	cfg.UserAgent = assets.Binary + "/" + assets.Version
	cfg.Logger = r.log

	var progress func(halo.CheckResult)
	if !*asJSON {
		fmt.Fprintf(r.env.Stdout, "Systems check of %s\n", cfg.URL)
		progress = func(c halo.CheckResult) {
			if c.Status != halo.StatusRunning {
				printCheck(r.env.Stdout, c)
			}
		}
	}
	rep := halo.RunCheck(ctx, cfg, progress)
	if profile != nil {
		if _, err := storage.RecordCheck(ctx, r.db, profile.ID, rep); err != nil {
			fmt.Fprintf(r.env.Stderr, "warning: the result could not be saved to history: %v\n", err)
		}
	}
	if *asJSON {
		if err := writeJSON(r, rep); err != nil {
			return err
		}
	} else {
		printSummary(r.env.Stdout, rep)
	}
	if !rep.OK {
		return errReported
	}
	return nil
}

// profileSecret reads the profile's Client Secret from the keyring; an
// explicit --secret-stdin or HALO_CLIENT_SECRET wins for this run.
func (r *runner) profileSecret(ctx context.Context, p storage.Profile, fromStdin bool) (string, error) {
	if s, err := r.readSecret(fromStdin); err != nil || s != "" {
		return s, err
	}
	s, err := r.secrets().Get(ctx, p.ID)
	if errors.Is(err, storage.ErrSecretNotFound) {
		return "", fmt.Errorf("profile %q has no Client Secret in the keyring: store it with the app's Connection screen, "+
			"or pass it for this run with HALO_CLIENT_SECRET or --secret-stdin", p.Name)
	}
	if err != nil {
		return "", err
	}
	return s, nil
}

// configFor turns a stored profile into a client configuration.
func configFor(p storage.Profile, secret string) halo.Config {
	return halo.Config{URL: p.HaloURL, ClientID: p.ClientID, ClientSecret: secret, Tenant: p.Tenant,
		AuthURL: p.AuthURL, Scope: p.Scope, CAFile: p.CAFile}
}

var statusMark = map[halo.Status]string{
	halo.StatusPass: "PASS", halo.StatusWarn: "WARN", halo.StatusFail: "FAIL", halo.StatusSkip: "SKIP",
}

func printCheck(w io.Writer, c halo.CheckResult) {
	fmt.Fprintf(w, "  %-4s  %-22s %s\n", statusMark[c.Status], c.Title, oneLine(c.Detail))
	if c.Fix != "" && (c.Status == halo.StatusWarn || c.Status == halo.StatusFail) {
		fmt.Fprintf(w, "        fix: %s\n", oneLine(c.Fix))
	}
}

func printSummary(w io.Writer, rep halo.Report) {
	fmt.Fprintln(w)
	if rep.OK {
		fmt.Fprintf(w, "Connection OK in %s. Visible: %d agents (%d enabled, %d disabled, %d API-only), %d teams, %d departments, %d organisations.\n",
			rep.Duration.Round(time.Millisecond), rep.Agents.Visible, rep.Agents.Enabled, rep.Agents.Disabled, rep.Agents.APIOnly,
			rep.Teams, rep.Departments, rep.Organisations)
	} else {
		fmt.Fprintln(w, "The check found a problem: see FAIL above.")
	}
	v := rep.OneStream
	fmt.Fprintf(w, "\n1stream \"Connected Account and CRM Settings\":\n")
	fmt.Fprintf(w, "  CRM Platform      %s\n  CRM Company       %s\n  API Key           %s\n  API Private Key   (the Client Secret; kept in the keyring)\n  Endpoint          %s\n  CRM Details link  %s\n",
		v.CRMPlatform, dash(v.CRMCompany), dash(v.APIKey), dash(v.Endpoint), dash(v.CRMDetailsLink))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// isTerminal reports whether w is an interactive terminal (progress lines
// are only drawn there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
