package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

const statusUsage = `status --profile NAME [--sync] [--json]

For scripts and RMM monitors: exit 0 when nothing needs attention (every user mapped, no stale
mapping, no change since the last export, the latest systems check passed), 1 when something does
(each item is listed with its fix), 2 on a usage error. --sync pulls Halo first (secret from the
keyring), so agents disabled in Halo today count.`

// statusJSON is the `status --json` contract.
type statusJSON struct {
	OK                 bool            `json:"ok"`
	Profile            string          `json:"profile"`
	Users              int             `json:"users"`
	Mapped             int             `json:"mapped"`
	Unmapped           int             `json:"unmapped"`
	Stale              int             `json:"stale"`
	ChangesSinceExport int             `json:"changes_since_export"`
	LastExport         *time.Time      `json:"last_export"`
	LastSync           *time.Time      `json:"last_sync"`
	LastCheck          *lastCheckJSON  `json:"last_check"`
	Contacts           *contactsStatus `json:"contacts"` // null when never audited
	Attention          []attentionJSON `json:"attention"`
}

type lastCheckJSON struct {
	At time.Time `json:"at"`
	OK bool      `json:"ok"`
}

type attentionJSON struct {
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
	Fix    string `json:"fix"`
}

// Attention kinds of `status`.
const (
	attnSyncFailed = "sync_failed"
	attnNoUsers    = "no_users"
	attnUnmapped   = "unmapped"
	attnStale      = "stale"
	attnChanges    = "changes"
	attnNoCheck    = "no_check"
	attnCheckFail  = "check_failed"
)

func runStatus(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("status", statusUsage)
	profileName := fs.profileFlag("profile")
	doSync := fs.Bool("sync", false, "pull agents from Halo first (secret from the keyring)")
	asJSON := fs.jsonFlag("")
	if err := fs.parseNoArgs(args); err != nil {
		return err
	}
	p, err := r.profile(ctx, *profileName)
	if err != nil {
		return err
	}
	var syncErr error
	if *doSync {
		_, _, syncErr = r.pullAndRecord(ctx, p, nil, nil, 0)
		if errors.As(syncErr, new(usageError)) { // e.g. a bad HALO_ASSISTANT_TIMEOUT: exit 2, not an attention item
			return syncErr
		}
	}
	d, err := storage.LoadDayTwo(ctx, r.db, p.ID)
	if err != nil {
		return err
	}
	out := evaluateStatus(d, syncErr)
	if err := r.addContactsStatus(ctx, p, &out, time.Now()); err != nil {
		return err
	}
	addFixStatus(d, &out, time.Now())
	if *asJSON {
		if err := writeJSON(r, out); err != nil {
			return err
		}
	} else {
		printStatus(r, out)
	}
	if !out.OK {
		return errReported
	}
	return nil
}

// evaluateStatus decides what needs attention.
func evaluateStatus(d *storage.DayTwo, syncErr error) statusJSON {
	name := d.Profile.Name
	c := mapping.CountStatus(d.Users, d.Mappings, d.Agents)
	changes := d.Changes()
	out := statusJSON{Profile: name, Users: c.Users, Mapped: c.Mapped, Unmapped: c.Unmapped, Stale: c.Stale,
		ChangesSinceExport: len(changes), LastExport: lastExport(d), Attention: []attentionJSON{}}
	if !d.PulledAt.IsZero() {
		t := d.PulledAt.UTC()
		out.LastSync = &t
	}
	if d.Checked {
		out.LastCheck = &lastCheckJSON{At: d.CheckRun.StartedAt.UTC(), OK: d.CheckRun.OK}
	}
	add := func(kind, detail, fix string) {
		out.Attention = append(out.Attention, attentionJSON{kind, detail, fix})
	}
	q := quoteArg(name)
	if syncErr != nil {
		fix := "run 'halo-assistant sync --profile " + q + "' to see the full error"
		var he *halo.Error
		if errors.As(syncErr, &he) && he.Fix != "" {
			fix = he.Fix
		}
		add(attnSyncFailed, "the Halo sync failed: "+syncErr.Error(), fix)
	}
	if c.Users == 0 {
		add(attnNoUsers, "no 1stream users imported", "halo-assistant users import --profile "+q+" FILE")
	}
	idx := mapping.IndexAgents(d.Agents)
	byUser := mapping.MappingsByUser(d.Mappings)
	var unmapped, stale []string
	for i := range d.Users {
		u := &d.Users[i]
		m := byUser[u.ID]
		switch mapping.UserStatus(m, idx) {
		case mapping.StatusUnmapped:
			unmapped = append(unmapped, u.Short())
		case mapping.StatusStale:
			stale = append(stale, u.Short()+" → "+m.AgentName+" ("+mapping.StaleReason(m, idx)+")")
		}
	}
	if len(unmapped) > 0 {
		add(attnUnmapped, fmt.Sprintf("%s without a Halo agent: %s", halo.CountOf(len(unmapped), "user"), firstFew(unmapped)),
			"halo-assistant map auto --profile "+q+", then map the rest with 'map set' or on the app's Mapping screen")
	}
	if len(stale) > 0 {
		add(attnStale, fmt.Sprintf("%s to an agent disabled or removed in Halo: %s", halo.CountOf(len(stale), "mapping"), firstFew(stale)),
			"map each user to another agent (halo-assistant map set --profile "+q+" --extension EXT --agent-id ID --move) or remove the mapping")
	}
	if len(changes) > 0 {
		since := "the last export (" + fmtStamp(d.Export.At) + ")"
		if !d.Exported {
			since = "the first export: nothing exported yet"
		}
		dos := make([]string, 0, len(changes))
		for _, ch := range changes {
			dos = append(dos, ch.Do)
		}
		add(attnChanges, fmt.Sprintf("%s since %s: %s", halo.CountOf(len(changes), "change"), since, firstFew(dos)),
			"halo-assistant export --profile "+q+" --changes --out changes.csv, then apply each row in 1stream's CRM User Mappings screen")
	}
	switch {
	case !d.Checked:
		add(attnNoCheck, "no systems check has been run", "halo-assistant check --profile "+q)
	case !d.CheckRun.OK:
		add(attnCheckFail, "the latest systems check ("+fmtStamp(d.CheckRun.StartedAt)+") did not pass: "+d.CheckRun.Summary,
			"run 'halo-assistant check --profile "+q+"' and follow its fixes")
	}
	out.OK = len(out.Attention) == 0
	return out
}

// firstFew lists up to three items and how many more there are, so one
// attention line stays readable in an RMM's alert.
func firstFew(items []string) string {
	if len(items) <= 3 {
		return strings.Join(items, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(items[:3], "; "), len(items)-3)
}

// quoteArg quotes a profile name for a command line when it needs it.
func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\"'$`\\;&|<>()*?!#~") {
		return s
	}
	return `"` + strings.NewReplacer(`"`, `\"`, `\`, `\\`, "$", `\$`, "`", "\\`").Replace(s) + `"`
}

func printStatus(r *runner, s statusJSON) {
	verdict := "OK"
	if !s.OK {
		verdict = "ATTENTION"
	}
	last := func(t *time.Time) string {
		if t == nil {
			return "never"
		}
		return fmtStamp(*t)
	}
	check := "never"
	if s.LastCheck != nil {
		check = "failed " + fmtStamp(s.LastCheck.At)
		if s.LastCheck.OK {
			check = "passed " + fmtStamp(s.LastCheck.At)
		}
	}
	fmt.Fprintf(r.env.Stdout, "%s %s: %d users, %d mapped, %d unmapped, %d stale; %s since the last export (%s); last sync %s; last check %s\n",
		verdict, s.Profile, s.Users, s.Mapped, s.Unmapped, s.Stale, halo.CountOf(s.ChangesSinceExport, "change"),
		last(s.LastExport), last(s.LastSync), check)
	printContactsStatus(r, s.Contacts)
	for _, a := range s.Attention {
		fmt.Fprintf(r.env.Stdout, "- %s: %s. Fix: %s\n", a.Kind, oneLine(a.Detail), a.Fix)
	}
}
