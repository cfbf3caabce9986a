package gui

import (
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// Fix numbers in Halo…'s plan without widgets: the audit's contacts
// planned for the profile's format (contacts.PlanFix), the changes the
// admin keeps, and the texts of the preview and its confirmation.

// fixPlan is one plan as the preview shows it.
type fixPlan struct {
	plan contacts.FixPlan
	list *changeList
	// pulled is the audit's pull the plan was made from: the run uses it as
	// its fresh pull only while it is recent (storage.ReusePullFor).
	pulled storage.PulledContacts
}

// newFixPlan plans the audit's contacts (pulled at at) for region and f;
// off the UI goroutine (50,000 contacts take a good part of a second).
func newFixPlan(snap []halo.Contact, at time.Time, region string, f contacts.Format) *fixPlan {
	p := contacts.PlanFix(snap, region, f)
	return &fixPlan{plan: p, list: newChangeList(p.Changes, true), pulled: storage.PulledContacts{Contacts: snap, At: at}}
}

// formatName is a target format in the preview's words.
func formatName(f contacts.Format) string {
	if f == contacts.FormatNational {
		return "National digits (no spaces)"
	}
	return "E.164 (+ and country code)"
}

// formatNamed is the format a choice of the preview's names stands for.
func formatNamed(name string) contacts.Format {
	if name == formatName(contacts.FormatNational) {
		return contacts.FormatNational
	}
	return contacts.FormatE164
}

// countsText is the plan's counts: what changes and what stays.
func (m *fixPlan) countsText() string {
	p := m.plan
	if len(p.Changes) == 0 {
		return fmt.Sprintf("Nothing to rewrite: of %s of the audit's active contacts, %d are stored in this format already "+
			"and %d do not parse (Edit… fixes those one by one).", halo.CountOf(p.Numbers, "number", "numbers"), p.InFormat, p.Unparseable)
	}
	text := fmt.Sprintf("%s of %s to rewrite: %d already in this format, %d do not parse (Edit… fixes them one by one)",
		halo.CountOf(len(p.Changes), "number", "numbers"), halo.CountOf(p.Contacts, "contact", "contacts"), p.InFormat, p.Unparseable)
	if p.Kept > 0 {
		text += fmt.Sprintf(", %d hold more than one number or a note and stay as they are", p.Kept)
	}
	return text + "."
}

// sourceText says what the plan was made from and what keeps it safe.
func (m *fixPlan) sourceText() string {
	return fmt.Sprintf("Planned from the audit of %s, numbers read for region %s. Only the contacts' own four numbers change "+
		"(an extension is kept as \" ext. N\"). Right before writing, the app reads Halo's contacts again and skips any number "+
		"someone changed since (skipped_changed). Every change is journaled first; Undo last fix… restores them.",
		fmtWhen(m.pulled.At), m.plan.Region)
}

// requests is about how many requests writing the selection sends: a
// fresh pull (one page per halo.DefaultPageSize contacts) unless the
// audit's pull is still recent, and one batch per halo.UpdateBatchSize
// contacts.
func (m *fixPlan) requests(now time.Time) (pages, batches int) {
	if now.Sub(m.pulled.At) > storage.ReusePullFor {
		pages = ceilDiv(len(m.pulled.Contacts), halo.DefaultPageSize)
	}
	return pages, ceilDiv(distinctContacts(m.list.selected()), halo.UpdateBatchSize)
}

func ceilDiv(n, d int) int { return (n + d - 1) / d }

// requestsText says what writing the selection costs at share percent of
// Halo's rate limit.
func (m *fixPlan) requestsText(share int, now time.Time) string {
	pages, batches := m.requests(now)
	if batches == 0 {
		return ""
	}
	parts := fmt.Sprintf("%s of up to %d contacts", halo.CountOf(batches, "batch", "batches"), halo.UpdateBatchSize)
	if pages > 0 {
		parts = fmt.Sprintf("a fresh pull of about %s, then %s", halo.CountOf(pages, "page", "pages"), parts)
	}
	return fmt.Sprintf("Writing sends about %s (%s). ", halo.CountOf(pages+batches, "request", "requests"), parts) +
		rateShareText(share, pages+batches)
}

// rateShareText says what share percent of Halo's rate limit means for n
// requests of bulk work.
func rateShareText(share, n int) string {
	if share == 0 {
		share = halo.DefaultRateShare
	}
	perWindow := max(1, halo.DefaultRateLimit*share/100)
	window := int(halo.DefaultRateWindow / time.Minute)
	text := fmt.Sprintf("Bulk work takes at most %d %% of Halo's rate limit (%d of its %d requests per %s), leaving the rest "+
		"for 1stream's lookups", share, perWindow, halo.DefaultRateLimit, halo.CountOf(window, "minute"))
	if waits := ceilDiv(n, perWindow) - 1; waits > 0 {
		return text + fmt.Sprintf(": this run paces, about %s.", halo.CountOf(waits*window, "minute"))
	}
	return text + "."
}

// confirmText is the confirmation's question: the Halo and the number of
// changes.
func (m *fixPlan) confirmText(host string) string {
	sel := m.list.selected()
	return fmt.Sprintf("Write %s of %s to Halo at %s?\n\nEach number is rewritten to %s; a number changed in Halo since "+
		"the audit is skipped. Undo last fix… restores what was written.", halo.CountOf(len(sel), "change", "changes"),
		halo.CountOf(distinctContacts(sel), "contact", "contacts"), host, formatName(m.plan.Format))
}

// csvRows is the selection as a saved plan (contacts fix --plan applies
// it).
func (m *fixPlan) csvRows() []contacts.PlanRow {
	sel := m.list.selected()
	rows := make([]contacts.PlanRow, len(sel))
	for i, c := range sel {
		rows[i] = contacts.PlanRow{Change: c, Status: storage.ChangePlanned}
	}
	return rows
}
