package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

const checkUsage = `check (--profile NAME | --url URL --client-id ID [--tenant T] [--auth-url URL] [--scope S] [--ca-file PEM] [--secret-stdin | --secret-from-env]) [--json]

Runs the systems check. With --profile the Client Secret is always the profile's own from the
system keyring (HALO_CLIENT_SECRET is ignored) and a successful check stores the pulled agents,
teams, departments and organisations; with --url the secret comes from --secret-stdin or
--secret-from-env (env HALO_CLIENT_SECRET) and nothing is stored.
Exit code 0 when no check failed, 1 when one failed, 2 on usage errors.`

func runCheck(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("check", checkUsage)
	profileName := fs.profileFlag("profile to check (secret from the keyring)")
	cf := addConnFlags(fs)
	asJSON := fs.jsonFlag("print the report as JSON")
	pos, err := fs.parse(args)
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
		if err := r.openDB(ctx); err != nil {
			return err
		}
		p, err := r.profile(ctx, *profileName)
		if err != nil {
			return err
		}
		// The profile's secret goes only where the profile says.
		if *cf.secretStdin || *cf.secretFromEnv || *cf.authURL != "" {
			return usagef("with --profile the Client Secret is always the profile's own and goes only to its own Halo: "+
				"drop --secret-stdin, --secret-from-env and --auth-url, or change the profile with 'halo-assistant profile set %q …'", *profileName)
		}
		if *cf.caFile != "" {
			return usagef("--ca-file cannot be used with --profile: the profile's own CA file is the only one its secret is sent with; "+
				"to change it run 'halo-assistant profile set %q --ca-file PEM'", *profileName)
		}
		if err := r.apply(cf, &p); err != nil { // flags may override a stored setting for this run
			return err
		}
		secret, err := r.profileSecret(ctx, p)
		if err != nil {
			return err
		}
		cfg = r.db.HaloConfig(p, secret, r.log)
		profile = &p
	case *cf.url != "":
		if *cf.clientID == "" {
			return usagef("--client-id is required with --url")
		}
		// The Connection screen's rules (halo.ValidateConnection): a Client
		// ID that is refused (a secret pasted there) is a usage error, as
		// always; any other refused value is the check's to report (its
		// "url" check fails, exit 1), so scripts reading --json keep the
		// report they always got.
		if _, err := r.checkConn(halo.ConnectionValues{ClientID: *cf.clientID}, ""); err != nil {
			return err
		}
		v := cf.given()
		// Only from a source named on the command line: a variable left in
		// the environment (another customer's) is never sent unasked.
		secret, source, err := r.explicitSecret(cf)
		if err != nil {
			return err
		}
		if secret == "" && r.env.Getenv(secretEnv) != "" {
			return usagef("no Client Secret: %s is set but is used only with --secret-from-env (or pipe the secret to --secret-stdin)", secretEnv)
		}
		if secret == "" {
			return usagef("no Client Secret: pipe it to --secret-stdin, or set env %s and give --secret-from-env", secretEnv)
		}
		if _, err := r.checkConn(halo.ConnectionValues{Secret: secret}, source); err != nil {
			return err
		}
		cfg = storage.Profile{HaloURL: v.URL, ClientID: v.ClientID, Tenant: v.Tenant,
			AuthURL: v.AuthURL, Scope: v.Scope, CAFile: v.CAFile}.AdHocConfig(secret, r.log)
	default:
		return usagef("give --profile NAME, or --url and --client-id")
	}

	var progress func(halo.CheckResult)
	tty := !*asJSON && isTerminal(r.rawErr)
	if !*asJSON {
		fmt.Fprintf(r.env.Stdout, "Systems check of %s\n", cfg.URL)
	}
	if tty {
		done := 0
		progress = func(c halo.CheckResult) {
			if c.Status != halo.StatusRunning {
				done++
			}
			r.redraw(fmt.Sprintf("%d of %d checks · %s …", done, len(halo.CheckIDs()), c.Title))
		}
	}
	if !*asJSON {
		cfg.OnWait = func(reason halo.ErrorKind, d time.Duration) {
			r.redraw(waitNote(reason, d) + "\n")
		}
	}
	hctx, cancel, err := r.haloContext(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	rep := halo.RunCheck(hctx, cfg, progress)
	if tty {
		r.redraw("")
	}
	if profile != nil {
		if _, err := storage.SaveCheckRun(ctx, r.db, profile.ID, rep); err != nil {
			fmt.Fprintf(r.env.Stderr, "warning: the result could not be saved to history: %v\n", err)
		}
	}
	if *asJSON {
		if err := writeJSON(r, rep); err != nil {
			return err
		}
	} else {
		// In the stable check order, whatever order they finished in.
		for _, c := range rep.Checks {
			printCheck(r.env.Stdout, c)
		}
		printSummary(r.env.Stdout, rep, profile != nil)
	}
	if !rep.OK {
		return errReported
	}
	return nil
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

func printSummary(w io.Writer, rep halo.Report, stored bool) {
	fmt.Fprintln(w)
	if rep.OK {
		fmt.Fprintf(w, "Connection OK in %s. Visible: %s (%d enabled, %d disabled, %d API-only), %s, %s, %s.\n",
			halo.FormatDuration(rep.Duration), halo.CountOf(rep.Agents.Visible, "agent"), rep.Agents.Enabled,
			rep.Agents.Disabled, rep.Agents.APIOnly, halo.CountOf(rep.Teams, "team"),
			halo.CountOf(rep.Departments, "department"), halo.CountOf(rep.Organisations, "organisation"))
	}
	fmt.Fprintln(w, rep.Headline())
	secret := "(the Client Secret you gave; not stored)"
	if stored {
		secret = "(the Client Secret kept in the system keyring)"
	}
	v := rep.OneStream
	fmt.Fprintf(w, "\n1stream \"Connected Account and CRM Settings\":\n")
	fmt.Fprintf(w, "  CRM Platform      %s\n  CRM Company       %s\n  API Key           %s\n  API Private Key   %s\n  Endpoint          %s\n  CRM Details link  %s\n",
		v.CRMPlatform, dash(v.CRMCompany), dash(v.APIKey), secret, dash(v.Endpoint), dash(v.CRMDetailsLink))
}

// waitNote is halo's wait message with how to stop on a terminal.
func waitNote(reason halo.ErrorKind, d time.Duration) string {
	return halo.WaitMessage(reason, d) + " Ctrl+C stops."
}
