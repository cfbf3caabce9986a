package storage

import (
	"context"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
)

// ContactsAuditResult is one contacts audit: what it found, what changed
// since the profile's previous audit (Fixed, Added; both empty on a first
// audit, which HadPrevious tells apart) and the contacts it stored.
type ContactsAuditResult struct {
	Audit       contacts.Audit
	Fixed       []contacts.Finding
	Added       []contacts.Finding
	HadPrevious bool
	Snapshot    ContactsSnapshot
	Summary     ContactsSummary // as stored, with the changes' counts
}

// AuditContacts pulls every active contact of the profile's Halo through c,
// probes Halo's phone search through c (contacts.ProbeSearch: at most three
// searches), audits the contacts for region at now with the probe's answer
// (contacts.RunWith) and stores them as the profile's snapshot with the
// probe and the audit's counts, replacing the previous one in one
// transaction. A probe that cannot tell (no number to probe with, a
// refused or failed search) keeps the previous audit's answer when that
// audit was of the same Halo, or else leaves it unknown and the audit goes on without search misses. The previous snapshot is audited again with
// the same region and the same answer before it is replaced, so a changed
// region or a first probe does not show as problems fixed or new. Nothing
// is stored when the pull fails or ctx is cancelled; progress (may be nil)
// hears about every page. The CLI and the GUI both audit through here.
func AuditContacts(ctx context.Context, db *DB, c *halo.Client, profileID int64, region string, now time.Time,
	progress func(halo.PullProgress)) (ContactsAuditResult, error) {
	region = strings.ToUpper(strings.TrimSpace(region))
	if err := validateRegion(region); err != nil {
		return ContactsAuditResult{}, err
	}
	if region == "" {
		return ContactsAuditResult{}, errorf(ErrInvalid, "a contacts audit needs the region to read numbers for")
	}
	// The previous snapshot first: a profile that does not exist fails
	// before the pull, and a read error costs no requests.
	prev, hadPrev, err := db.Contacts(ctx, profileID)
	if err != nil {
		return ContactsAuditResult{}, err
	}
	all, err := c.Contacts(ctx, progress)
	if err != nil {
		return ContactsAuditResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return ContactsAuditResult{}, err
	}
	probe, err := contacts.ProbeSearch(ctx, c, all, region)
	if err != nil {
		return ContactsAuditResult{}, err
	}
	base := c.Instance().Base
	if hadPrev && prev.HaloBase != "" && prev.HaloBase == base {
		probe = probe.KeepingEarlier(prev.Probe)
	}
	// Stored at the database's precision, so the result's times equal what
	// reads back.
	now = parseTime(fmtTime(now))
	res := ContactsAuditResult{Audit: contacts.RunWith(all, region, now, probe.Answer), HadPrevious: hadPrev}
	if hadPrev {
		res.Fixed, res.Added = contacts.Diff(contacts.RunWith(prev.Contacts, region, prev.PulledAt, probe.Answer), res.Audit)
	}
	res.Snapshot = ContactsSnapshot{ProfileID: profileID, PulledAt: now, Region: region, HaloBase: base, Probe: probe, Contacts: all}
	a := res.Audit
	sum := ContactsSummary{At: now, Region: region, Probe: probe, Contacts: a.Contacts, Active: a.Active,
		SearchMiss: a.SearchMiss, MissingName: a.MissingName,
		NoPhone: a.NoPhone, SharedNumbers: a.SharedNumbers, Unparseable: a.Unparseable,
		Changes: ContactsChanges{Recorded: true}}
	if hadPrev {
		sum.Changes.PreviousAt, sum.Changes.Fixed, sum.Changes.New = prev.PulledAt, len(res.Fixed), len(res.Added)
	}
	if err := db.ReplaceContacts(ctx, res.Snapshot, sum); err != nil {
		return ContactsAuditResult{}, err
	}
	res.Summary = sum
	return res, nil
}
