package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

const lookupUsage = `lookup --profile NAME NUMBER [--region CC] [--json]

Tests a caller: asks Halo's phone search for NUMBER in the forms a caller ID arrives in, E.164
(+441134960107) and national digits (01134960107), never spaced; a number that does not parse is
asked as typed. Other CTI integrations, Halo's own 3CX template among them, ask this search on every
call; 1stream pulls the contacts at its Systems Check and refreshes its contact cache hourly (how it
compares numbers is not published). Says whether Halo's search finds one active contact, none
(unknown caller) or several (ambiguous), and which forms found each. The contacts snapshot of the
last 'contacts audit' is matched by normalised number too: a contact it holds that Halo's search
misses is named with its stored number and the fix (store the number as E.164). Numbers without a
country code are read for --region, else the profile's region, else the last audit's, else the OS
locale's. Exit 0 Halo's search finds exactly one active contact, 1 none or several, 2 usage or
connection error (with its fix).`

// lookupJSON is the `lookup --json` contract.
type lookupJSON struct {
	Number          string            `json:"number"`
	E164            string            `json:"e164"`
	Asked           []string          `json:"asked"` // the searches sent: the caller-ID forms, or the number as typed
	Region          string            `json:"region"`
	Verdict         string            `json:"verdict"`
	Matches         []lookupMatchJSON `json:"matches"`
	HaloSearchFound int               `json:"halo_search_found"`
	MissedByHalo    []int             `json:"missed_by_halo"`
	SnapshotAt      *time.Time        `json:"snapshot_at"`
}

type lookupMatchJSON struct {
	ContactID    int      `json:"contact_id"`
	Contact      string   `json:"contact"`
	Client       string   `json:"client"`
	Site         string   `json:"site"`
	Field        string   `json:"field"`
	Stored       string   `json:"stored"` // the field's text as stored in Halo
	Link         string   `json:"link"`
	InHaloSearch bool     `json:"in_halo_search"`
	FoundAs      []string `json:"found_as"` // the searches that found it; empty when only the snapshot holds it
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

	out := lookupJSON{Number: l.Number, E164: l.E164, Asked: l.Asked, Region: region, Verdict: string(l.Verdict),
		Matches: make([]lookupMatchJSON, 0, len(l.Matches)), HaloSearchFound: l.HaloSearchFound, MissedByHalo: []int{}}
	for _, m := range l.Matches {
		out.Matches = append(out.Matches, lookupMatchJSON{ContactID: m.ContactID, Contact: m.Contact, Client: m.Client,
			Site: m.Site, Field: m.Field, Stored: m.Stored, Link: m.Link, InHaloSearch: m.InHaloSearch,
			FoundAs: append([]string{}, m.FoundAs...)})
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
	if out.E164 == "" {
		asked += " (not a possible number for region " + out.Region + ": asked Halo's phone search as typed)"
	} else {
		asked += " (asked Halo's phone search for " + strings.Join(out.Asked, " and ") + ", the forms a caller ID arrives in)"
	}
	found := out.Matches[:out.HaloSearchFound]
	names := make([]string, len(found))
	for i, m := range found {
		names[i] = dash(m.Contact)
	}
	switch contacts.Verdict(out.Verdict) {
	case contacts.VerdictOne:
		fmt.Fprintf(w, "%s: one contact — Halo's search finds %s: a lookup by it pops this contact.\n", asked, names[0])
	case contacts.VerdictNone:
		fmt.Fprintf(w, "%s: no contact — Halo's search finds none: an unknown caller.\n", asked)
	default:
		fmt.Fprintf(w, "%s: %d contacts — ambiguous: which of %s?\n", asked, len(found), strings.Join(names, ", "))
	}
	for _, m := range found {
		fmt.Fprintf(w, "  #%d %s — customer %s, site %s, %s %s — found as %s — %s\n", m.ContactID, dash(m.Contact), dash(m.Client),
			dash(m.Site), dash(m.Field), dash(m.Stored), strings.Join(m.FoundAs, " and "), m.Link)
	}
	for _, m := range out.Matches[out.HaloSearchFound:] {
		fmt.Fprintf(w, "  #%d %s — customer %s, site %s — Halo's search misses this contact: its %s is stored as %q, "+
			"which holds neither form; store it as %s (E.164) in Halo — %s\n", m.ContactID, dash(m.Contact), dash(m.Client),
			dash(m.Site), dash(m.Field), m.Stored, out.E164, m.Link)
	}
	if out.SnapshotAt == nil {
		fmt.Fprintf(w, "No contacts snapshot for %q: run contacts audit first to also match the normalised snapshot "+
			"(halo-assistant contacts audit --profile %s).\n", p.Name, quoteArg(p.Name))
	}
}
