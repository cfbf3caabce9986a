package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

const contactsUsage = `contacts audit --profile NAME [--region CC] [--json] [--out FILE.csv] [--rate-share PCT]
       halo-assistant contacts fix --profile NAME [--format e164|national] [--region CC] [--dry-run] [--out PLAN.csv] [--plan PLAN.csv] [--yes] [--json] [--rate-share PCT]
       halo-assistant contacts undo --profile NAME [--run ID] [--yes] [--json] [--rate-share PCT]
       halo-assistant contacts forget --profile NAME

audit   pulls the profile's contacts from Halo and reports what stands in the way of a screen pop
        (numbers Halo's phone search misses, missing names, no phone, shared or unparseable
        numbers); exit 0 none, 1 found
fix     rewrites the contacts' numbers in Halo into one format (previewed, confirmed, journaled)
undo    restores what a fix wrote, where Halo still holds it
forget  drops the contacts the last audit stored for the profile, and the journal of fixes
Run 'halo-assistant contacts audit --help' (or fix, undo) for the details.`

const contactsAuditUsage = `contacts audit --profile NAME [--region CC] [--json] [--out FILE.csv] [--rate-share PCT]

Pulls every active contact (Halo's Users; General Users and service accounts left out) with the
profile's Client Secret from the keyring and reports what stands in the way of a screen pop.
1stream pulls these contacts at its Systems Check and refreshes its contact cache hourly (how it
compares numbers is not published); other CTI integrations, Halo's own 3CX template among them, ask
Halo's phone search on every call. A caller ID arrives as E.164 (+441134960107) or as national
digits (01134960107). After the pull the audit probes Halo's phone search (at most 3 searches) and
records whether it matches the stored text (halo_search "text") or compares numbers ("numbers");
"unknown" when it could not tell (halo_search_probe says why). Problems: search_miss (only when Halo
matches the stored text: a number neither caller-ID form finds, such as "020 7946 0500"; store it as
E.164), missing_name (no first name or surname), no_phone (none of the contact's own four numbers),
shared_number (a number two or more active contacts hold), unparseable (a number that is no possible
number for the region). Numbers without a country code are read for --region, else the profile's
region (profile set NAME --region CC), else the last audit's, else the OS locale's. The contacts
are kept in the profile's database until the next audit or 'contacts forget'; a re-audit says
what changed.
--out writes one CSV row per contact and problem. Exit 0 no problems, 1 problems found, 2 usage
or connection error (with its fix).`

const contactsForgetUsage = `contacts forget --profile NAME

Drops the profile's stored contacts snapshot (the contacts and the last audit's counts) and the
journal of the contacts fixes written to Halo, after which they can no longer be undone.`

func runContacts(ctx context.Context, r *runner, args []string) error {
	return dispatch(ctx, r, args, contactsUsage, []subcommand{
		{[]string{"audit"}, runContactsAudit},
		{[]string{"fix"}, runContactsFix},
		{[]string{"undo"}, runContactsUndo},
		{[]string{"forget"}, runContactsForget},
	})
}

// exit2Error is a failure of a command whose exit 1 means a finding
// (contacts audit: problems found; lookup: no single contact): the failure
// must exit 2 so a script never reads it as a finding.
type exit2Error struct{ error }

func (e exit2Error) Unwrap() error { return e.error }

// asExit2 wraps err for exit 2, leaving usage errors, --help and an
// already reported finding as they are.
func asExit2(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) || errors.Is(err, errReported) || errors.As(err, new(usageError)) {
		return err
	}
	return exit2Error{err}
}

// regionFlag adds --region; parseRegion checks it.
func regionFlag(fs *flagSet, help string) *string { return fs.String("region", "", help) }

// parseRegion reads a --region value by contacts.ParseRegion ("" = not
// given) and returns it in capitals; a value that is no region is a usage
// error.
func parseRegion(v string) (string, error) {
	cc, err := contacts.ParseRegion(v)
	switch {
	case errors.Is(err, contacts.ErrNoRegion):
		return "", nil
	case err != nil:
		return "", usagef("--region %v", err)
	}
	return string(cc), nil
}

// profileRegionFlag adds profile add/set's --region: the region the
// profile's contact numbers are read in by default.
func profileRegionFlag(fs *flagSet) *string {
	return regionFlag(fs, "region for contact numbers without a country code, e.g. GB (default: the OS locale's; \"-\" clears it)")
}

// applyProfileRegion sets p.Region from --region: "" leaves it, "-" clears
// it back to the OS locale's.
func applyProfileRegion(v string, p *storage.Profile) error {
	if strings.TrimSpace(v) == "-" {
		p.Region = ""
		return nil
	}
	cc, err := parseRegion(v)
	if err != nil || cc == "" {
		return err
	}
	p.Region = cc
	return nil
}

// contactsRegion is the region a profile's numbers are read in, by
// contacts.ResolveRegion: the flag, else the profile's own, else
// lastAudit's, else the OS locale's.
func (r *runner) contactsRegion(flagValue string, p storage.Profile, lastAudit string) string {
	return string(contacts.ResolveRegion(contacts.Region(flagValue), contacts.Region(p.Region), contacts.Region(lastAudit), r.env.Getenv))
}

// withContactsFix gives a refusal to read contacts the fix that names the
// Feature Access row; other errors keep their own fix.
func withContactsFix(err error) error {
	var he *halo.Error
	if !halo.IsNoAccess(err) || !errors.As(err, &he) {
		return err
	}
	e := *he
	e.Message = "Halo refused the API agent access to its contacts (Users): 1stream cannot pull them to pop callers."
	e.Fix, e.Step = halo.AccessFix(halo.CheckContacts)
	e.Err = err
	return &e
}

// contactsClient is a Halo client for a stored profile, with its secret
// from the keyring.
func (r *runner) contactsClient(ctx context.Context, p storage.Profile, onWait func(halo.ErrorKind, time.Duration)) (*halo.Client, error) {
	return r.bulkClient(ctx, p, onWait, 0)
}

// bulkClient is contactsClient whose bulk work takes rateShare percent of
// Halo's rate limit (0: the profile's share).
func (r *runner) bulkClient(ctx context.Context, p storage.Profile, onWait func(halo.ErrorKind, time.Duration), rateShare int) (*halo.Client, error) {
	secret, err := r.profileSecret(ctx, p)
	if err != nil {
		return nil, err
	}
	cfg := r.db.HaloConfig(p, secret, r.log)
	cfg.OnWait = onWait
	if rateShare != 0 {
		cfg.RateShare = rateShare
	}
	return halo.NewClient(cfg)
}

// rateShareFlag adds --rate-share to a command of bulk work.
func rateShareFlag(fs *flagSet) *int {
	return fs.Int("rate-share", 0, fmt.Sprintf("percentage of Halo's rate limit this run may take, %d-100 "+
		"(default: the profile's, else %d; the rest stays free for 1stream's live lookups)", halo.MinRateShare, halo.DefaultRateShare))
}

// checkRateShare validates a --rate-share value (0: not given).
func checkRateShare(v int) error {
	if v != 0 && (v < halo.MinRateShare || v > 100) {
		return usagef("--rate-share %d is not a share of Halo's rate limit: give a percentage from %d to 100", v, halo.MinRateShare)
	}
	return nil
}

// contactsAuditJSON is the `contacts audit --json` contract.
type contactsAuditJSON struct {
	OK             bool                 `json:"ok"`
	Profile        string               `json:"profile"`
	Region         string               `json:"region"`
	At             time.Time            `json:"at"`
	HaloSearch     string               `json:"halo_search"`       // text, numbers or unknown (jsonHaloSearch); an earlier audit's when this one's probe could not tell
	SearchProbe    string               `json:"halo_search_probe"` // what this audit's probe observed (contacts.ProbeOutcome)
	Contacts       int                  `json:"contacts"`
	Active         int                  `json:"active"`
	SearchMiss     int                  `json:"search_miss"`
	MissingName    int                  `json:"missing_name"`
	NoPhone        int                  `json:"no_phone"`
	SharedNumbers  int                  `json:"shared_numbers"`
	Unparseable    int                  `json:"unparseable"`
	FixedSinceLast int                  `json:"fixed_since_last"`
	NewSinceLast   int                  `json:"new_since_last"`
	PreviousAt     *time.Time           `json:"previous_at"`
	Problems       []contactProblemJSON `json:"problems"`

	probe contacts.SearchProbe // what HaloSearch and SearchProbe say, for the plain output's words
}

type contactProblemJSON struct {
	Problem   string   `json:"problem"`
	ContactID int      `json:"contact_id"`
	Contact   string   `json:"contact"`
	Client    string   `json:"client"`
	Site      string   `json:"site"`
	Numbers   []string `json:"numbers"`
	Number    string   `json:"number,omitempty"` // shared_number: the number in E.164, which groups its holders
	Link      string   `json:"link"`
}

func runContactsAudit(ctx context.Context, r *runner, args []string) error {
	return asExit2(contactsAudit(ctx, r, args))
}

func contactsAudit(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("contacts audit", contactsAuditUsage)
	profileName := fs.profileFlag("profile to audit (secret from the keyring)")
	regionArg := regionFlag(fs, "region for numbers without a country code, e.g. GB (default: the profile's, else the last audit's, else the OS locale's)")
	asJSON := fs.jsonFlag("print the result as JSON")
	outPath := fs.String("out", "", "also write the problems to this CSV file (one row per contact and problem)")
	share := rateShareFlag(fs)
	if err := fs.parseNoArgs(args); err != nil {
		return err
	}
	region, err := parseRegion(*regionArg)
	if err != nil {
		return err
	}
	if err := checkRateShare(*share); err != nil {
		return err
	}
	if *outPath == "-" {
		return usagef("--out needs a file name (the problems are on standard output already)")
	}
	p, err := r.profile(ctx, *profileName)
	if err != nil {
		return err
	}
	// Only the previous audit's counts are read here (cheap); storage
	// re-audits its contacts for the diff.
	prevSum, hadPrev, err := r.db.ContactsSummary(ctx, p.ID)
	if err != nil {
		return err
	}
	region = r.contactsRegion(region, p, prevSum.Region)

	var onWait func(halo.ErrorKind, time.Duration)
	if !*asJSON {
		onWait = func(reason halo.ErrorKind, d time.Duration) { r.redraw(waitNote(reason, d) + "\n") }
	}
	client, err := r.bulkClient(ctx, p, onWait, *share)
	if err != nil {
		return err
	}
	hctx, cancel, err := r.bulkContext(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	var progress func(halo.PullProgress)
	if isTerminal(r.rawErr) {
		start := time.Now()
		progress = func(pp halo.PullProgress) { r.redraw(describeContactsPull(pp, time.Since(start))) }
	}
	res, err := storage.AuditContacts(hctx, r.db, client, p.ID, region, time.Now().UTC(), progress)
	if progress != nil {
		r.redraw("")
	}
	if err != nil {
		return withContactsFix(err)
	}
	a, at := res.Audit, res.Snapshot.PulledAt
	// Only counts reach the log: contacts are personal data.
	r.log.Info("contacts audited", "contacts", a.Contacts, "active", a.Active, "problems", len(a.Findings))

	probe := res.Snapshot.Probe
	out := contactsAuditJSON{Profile: p.Name, Region: region, At: at, HaloSearch: jsonHaloSearch(probe.Answer),
		SearchProbe: string(probe.Outcome), probe: probe, Contacts: a.Contacts, Active: a.Active, SearchMiss: a.SearchMiss,
		MissingName: a.MissingName, NoPhone: a.NoPhone, SharedNumbers: a.SharedNumbers, Unparseable: a.Unparseable,
		Problems: make([]contactProblemJSON, 0, len(a.Findings))}
	out.OK = out.SearchMiss+out.MissingName+out.NoPhone+out.SharedNumbers+out.Unparseable == 0
	fixed, added := res.Fixed, res.Added
	if hadPrev {
		pa := prevSum.At.UTC()
		out.PreviousAt = &pa
		out.FixedSinceLast, out.NewSinceLast = len(fixed), len(added)
	}
	inst := client.Instance()
	for _, f := range a.Findings {
		nums := f.Numbers
		if nums == nil {
			nums = []string{}
		}
		out.Problems = append(out.Problems, contactProblemJSON{Problem: string(f.Problem), ContactID: f.ContactID,
			Contact: f.Contact, Client: f.Client, Site: f.Site, Numbers: nums, Number: f.Number,
			Link: contacts.ContactLink(inst, f.ContactID)})
	}

	if *outPath != "" {
		if err := mapping.WriteFileAtomic(*outPath, func(w io.Writer) error { return contacts.WriteCSV(w, a, inst) }); err != nil {
			return err
		}
		fmt.Fprintf(r.env.Stderr, "Wrote %s to %s.\n", halo.CountOf(len(out.Problems), "row"), *outPath)
	}

	if *asJSON {
		if err := writeJSON(r, out); err != nil {
			return err
		}
	} else {
		printContactsAudit(r, out, fixed, added)
	}
	if !out.OK {
		return errReported
	}
	return nil
}

// describeContactsPull is the progress line of a contacts pull, with an
// estimate of the time left once the total is known.
func describeContactsPull(pp halo.PullProgress, elapsed time.Duration) string {
	if pp.ContactsTotal <= 0 {
		if pp.Contacts > 0 {
			return fmt.Sprintf("contacts: %d pulled (page %d)", pp.Contacts, pp.Pages)
		}
		return "contacts …"
	}
	s := fmt.Sprintf("contacts: %d/%d (page %d/%d)", pp.Contacts, pp.ContactsTotal, pp.Pages, pp.PagesTotal)
	if pp.Contacts > 0 && pp.Contacts < pp.ContactsTotal && elapsed > time.Second {
		left := time.Duration(float64(elapsed) * float64(pp.ContactsTotal-pp.Contacts) / float64(pp.Contacts))
		s += ", about " + left.Round(time.Second).String() + " left"
	}
	return s
}

// jsonHaloSearch is contacts audit --json's halo_search: "text",
// "numbers", or "unknown" when the audit could not tell.
func jsonHaloSearch(h contacts.HaloSearch) string {
	if h == contacts.HaloSearchUnknown {
		return "unknown"
	}
	return string(h)
}

var problemWords = map[string]string{
	string(contacts.SearchMiss):   "Halo's phone search misses it: no stored number holds its E.164 or national digits (store it as E.164)",
	string(contacts.MissingName):  "no first name or no surname",
	string(contacts.NoPhone):      "no phone number of their own",
	string(contacts.SharedNumber): "shares a number with another active contact",
	string(contacts.Unparseable):  "a number that is not a possible number for the region",
}

func printContactsAudit(r *runner, out contactsAuditJSON, fixed, added []contacts.Finding) {
	w := r.env.Stdout
	// Counted as status counts them: a shared number once, however many hold it.
	problems := out.SearchMiss + out.MissingName + out.NoPhone + out.SharedNumbers + out.Unparseable
	verdict := "no problems: every active contact can pop"
	if !out.OK {
		verdict = halo.CountOf(problems, "problem") + " in the way of screen pops"
	}
	fmt.Fprintf(w, "Audited %q (region %s) at %s: %s, %d active; %s.\n", out.Profile, out.Region, fmtStamp(out.At),
		halo.CountOf(out.Contacts, "contact"), out.Active, verdict)
	shared := 0
	for _, p := range out.Problems {
		if p.Problem == string(contacts.SharedNumber) {
			shared++
		}
	}
	fmt.Fprintln(w, out.probe.Text())
	fmt.Fprintf(w, "  search_miss     %d\n  missing_name    %d\n  no_phone        %d\n  shared_number   %d (%s)\n  unparseable     %d\n",
		out.SearchMiss, out.MissingName, out.NoPhone, out.SharedNumbers, halo.CountOf(shared, "contact"), out.Unparseable)
	if out.Active == 0 {
		fmt.Fprintln(w, "No active contacts visible: 1stream cannot pop any caller (does Halo hold contacts, and may the API agent read them?).")
	}
	if out.PreviousAt == nil {
		fmt.Fprintln(w, "First audit of this profile: the next one will say what changed.")
	} else {
		fmt.Fprintf(w, "Since the last audit (%s): %d fixed, %d new.\n", fmtStamp(*out.PreviousAt), len(fixed), len(added))
		for _, f := range fixed {
			fmt.Fprintf(w, "  fixed  %s  #%d %s\n", f.Problem, f.ContactID, dash(f.Contact))
		}
		for _, f := range added {
			fmt.Fprintf(w, "  new    %s  #%d %s\n", f.Problem, f.ContactID, dash(f.Contact))
		}
	}
	if len(out.Problems) == 0 {
		return
	}
	fmt.Fprintln(w, "Problems (fix them in Halo: Customers › Users, or open the link):")
	for _, p := range out.Problems {
		nums := ""
		if len(p.Numbers) > 0 {
			nums = " [" + strings.Join(p.Numbers, "; ") + "]"
		}
		words := problemWords[p.Problem]
		if p.Number != "" {
			words = "shares " + p.Number + " with another active contact"
		}
		fmt.Fprintf(w, "  %-13s #%d %s (%s / %s): %s%s %s\n", p.Problem, p.ContactID, dash(p.Contact), dash(p.Client),
			dash(p.Site), words, nums, p.Link)
	}
}

func runContactsForget(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("contacts forget", contactsForgetUsage)
	profileName := fs.profileFlag("profile whose contacts snapshot to drop")
	if err := fs.parseNoArgs(args); err != nil {
		return err
	}
	p, err := r.profile(ctx, *profileName)
	if err != nil {
		return err
	}
	runs, changes, err := r.db.JournalSize(ctx, p.ID)
	if err != nil {
		return err
	}
	_, hadSnapshot, err := r.db.ContactsSummary(ctx, p.ID)
	if err != nil {
		return err
	}
	dropped, err := r.db.ForgetContacts(ctx, p.ID)
	if err != nil {
		return err
	}
	switch {
	case !dropped:
		fmt.Fprintf(r.env.Stdout, "%q has no contacts snapshot: nothing to drop.\n", p.Name)
	case hadSnapshot:
		fmt.Fprintf(r.env.Stdout, "Dropped the contacts snapshot of %q.\n", p.Name)
	}
	if runs > 0 {
		fmt.Fprintf(r.env.Stdout, "Dropped the journal of %s (%s) written to Halo for %q: undo is no longer possible for them.\n",
			halo.CountOf(runs, "run"), halo.CountOf(changes, "change"), p.Name)
	}
	return nil
}

// contactsStatus is `status --json`'s "contacts": the last audit's counts,
// read without loading the contacts.
type contactsStatus struct {
	At       time.Time `json:"at"`
	Active   int       `json:"active"`
	Problems int       `json:"problems"`
}

// Attention kinds of `status` from the contacts audit.
const (
	attnContactsProblems = "contacts_problems"
	attnContactsStale    = "contacts_stale"
)

// contactsStaleAfter is how old an audit may be before status asks for a
// new one: contacts change as customers hire and leave.
const contactsStaleAfter = 30 * 24 * time.Hour

// addContactsStatus adds the last contacts audit to out and its attention
// items: problems found, or an audit older than contactsStaleAfter. A
// profile never audited gets neither, so status means what it did before
// the audit existed.
func (r *runner) addContactsStatus(ctx context.Context, p storage.Profile, out *statusJSON, now time.Time) error {
	sum, ok, err := r.db.ContactsSummary(ctx, p.ID)
	if err != nil || !ok {
		return err
	}
	out.Contacts = &contactsStatus{At: sum.At.UTC(), Active: sum.Active, Problems: sum.Problems()}
	q := quoteArg(p.Name)
	if n := sum.Problems(); n > 0 {
		var parts []string
		for _, c := range []struct {
			n    int
			what string
		}{{sum.SearchMiss, "missed by Halo's phone search"}, {sum.MissingName, "missing a name"}, {sum.NoPhone, "without a phone number"},
			{sum.SharedNumbers, "shared numbers"}, {sum.Unparseable, "with an unparseable number"}} {
			if c.n > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
			}
		}
		out.Attention = append(out.Attention, attentionJSON{attnContactsProblems,
			fmt.Sprintf("the contacts audit of %s found %s in the way of screen pops: %s", fmtStamp(sum.At),
				halo.CountOf(n, "problem"), strings.Join(parts, ", ")),
			"run 'halo-assistant contacts audit --profile " + q + " --out contacts.csv', fix the listed contacts in Halo, then audit again"})
	}
	if age := now.Sub(sum.At); age > contactsStaleAfter {
		out.Attention = append(out.Attention, attentionJSON{attnContactsStale,
			fmt.Sprintf("the last contacts audit is %d days old (%s)", int(age/(24*time.Hour)), fmtStamp(sum.At)),
			"halo-assistant contacts audit --profile " + q})
	}
	out.OK = len(out.Attention) == 0
	return nil
}

func printContactsStatus(r *runner, c *contactsStatus) {
	if c == nil {
		return
	}
	fmt.Fprintf(r.env.Stdout, "Contacts: %d active, %s at the last audit (%s).\n", c.Active,
		halo.CountOf(c.Problems, "problem"), fmtStamp(c.At))
}
