package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

const lookupUsage = `lookup --profile NAME NUMBER [--region CC] [--json]

Tests a caller: asks Halo for NUMBER the way a phone system does (Halo's phone search, with the
number as typed, in national and in E.164 form) and also matches the contacts snapshot of the last
'contacts audit' by normalised number. Says whether the call pops one contact, finds none (unknown
caller) or several (ambiguous), and when Halo's own search misses a contact the snapshot holds
(the stored format may defeat 1stream's lookup). Numbers without a country code are read for
--region, else the profile's region, else the last audit's, else the OS locale's. Exit 0 exactly
one active contact, 1 none or several, 2 usage or connection error (with its fix).`

// lookupJSON is the `lookup --json` contract.
type lookupJSON struct {
	Number          string            `json:"number"`
	E164            string            `json:"e164"`
	Region          string            `json:"region"`
	Verdict         string            `json:"verdict"`
	Matches         []lookupMatchJSON `json:"matches"`
	HaloSearchFound int               `json:"halo_search_found"`
	MissedByHalo    []int             `json:"missed_by_halo"`
	SnapshotAt      *time.Time        `json:"snapshot_at"`
}

type lookupMatchJSON struct {
	ContactID    int    `json:"contact_id"`
	Contact      string `json:"contact"`
	Client       string `json:"client"`
	Site         string `json:"site"`
	Field        string `json:"field"`
	Link         string `json:"link"`
	InHaloSearch bool   `json:"in_halo_search"`
}

func runLookup(ctx context.Context, r *runner, args []string) error {
	return asExit2(lookup(ctx, r, args))
}

func lookup(ctx context.Context, r *runner, args []string) error {
	fs := r.newFlags("lookup", lookupUsage)
	profileName := fs.profileFlag("profile to ask (secret from the keyring)")
	regionArg := regionFlag(fs, "region for a number without a country code, e.g. GB (default: the profile's)")
	asJSON := fs.jsonFlag("print the result as JSON")
	pos, err := fs.parse(args)
	if err != nil {
		return err
	}
	// An unquoted "020 7946 0500" arrives as three arguments.
	number := strings.TrimSpace(strings.Join(pos, " "))
	if number == "" {
		return usagef("give the caller's NUMBER to look up")
	}
	region, err := parseRegion(*regionArg)
	if err != nil {
		return err
	}
	p, err := r.profile(ctx, *profileName)
	if err != nil {
		return err
	}
	snap, haveSnap, err := r.db.Contacts(ctx, p.ID)
	if err != nil {
		return err
	}
	region = r.contactsRegion(region, p, snap.Region)
	client, err := r.contactsClient(ctx, p, nil)
	if err != nil {
		return err
	}
	hctx, cancel, err := r.haloContext(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	l, err := contacts.LookupNumber(hctx, client, snap.Contacts, number, region)
	if err != nil {
		return withContactsFix(err)
	}
	// Counts only: the number and the names are personal data.
	r.log.Info("caller lookup", "verdict", string(l.Verdict), "matches", len(l.Matches), "halo_search_found", l.HaloSearchFound)

	out := lookupJSON{Number: l.Number, E164: l.E164, Region: region, Verdict: string(l.Verdict),
		Matches: make([]lookupMatchJSON, 0, len(l.Matches)), HaloSearchFound: l.HaloSearchFound, MissedByHalo: []int{}}
	for _, m := range l.Matches {
		out.Matches = append(out.Matches, lookupMatchJSON{ContactID: m.ContactID, Contact: m.Contact, Client: m.Client,
			Site: m.Site, Field: m.Field, Link: m.Link, InHaloSearch: m.InHaloSearch})
	}
	for _, m := range l.MissedByHalo {
		out.MissedByHalo = append(out.MissedByHalo, m.ContactID)
	}
	if haveSnap {
		t := snap.PulledAt.UTC()
		out.SnapshotAt = &t
	}
	if *asJSON {
		if err := writeJSON(r, out); err != nil {
			return err
		}
	} else {
		printLookup(r, p, out)
	}
	if l.Verdict != contacts.VerdictOne {
		return errReported
	}
	return nil
}

func printLookup(r *runner, p storage.Profile, out lookupJSON) {
	w := r.env.Stdout
	asked := out.Number
	if out.E164 != "" && out.E164 != out.Number {
		asked += " (" + out.E164 + ")"
	} else if out.E164 == "" {
		asked += " (not a possible number for region " + out.Region + ": asked Halo as typed only)"
	}
	names := make([]string, len(out.Matches))
	for i, m := range out.Matches {
		names[i] = dash(m.Contact)
	}
	switch contacts.Verdict(out.Verdict) {
	case contacts.VerdictOne:
		fmt.Fprintf(w, "%s: one contact — the call pops %s.\n", asked, names[0])
	case contacts.VerdictNone:
		fmt.Fprintf(w, "%s: no contact — an unknown caller (1stream pops nothing).\n", asked)
	default:
		fmt.Fprintf(w, "%s: %d contacts — ambiguous: which of %s?\n", asked, len(out.Matches), strings.Join(names, ", "))
	}
	for _, m := range out.Matches {
		fmt.Fprintf(w, "  #%d %s — customer %s, site %s, field %s — %s\n", m.ContactID, dash(m.Contact), dash(m.Client),
			dash(m.Site), dash(m.Field), m.Link)
	}
	fmt.Fprintf(w, "Halo's own phone search found %s.\n", halo.CountOf(out.HaloSearchFound, "active contact"))
	if len(out.MissedByHalo) > 0 {
		missed := make([]string, 0, len(out.MissedByHalo))
		for _, m := range out.Matches {
			if !m.InHaloSearch {
				missed = append(missed, fmt.Sprintf("#%d %s", m.ContactID, dash(m.Contact)))
			}
		}
		fmt.Fprintf(w, "Halo's search missed %s, which the snapshot matches: the stored format may defeat 1stream's lookup "+
			"(store the number in one consistent form, e.g. %s).\n", strings.Join(missed, ", "), dash(out.E164))
	}
	if out.SnapshotAt == nil {
		fmt.Fprintf(w, "No contacts snapshot for %q: run contacts audit first to also match the normalised snapshot "+
			"(halo-assistant contacts audit --profile %s).\n", p.Name, quoteArg(p.Name))
	}
}
