package gui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The contacts audit's work, without widgets: pull and audit a profile's
// contacts, or read its last audit back, ready for the screen. It runs on
// whatever goroutine calls it (the screen runs it as a job). Contacts are
// personal data: the log gets counts only.

// contactsAccessFix is what to do when Halo refuses to list contacts: the
// systems check's words (halo.AccessFix), with the checklist step that sets
// the API agent's "Users Access Level".
var contactsAccessFix, contactsAccessStep = func() (string, string) {
	fix, step := halo.AccessFix(halo.CheckContacts)
	return "Halo refused to list its contacts (Users): the API agent may not read them. " + fix, step
}()

// clientFunc makes a Halo client for a saved profile (UI.profileClient);
// adjust, when set, changes its configuration first.
type clientFunc func(ctx context.Context, p storage.Profile, adjust func(*halo.Config)) (*halo.Client, error)

// auditRunner pulls, audits and stores a profile's contacts, and reads
// the last audit back.
type auditRunner struct {
	db     *storage.DB
	client clientFunc
	log    *slog.Logger
}

// auditProgress is what a running audit reports: how far the pull is
// (pulled once a page is in) and a wait Halo asked for.
type auditProgress struct {
	pull   halo.PullProgress
	pulled bool
	wait   string
}

// auditResult is an audit made ready for the screen off the UI goroutine:
// its problems (nil: no audit stored) and what changed since the one
// before it.
type auditResult struct {
	problems *problems
	changes  storage.ContactsChanges
}

// run pulls p's contacts, audits them for region and stores them,
// reporting the pull's progress and any wait. Nothing is stored unless
// it all worked.
func (r auditRunner) run(ctx context.Context, p storage.Profile, region contacts.Region,
	report func(func(*auditProgress))) (auditResult, error) {
	started := time.Now()
	r.log.Info("contacts audit started", "profile", p.ID)
	res, err := r.pull(ctx, p, region, report)
	switch {
	case errors.Is(err, context.Canceled):
		r.log.Info("contacts audit cancelled", "profile", p.ID)
	case err != nil:
		r.log.Warn("contacts audit failed", "profile", p.ID, "err", err)
	}
	if err != nil {
		return auditResult{}, err
	}
	a := res.Audit
	r.log.Info("contacts audited", "profile", p.ID, "contacts", a.Contacts, "active", a.Active,
		"missing_name", a.MissingName, "no_phone", a.NoPhone, "shared_numbers", a.SharedNumbers,
		"unparseable", a.Unparseable, "took", time.Since(started).Round(time.Millisecond))
	return auditResult{newProblems(&a, res.Snapshot.Contacts), res.Summary.Changes}, nil
}

func (r auditRunner) pull(ctx context.Context, p storage.Profile, region contacts.Region,
	report func(func(*auditProgress))) (storage.ContactsAuditResult, error) {
	c, err := r.client(ctx, p, func(cfg *halo.Config) {
		cfg.OnWait = func(reason halo.ErrorKind, d time.Duration) {
			report(func(ap *auditProgress) { ap.wait = halo.WaitMessage(reason, d) })
		}
	})
	if err != nil {
		return storage.ContactsAuditResult{}, err
	}
	return storage.AuditContacts(ctx, r.db, c, p.ID, string(region), time.Now(), func(pp halo.PullProgress) {
		if pp.Stage == "contacts" {
			report(func(ap *auditProgress) { ap.pull, ap.pulled, ap.wait = pp, true, "" })
		}
	})
}

// last reads the profile's stored snapshot and audits it again (local,
// but half a second for 50,000 contacts) so its problems show without a
// pull. No snapshot is a zero result.
func (r auditRunner) last(ctx context.Context, profileID int64) (auditResult, error) {
	snap, ok, err := r.db.Contacts(ctx, profileID)
	if err != nil || !ok {
		return auditResult{}, err
	}
	sum, _, err := r.db.ContactsSummary(ctx, profileID)
	if err != nil {
		return auditResult{}, err
	}
	if !sum.At.Equal(snap.PulledAt) {
		// An audit from the command line landed between the two reads:
		// these changes are not the shown audit's.
		sum.Changes = storage.ContactsChanges{}
	}
	a := contacts.RunWith(snap.Contacts, snap.Region, snap.PulledAt, snap.Probe.Answer)
	return auditResult{newProblems(&a, snap.Contacts), sum.Changes}, nil
}

// pullFraction is how far the pull is, 0…1.
func pullFraction(pp halo.PullProgress) float64 {
	switch {
	case pp.ContactsTotal > 0:
		return min(1, float64(pp.Contacts)/float64(pp.ContactsTotal))
	case pp.PagesTotal > 0:
		return min(1, float64(pp.Pages)/float64(pp.PagesTotal))
	}
	return 0
}

// pullText says how far the pull is and, once a page is in, about how long
// the rest takes at the pace so far.
func pullText(pp halo.PullProgress, took time.Duration) string {
	text := fmt.Sprintf("Pulling contacts from Halo: %d read", pp.Contacts)
	if pp.ContactsTotal > 0 {
		text = fmt.Sprintf("Pulling contacts from Halo: %d of %d read", pp.Contacts, pp.ContactsTotal)
	}
	if pp.PagesTotal > 0 {
		text += fmt.Sprintf(" (page %d of %d)", pp.Pages, pp.PagesTotal)
	} else if pp.Pages > 0 {
		text += fmt.Sprintf(" (%s)", halo.CountOf(pp.Pages, "page", "pages"))
	}
	if f := pullFraction(pp); f > 0 && f < 1 {
		left := time.Duration(float64(took) * (1 - f) / f)
		text += "; about " + halo.FormatDuration(left.Round(time.Second)) + " left"
	}
	return text + " …"
}

// auditKept ends what a failed audit says: a failed audit stores nothing.
const auditKept = " Nothing was stored: the previous audit is kept."

// contactsFailure explains why work on the contacts failed (what: "audit",
// "lookup") and whether the checklist step (contactsAccessStep) fixes it.
func contactsFailure(err error, what string) (string, bool) {
	var ku *storage.KeyringUnavailableError
	switch {
	case errors.Is(err, context.Canceled):
		return "Cancelled.", false
	case halo.IsNoAccess(err):
		return contactsAccessFix, true
	case errors.Is(err, errNoSecret):
		return noSecretText, false
	case errors.As(err, &ku):
		return "The system keyring is unavailable (" + ku.Reason() + "), so the Client Secret cannot be read. To fix it, " +
			ku.Hint() + ".", false
	}
	return "The " + what + " failed: " + err.Error() + ".", false
}

// auditFailure is contactsFailure for an audit: it says that the previous
// audit is kept, unless nothing could have been stored anyway.
func auditFailure(err error) (string, bool) {
	text, step := contactsFailure(err, "audit")
	if !errors.Is(err, errNoSecret) {
		text += auditKept
	}
	return text, step
}

// contactsChangesText says how the shown audit compared with the one
// before it, right after it ran or read back after a restart.
func contactsChangesText(ch storage.ContactsChanges) string {
	problems := func(n int) string { return halo.CountOf(n, "problem", "problems") }
	switch {
	case !ch.Recorded:
		return "What changed since the previous audit shows after the next one."
	case ch.First():
		return "First audit of this profile: the next one says what changed."
	case ch.Fixed+ch.New == 0:
		return fmt.Sprintf("Nothing changed since the previous audit (%s).", fmtWhen(ch.PreviousAt))
	}
	return fmt.Sprintf("Since the previous audit (%s): %s fixed, %s new.", fmtWhen(ch.PreviousAt), problems(ch.Fixed), problems(ch.New))
}
