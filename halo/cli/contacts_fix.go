package cli

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

const contactsFixUsage = `contacts fix --profile NAME [--format e164|national] [--region CC] [--dry-run] [--out PLAN.csv] [--plan PLAN.csv] [--yes] [--json] [--rate-share PCT]

Rewrites the contacts' own numbers in Halo (phone, home, mobile, mobile 2 of every active contact)
into one format, so the forms a caller ID arrives in find them with Halo's phone search: E.164
(+441134960107) by default, or national digits (01134960107) with --format national (default: the
profile's, profile set NAME --fix-format); an extension is kept as " ext. N". Numbers that do not
parse are left alone (fix them one by one in the app). The plan is made from a fresh pull; only id
and the changed field are sent (POST /api/Users), 50 contacts a request, within --rate-share percent
of Halo's rate limit. Every change is journaled before its request leaves; 'contacts undo' restores
them. A field someone changed in Halo since the plan is skipped (skipped_changed).
--dry-run writes nothing (with --out: the plan as CSV). --plan applies a plan saved by --out, as
reviewed: only its rows (delete rows to leave changes out), each skipped when Halo's value is no
longer its Old; a row whose New is not what the app makes of its Old refuses the whole plan.
Without --yes or --dry-run it asks on the terminal, naming the Halo and the number of changes;
with no terminal it writes nothing (exit 2).
Exit 0 every planned change written, nothing to do, or a dry run; 1 some skipped or failed;
2 nothing written (usage, connection, permission: the error says what to fix).`

const contactsUndoUsage = `contacts undo --profile NAME [--run ID] [--yes] [--json] [--rate-share PCT]

Restores the values a 'contacts fix' (or an edit in the app) replaced: run ID, else the profile's
last fix. After a fresh pull, only fields that Halo still holds as the app wrote them are restored;
the rest were changed since and are skipped (skipped_changed). Journaled like a fix. Asks on the
terminal unless --yes; with no terminal it writes nothing (exit 2). Nothing to undo is exit 0.
Exit 0 everything restored, 1 some skipped or failed, 2 nothing written (usage, connection,
permission).`

// fixChangeJSON is one change of `contacts fix|undo --json`.
type fixChangeJSON struct {
	ContactID int    `json:"contact_id"`
	Field     string `json:"field"`
	Old       string `json:"old"`
	New       string `json:"new"`
	Status    string `json:"status"`
}

// contactsFixJSON is the `contacts fix --json` contract.
type contactsFixJSON struct {
	OK             bool            `json:"ok"`
	Profile        string          `json:"profile"`
	RunID          int64           `json:"run_id"`
	Format         string          `json:"format"`
	Region         string          `json:"region"`
	DryRun         bool            `json:"dry_run"`
	Planned        int             `json:"planned"`
	Written        int             `json:"written"`
	SkippedChanged int             `json:"skipped_changed"`
	Failed         int             `json:"failed"`
	Changes        []fixChangeJSON `json:"changes"`
}

// contactsUndoJSON is the `contacts undo --json` contract. RunID is the
// run undone (0 when there was nothing to undo).
type contactsUndoJSON struct {
	OK             bool            `json:"ok"`
	Profile        string          `json:"profile"`
	RunID          int64           `json:"run_id"`
	Restored       int             `json:"restored"`
	SkippedChanged int             `json:"skipped_changed"`
	Failed         int             `json:"failed"`
	Changes        []fixChangeJSON `json:"changes"`
}

// refreshNote is what happens after a write (contacts.RefreshNote).
const refreshNote = contacts.RefreshNote

func runContactsFix(ctx context.Context, r *runner, args []string) error {
	return asExit2(contactsFix(ctx, r, args))
}

func runContactsUndo(ctx context.Context, r *runner, args []string) error {
	return asExit2(contactsUndo(ctx, r, args))
}

// stdinTerminal reports whether standard input is a terminal a
// confirmation can be typed on.
func (r *runner) stdinTerminal() bool {
	f, ok := r.env.Stdin.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// confirm asks on the terminal; only "yes" (or "y") goes ahead.
func (r *runner) confirm(question string) (bool, error) {
	fmt.Fprintf(r.env.Stderr, "%s Type yes to go ahead: ", question)
	line, err := bufio.NewReader(io.LimitReader(r.env.Stdin, 1<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false, err
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "yes" || a == "y", nil
}

// writeSession is what contacts fix and undo talk to Halo with: a client
// held to the run's rate share, the bulk time limit, and progress drawn on
// a terminal (progress and pull are nil otherwise; then, without --json,
// each wait is printed on a line of its own).
type writeSession struct {
	r        *runner
	client   *halo.Client
	ctx      context.Context
	cancel   context.CancelFunc
	progress func(storage.FixProgress)
	pull     func(halo.PullProgress)
}

func (r *runner) startWrite(ctx context.Context, p storage.Profile, asJSON bool, share int) (*writeSession, error) {
	ws := &writeSession{r: r, progress: r.fixProgress(asJSON)}
	var onWait func(halo.ErrorKind, time.Duration)
	if !asJSON && ws.progress == nil {
		onWait = func(reason halo.ErrorKind, d time.Duration) { fmt.Fprintln(r.env.Stderr, waitNote(reason, d)) }
	}
	if ws.progress != nil {
		ws.pull = func(pp halo.PullProgress) { ws.progress(storage.FixProgress{Stage: "pull", Pull: pp}) }
	}
	var err error
	if ws.client, err = r.bulkClient(ctx, p, onWait, share); err != nil {
		return nil, err
	}
	if ws.ctx, ws.cancel, err = r.bulkContext(ctx); err != nil {
		return nil, err
	}
	return ws, nil
}

// clear removes the progress line, if one was drawn.
func (ws *writeSession) clear() {
	if ws.progress != nil {
		ws.r.redraw("")
	}
}

// fixProgress draws a run's progress on the terminal (nil otherwise).
func (r *runner) fixProgress(asJSON bool) func(storage.FixProgress) {
	if asJSON || !isTerminal(r.rawErr) {
		return nil
	}
	start := time.Now()
	return func(p storage.FixProgress) {
		switch {
		case p.WaitReason != "":
			r.redraw(waitNote(p.WaitReason, p.Waiting))
		case p.Stage == "pull":
			r.redraw(describeContactsPull(p.Pull, time.Since(start)))
		case p.Stage == "write":
			s := fmt.Sprintf("writing: batch %d/%d, %d written, %d failed", p.Batches, p.BatchesTotal, p.Written, p.Failed)
			if p.Left > 0 {
				s += ", about " + p.Left.Round(time.Second).String() + " left"
			}
			r.redraw(s)
		default:
			r.redraw("")
		}
	}
}

// fixArgs are contacts fix's flags, checked.
type fixArgs struct {
	profile, format, out, plan string
	region                     string
	dryRun, yes, asJSON        bool
	share                      int
}

func parseFixArgs(r *runner, args []string) (fixArgs, error) {
	fs := r.newFlags("contacts fix", contactsFixUsage)
	profileName := fs.profileFlag("profile to fix (secret from the keyring)")
	formatArg := fs.String("format", "", "e164 or national (default: the profile's, else e164)")
	regionArg := regionFlag(fs, "region for numbers without a country code, e.g. GB (default: the profile's, else the last audit's, else the OS locale's)")
	dryRun := fs.Bool("dry-run", false, "plan only: write nothing to Halo")
	outPath := fs.String("out", "", "save the plan as CSV (Contact ID,Contact,Client,Field,Old,New,Status)")
	planPath := fs.String("plan", "", "apply a plan saved with --out: only its rows")
	yes := fs.Bool("yes", false, "write without asking")
	asJSON := fs.jsonFlag("print the result as JSON")
	share := rateShareFlag(fs)
	if err := fs.parseNoArgs(args); err != nil {
		return fixArgs{}, err
	}
	region, err := parseRegion(*regionArg)
	if err != nil {
		return fixArgs{}, err
	}
	if err := checkRateShare(*share); err != nil {
		return fixArgs{}, err
	}
	if *outPath == "-" || *planPath == "-" {
		return fixArgs{}, usagef("--out and --plan need a file name")
	}
	if *formatArg != "" {
		if _, err := contacts.ParseFormat(*formatArg); err != nil {
			return fixArgs{}, usagef("--format: %v", err)
		}
	}
	return fixArgs{profile: *profileName, format: strings.TrimSpace(*formatArg), out: *outPath, plan: *planPath,
		region: region, dryRun: *dryRun, yes: *yes, asJSON: *asJSON, share: *share}, nil
}

func contactsFix(ctx context.Context, r *runner, args []string) error {
	a, err := parseFixArgs(r, args)
	if err != nil {
		return err
	}
	// Before any request: a run that could never be confirmed writes
	// nothing and costs Halo nothing.
	if !a.yes && !a.dryRun && !r.stdinTerminal() {
		return usagef("no terminal to confirm on, so nothing was written: add --yes to write without asking, or --dry-run to see the plan")
	}
	p, err := r.profile(ctx, a.profile)
	if err != nil {
		return err
	}
	format, _ := contacts.ParseFormat(cmp.Or(a.format, p.FixFormat))
	prevSum, _, err := r.db.ContactsSummary(ctx, p.ID)
	if err != nil {
		return err
	}
	region := r.contactsRegion(a.region, p, prevSum.Region)
	var fileChanges []contacts.Change
	if a.plan != "" {
		if fileChanges, err = readPlanFile(a.plan, region, format); err != nil {
			return err
		}
	}

	ws, err := r.startWrite(ctx, p, a.asJSON, a.share)
	if err != nil {
		return err
	}
	defer ws.cancel()
	// The fresh pull the plan is made from (and, when confirmed at once,
	// the one the run checks against).
	pulled, err := storage.PullContacts(ws.ctx, ws.client, ws.pull)
	ws.clear()
	if err != nil {
		return withContactsFix(err)
	}
	out := contactsFixJSON{Profile: p.Name, Format: string(format), Region: region, DryRun: a.dryRun, Changes: []fixChangeJSON{}}
	changes := fileChanges
	if a.plan == "" {
		plan := contacts.PlanFix(pulled.Contacts, region, format)
		changes = plan.Changes
		if !a.asJSON {
			fmt.Fprintf(r.env.Stdout, "Planned for %q (%s, region %s): %s of %s in %s; %d already %s, %d do not parse (left alone; fix them in the app), %d left as they are (more than one number).\n",
				p.Name, format, region, halo.CountOf(len(plan.Changes), "change"), halo.CountOf(plan.Numbers, "number"),
				halo.CountOf(plan.Contacts, "contact"), plan.InFormat, format, plan.Unparseable, plan.Kept)
		}
	}
	out.Planned = len(changes)
	statuses := planStatuses(changes, pulled.Contacts)
	if a.out != "" {
		if err := savePlan(r, a.out, changes, statuses); err != nil {
			return err
		}
	}
	if a.dryRun || len(changes) == 0 {
		return reportDryRun(r, out, changes, statuses, a.asJSON)
	}
	if !a.yes {
		ok, err := r.confirm(fmt.Sprintf("Write %s (%s of %s) to Halo at %s (profile %q)?", halo.CountOf(len(changes), "change"),
			string(format), halo.CountOf(distinctContacts(changes), "contact"), ws.client.Instance().Base, p.Name))
		if err != nil {
			return err
		}
		if !ok {
			return usagef("not confirmed, so nothing was written")
		}
	}
	cw, err := contacts.Confirm(changes, len(changes))
	if err != nil {
		return err
	}
	res, runErr := storage.RunContactFix(ws.ctx, r.db, ws.client, p.ID, storage.FixKindFix, string(format), region, cw,
		storage.FixOptions{Current: &pulled, Progress: ws.progress})
	ws.clear()
	return reportFixRun(r, out, res, runErr, a.asJSON)
}

// readPlanFile reads a plan saved by --out: only rows whose New is the
// app's own rule for their Old (contacts.ReadPlanCSV).
func readPlanFile(path, region string, format contacts.Format) ([]contacts.Change, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("the plan could not be read: %w", err)
	}
	defer f.Close()
	changes, err := contacts.ReadPlanCSV(f, region, format)
	if err != nil {
		return nil, usagef("--plan %s: %v", path, err)
	}
	return changes, nil
}

// planStatuses is what a dry run or a saved plan says of each change:
// skipped when Halo holds something else than its Old now (a plan made
// from this very pull holds every Old).
func planStatuses(changes []contacts.Change, now []halo.Contact) []string {
	byID := make(map[int]halo.Contact, len(now))
	for _, hc := range now {
		byID[hc.ID] = hc
	}
	statuses := make([]string, len(changes))
	for i, c := range changes {
		statuses[i] = storage.ChangePlanned
		if hc, ok := byID[c.ContactID]; !ok || c.Field.Of(hc) != c.Old {
			statuses[i] = storage.ChangeSkippedChanged
		}
	}
	return statuses
}

// savePlan writes the plan as CSV (--out), by the app's CSV rules.
func savePlan(r *runner, path string, changes []contacts.Change, statuses []string) error {
	rows := make([]contacts.PlanRow, len(changes))
	for i, c := range changes {
		rows[i] = contacts.PlanRow{Change: c, Status: statuses[i]}
	}
	if err := mapping.WriteFileAtomic(path, func(w io.Writer) error { return contacts.WritePlanCSV(w, rows) }); err != nil {
		return err
	}
	fmt.Fprintf(r.env.Stderr, "Wrote the plan (%s) to %s.\n", halo.CountOf(len(rows), "change"), path)
	return nil
}

// reportDryRun prints a plan that is not written: a dry run, or nothing
// to do.
func reportDryRun(r *runner, out contactsFixJSON, changes []contacts.Change, statuses []string, asJSON bool) error {
	for i, c := range changes {
		out.Changes = append(out.Changes, fixChangeJSON{c.ContactID, string(c.Field), c.Old, c.New, statuses[i]})
		if statuses[i] == storage.ChangeSkippedChanged {
			out.SkippedChanged++
		}
	}
	out.OK = true
	if asJSON {
		return writeJSON(r, out)
	}
	if len(changes) == 0 {
		fmt.Fprintln(r.env.Stdout, "Nothing to fix: every parseable number is stored in the format already.")
		return nil
	}
	fmt.Fprintln(r.env.Stdout, "Dry run: nothing was written. The plan:")
	printFixChanges(r, changes, statuses, false)
	return nil
}

// reportFixRun prints a fix that ran and returns its exit.
func reportFixRun(r *runner, out contactsFixJSON, res storage.FixResult, runErr error, asJSON bool) error {
	if res.Run.ID == 0 {
		return withContactsFix(runErr)
	}
	out.RunID = res.Run.ID
	out.Written, out.SkippedChanged, out.Failed = res.Run.Written, res.Run.SkippedChanged, res.Run.Failed
	for _, e := range res.Changes {
		out.Changes = append(out.Changes, fixChangeJSON{e.ContactID, string(e.Field), e.Old, e.New, e.Status})
	}
	out.OK = runErr == nil && res.Run.State == storage.FixDone && out.Written == out.Planned
	r.log.Info("contacts fixed", "run", res.Run.ID, "planned", out.Planned, "written", out.Written,
		"skipped", out.SkippedChanged, "failed", out.Failed, "state", res.Run.State)
	if asJSON {
		if err := writeJSON(r, out); err != nil {
			return err
		}
	} else {
		printFixRun(r, res, "Fixed", "written")
	}
	return fixOutcome(r, res.Run, runErr, out.OK)
}

// fixOutcome is a run's exit: 0 all written, 1 some skipped or failed (the
// error, if any, printed), 2 nothing written for an error or a cancel.
func fixOutcome(r *runner, run storage.FixRun, runErr error, ok bool) error {
	if ok {
		return nil
	}
	if run.Written == 0 && (runErr != nil || run.State != storage.FixDone) {
		if runErr == nil {
			runErr = errors.New("cancelled before anything was written")
		}
		return exit2Error{runErr}
	}
	if runErr != nil {
		r.fail(runErr)
	}
	return errReported
}

func distinctContacts(changes []contacts.Change) int {
	seen := map[int]bool{}
	for _, c := range changes {
		seen[c.ContactID] = true
	}
	return len(seen)
}

// printFixChanges lists changes, one a line; only those not written when
// failuresOnly.
func printFixChanges(r *runner, changes []contacts.Change, statuses []string, failuresOnly bool) {
	for i, c := range changes {
		if failuresOnly && (statuses[i] == storage.ChangeWritten) {
			continue
		}
		fmt.Fprintf(r.env.Stdout, "  %-15s #%d %s (%s) %s: %s → %s\n", statuses[i], c.ContactID, dash(c.Contact), dash(c.Client),
			c.Field, dash(c.Old), dash(c.New))
	}
}

// printFixRun prints a fix or undo run's counts and every change it did
// not write.
func printFixRun(r *runner, res storage.FixResult, verb, done string) {
	run := res.Run
	fmt.Fprintf(r.env.Stdout, "%s (run %d): %d %s, %d skipped (changed in Halo since the plan), %d failed of %d.\n",
		verb, run.ID, run.Written, done, run.SkippedChanged, run.Failed, run.Planned)
	switch run.State {
	case storage.FixCancelled:
		fmt.Fprintf(r.env.Stdout, "Cancelled: %d not sent; the journal holds what was.\n", run.Unsent())
	case storage.FixFailed:
		fmt.Fprintf(r.env.Stdout, "Stopped: %d not sent.\n", run.Unsent())
	}
	changes := make([]contacts.Change, len(res.Changes))
	statuses := make([]string, len(res.Changes))
	for i, e := range res.Changes {
		changes[i], statuses[i] = e.Change, e.Status
		if e.Status == storage.ChangePlanned {
			statuses[i] = "not sent"
		}
	}
	printFixChanges(r, changes, statuses, true)
	if run.Written > 0 {
		fmt.Fprintln(r.env.Stdout, refreshNote)
		if run.Kind != storage.FixKindUndo {
			fmt.Fprintf(r.env.Stdout, "To restore the old values: halo-assistant contacts undo --profile %s --run %d\n",
				quoteArg(profileNameOf(r, run)), run.ID)
		}
	}
}

func profileNameOf(r *runner, run storage.FixRun) string {
	p, err := r.db.Profile(context.Background(), run.ProfileID)
	if err != nil {
		return "NAME"
	}
	return p.Name
}

func contactsUndo(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("contacts undo", contactsUndoUsage)
	profileName := fs.profileFlag("profile whose fix to undo (secret from the keyring)")
	runID := fs.Int64("run", 0, "the run to undo (default: the profile's last fix)")
	yes := fs.Bool("yes", false, "restore without asking")
	asJSON := fs.jsonFlag("print the result as JSON")
	share := rateShareFlag(fs)
	if err := fs.parseNoArgs(args); err != nil {
		return err
	}
	if *runID < 0 {
		return usagef("--run %d is not a run id", *runID)
	}
	if err := checkRateShare(*share); err != nil {
		return err
	}
	if !*yes && !r.stdinTerminal() {
		return usagef("no terminal to confirm on, so nothing was written: add --yes to restore without asking")
	}
	p, err := r.profile(ctx, *profileName)
	if err != nil {
		return err
	}
	out := contactsUndoJSON{Profile: p.Name, RunID: *runID, Changes: []fixChangeJSON{}}
	nothing := func(why string) error {
		out.OK = true
		if *asJSON {
			return writeJSON(r, out)
		}
		fmt.Fprintln(r.env.Stdout, why)
		return nil
	}
	ws, err := r.startWrite(ctx, p, *asJSON, *share)
	if err != nil {
		return err
	}
	defer ws.cancel()
	client, hctx, progress := ws.client, ws.ctx, ws.progress
	plan, err := storage.PlanUndo(hctx, r.db, client, p.ID, *runID, ws.pull)
	ws.clear()
	switch {
	case errors.Is(err, storage.ErrNothingToUndo):
		if *runID != 0 {
			return nothing(fmt.Sprintf("Nothing to undo: %v.", err))
		}
		return nothing(fmt.Sprintf("Nothing to undo: %q has no fix that was not undone already.", p.Name))
	case errors.Is(err, storage.ErrNotFound) || errors.Is(err, storage.ErrInvalid):
		return usagef("--run: %v", err)
	case err != nil:
		return withContactsFix(err)
	}
	out.RunID = plan.Run.ID
	if len(plan.Changes) == 0 && len(plan.Skipped) == 0 {
		return nothing(fmt.Sprintf("Nothing to undo: Halo holds nothing that run %d wrote.", plan.Run.ID))
	}
	if len(plan.Changes) > 0 && !*yes {
		ok, err := r.confirm(fmt.Sprintf("Restore %s of run %d (%s) in Halo at %s (profile %q)? %d changed since and stay as they are.",
			halo.CountOf(len(plan.Changes), "value"), plan.Run.ID, fmtStamp(plan.Run.StartedAt), client.Instance().Base, p.Name, len(plan.Skipped)))
		if err != nil {
			return err
		}
		if !ok {
			return usagef("not confirmed, so nothing was written")
		}
	}
	cw, err := plan.Confirm(len(plan.Changes))
	if err != nil {
		return err
	}
	res, runErr := storage.RunUndo(hctx, r.db, client, p.ID, plan, cw, storage.FixOptions{Progress: progress})
	ws.clear()
	if res.Run.ID == 0 {
		return withContactsFix(runErr)
	}
	out.Restored, out.SkippedChanged, out.Failed = res.Run.Written, res.Run.SkippedChanged, res.Run.Failed
	for _, e := range res.Changes {
		out.Changes = append(out.Changes, fixChangeJSON{e.ContactID, string(e.Field), e.Old, e.New, e.Status})
	}
	out.OK = runErr == nil && res.Run.State == storage.FixDone && res.Run.Written == res.Run.Planned
	r.log.Info("contacts fix undone", "run", res.Run.ID, "undo_of", plan.Run.ID, "restored", out.Restored,
		"skipped", out.SkippedChanged, "failed", out.Failed, "state", res.Run.State)
	if *asJSON {
		if err := writeJSON(r, out); err != nil {
			return err
		}
	} else {
		printFixRun(r, res, fmt.Sprintf("Undid run %d", plan.Run.ID), "restored")
	}
	if res.Run.Planned == res.Run.SkippedChanged && runErr == nil {
		return errReported // nothing restorable: every value changed since
	}
	return fixOutcome(r, res.Run, runErr, out.OK)
}

// Attention kind of `status` from the journal of fixes.
const attnContactsFixFailed = "contacts_fix_failed"

// addFixStatus adds an attention item when the profile's latest write to
// Halo's contacts left failures, stopped on an error or was interrupted.
func addFixStatus(d *storage.DayTwo, out *statusJSON, now time.Time) {
	run := d.FixRun
	if !d.Fixed || !run.NeedsAttention(now) {
		return
	}
	q := quoteArg(d.Profile.Name)
	what := map[string]string{storage.FixKindFix: "contacts fix", storage.FixKindEdit: "contact edit", storage.FixKindUndo: "undo"}[run.Kind]
	detail := fmt.Sprintf("the last %s (run %d, %s) left %s not written", what, run.ID, fmtStamp(run.StartedAt),
		halo.CountOf(run.Failed+run.Unsent(), "change"))
	switch {
	case run.State == storage.FixRunning:
		detail += ": it was interrupted"
	case run.ErrorKind != "":
		detail += ": it stopped (" + string(run.ErrorKind) + ")"
	}
	fix := "run 'halo-assistant contacts fix --profile " + q + "' again (it plans from what Halo holds now and skips what is done)"
	if run.ErrorKind == halo.KindForbidden {
		fix, _ = halo.AccessFix(halo.CheckContacts)
	}
	out.Attention = append(out.Attention, attentionJSON{attnContactsFixFailed, detail, fix})
	out.OK = false
}
