package gui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The models of the Contacts screen's writes run without a window.

func sampleChanges() []contacts.Change {
	return []contacts.Change{
		{ContactID: 1, Contact: "Ann Shaw", Client: "Acme", Field: halo.ContactPhone, Old: "0113 496 0107", New: "+441134960107"},
		{ContactID: 1, Contact: "Ann Shaw", Client: "Acme", Field: halo.ContactMobile, Old: "07700 900 123", New: "+447700900123"},
		{ContactID: 2, Contact: "Bo Lund", Client: "Borealis", Field: halo.ContactHome, Old: "(020) 7946 0500", New: "+442079460500"},
		{ContactID: 3, Client: "Borealis", Field: halo.ContactPhone, Old: "020 7946 0999", New: "+442079460999"},
	}
}

func TestChangeListFilterAndOptOut(t *testing.T) {
	l := newChangeList(sampleChanges(), true)
	if l.rows() != 4 || l.selectedCount() != 4 || l.selectionText() != "All 4 changes selected." {
		t.Fatalf("fresh: %d rows, %q", l.rows(), l.selectionText())
	}
	if l.cellText(3, chColContact) != "(no name) #3" || l.cellText(1, chColField) != "Mobile" || l.cellText(2, chColNew) != "+442079460500" {
		t.Fatalf("cells %q %q %q", l.cellText(3, chColContact), l.cellText(1, chColField), l.cellText(2, chColNew))
	}
	l.setIncluded(3, false)
	l.setIncluded(3, false) // twice is once
	l.setFilter("borealis")
	if l.rows() != 2 || l.included(1) || !l.included(0) {
		t.Fatalf("filtered: %d rows", l.rows())
	}
	if l.selectionText() != "3 of 4 changes selected (1 left out); 2 shown." {
		t.Fatalf("selection %q", l.selectionText())
	}
	// None and All act on the shown rows only.
	l.setShownIncluded(false)
	l.setFilter("ann mobile")
	if l.rows() != 1 {
		t.Fatalf("ann mobile: %d rows", l.rows())
	}
	l.setFilter("")
	sel := l.selected()
	if len(sel) != 2 || sel[0].Field != halo.ContactPhone || sel[1].Field != halo.ContactMobile {
		t.Fatalf("selected %+v", sel)
	}
	l.setShownIncluded(true)
	if l.selectedCount() != 4 {
		t.Fatalf("All: %d", l.selectedCount())
	}
	// A list that is not optional keeps every change.
	fixed := newChangeList(sampleChanges(), false)
	fixed.setShownIncluded(false)
	if fixed.selectedCount() != 4 || fixed.selectionText() != "4 changes." {
		t.Fatalf("not optional: %d, %q", fixed.selectedCount(), fixed.selectionText())
	}
}

func TestFixPlanTexts(t *testing.T) {
	snap := []halo.Contact{
		{ID: 1, FirstName: "Ann", Surname: "Shaw", ClientName: "Acme", PhoneNumber: "0113 496 0107", MobileNumber: "+447700900123"},
		{ID: 2, FirstName: "Bo", Surname: "Lund", ClientName: "Acme", PhoneNumber: "12"},
		{ID: 3, FirstName: "Cy", Surname: "Dunn", ClientName: "Acme", PhoneNumber: "(020) 7946 0500 ext. 7"},
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	m := newFixPlan(snap, at, "GB", contacts.FormatE164)
	if m.countsText() != "2 numbers of 2 contacts to rewrite: 1 already in this format, 1 do not parse (Edit… fixes them one by one)." {
		t.Fatalf("counts %q", m.countsText())
	}
	if m.list.cellText(1, chColNew) != "+442079460500 ext. 7" {
		t.Fatalf("an extension is kept: %q", m.list.cellText(1, chColNew))
	}
	if !strings.Contains(m.sourceText(), "region GB") || !strings.Contains(m.sourceText(), "skipped_changed") {
		t.Fatalf("source %q", m.sourceText())
	}
	// Within a minute of the audit its pull is the fresh one; later the
	// write pulls again.
	if p, b := m.requests(at.Add(30 * time.Second)); p != 0 || b != 1 {
		t.Fatalf("fresh: %d pages, %d batches", p, b)
	}
	if p, b := m.requests(at.Add(time.Hour)); p != 1 || b != 1 {
		t.Fatalf("later: %d pages, %d batches", p, b)
	}
	if got := m.requestsText(0, at.Add(time.Hour)); !strings.HasPrefix(got, "Writing sends about 2 requests (a fresh pull of about 1 page, then 1 batch") ||
		!strings.Contains(got, "50 % of Halo's rate limit (150 of its 300 requests per 5 minutes)") {
		t.Fatalf("requests %q", got)
	}
	if got := rateShareText(25, 200); !strings.HasSuffix(got, ": this run paces, about 10 minutes.") || !strings.Contains(got, "(75 of its 300") {
		t.Fatalf("pacing %q", got)
	}
	if got := m.confirmText("acme.halopsa.com"); !strings.HasPrefix(got, "Write 2 changes of 2 contacts to Halo at acme.halopsa.com?") {
		t.Fatalf("confirm %q", got)
	}
	m.list.setIncluded(0, false)
	rows := m.csvRows()
	if len(rows) != 1 || rows[0].ContactID != 3 || rows[0].Status != storage.ChangePlanned {
		t.Fatalf("csv rows %+v", rows)
	}
	if formatNamed(formatName(contacts.FormatNational)) != contacts.FormatNational || formatNamed(formatName(contacts.FormatE164)) != contacts.FormatE164 {
		t.Fatal("format names do not read back")
	}
	if shareNamed(shareName(75)) != 75 {
		t.Fatal("share names do not read back")
	}
	none := newFixPlan(snap[1:2], at, "GB", contacts.FormatE164)
	if !strings.HasPrefix(none.countsText(), "Nothing to rewrite") || none.requestsText(50, at) != "" {
		t.Fatalf("nothing: %q", none.countsText())
	}
}

func TestWriteProgressText(t *testing.T) {
	frac, text, wait := writeProgressText(storage.FixProgress{Stage: "pull", Pull: halo.PullProgress{Contacts: 100, ContactsTotal: 200}})
	if frac != 0.5 || text != "Reading Halo's contacts right before writing: 100 of 200 read …" || wait != "" {
		t.Fatalf("pull: %v %q %q", frac, text, wait)
	}
	frac, text, wait = writeProgressText(storage.FixProgress{Stage: "write", Batches: 1, BatchesTotal: 4, Changes: 211, Written: 50,
		Skipped: 2, Left: 90 * time.Second, WaitReason: halo.KindRateShare, Waiting: 40 * time.Second})
	if frac != 0.25 || text != "Batch 1 of 4: 50 written, 0 failed, 2 skipped (changed in Halo) of 211 changes; about 1m30s left." {
		t.Fatalf("write: %v %q", frac, text)
	}
	if !strings.Contains(wait, "leaving the rest for 1stream's live lookups") || !strings.HasSuffix(wait, "Cancel stops between batches.") {
		t.Fatalf("pacing: %q", wait)
	}
}

func TestWriteOutcomes(t *testing.T) {
	entries := []storage.JournalEntry{
		{Change: contacts.Change{ContactID: 1, Contact: "Ann Shaw", Field: halo.ContactPhone, Old: "0113 496 0107"}, Status: storage.ChangeWritten},
		{Change: contacts.Change{ContactID: 2, Field: halo.ContactMobile, Old: "07700 900 123"}, Status: storage.ChangeSkippedChanged},
		{Change: contacts.Change{ContactID: 3, Contact: "Cy", Field: halo.ContactHome}, Status: storage.ChangeFailed, Reason: "Halo's answer shows another value"},
	}
	run := storage.FixRun{ID: 7, Kind: storage.FixKindFix, State: storage.FixDone, Planned: 3, Written: 1, SkippedChanged: 1, Failed: 1}
	o := newWriteOutcome(storage.FixResult{Run: run, Changes: entries}, nil, "written")
	if o.level != outcomePartial || o.step != refreshStep || !strings.HasPrefix(o.text, "1 written, 1 skipped (changed in Halo since), 1 failed of 3.") ||
		!strings.HasSuffix(o.text, contacts.RefreshNote) {
		t.Fatalf("partial: %q", o.text)
	}
	want := "contact #2 · Mobile · skipped_changed: changed in Halo since, left as it is (was “07700 900 123”)\n" +
		"Cy (#3) · Home · failed: Halo's answer shows another value"
	if o.details != want {
		t.Fatalf("details %q", o.details)
	}
	all := storage.FixRun{ID: 8, State: storage.FixDone, Planned: 2, Written: 2}
	if o := newWriteOutcome(storage.FixResult{Run: all}, nil, "restored"); o.level != outcomeDone || !strings.HasPrefix(o.text, "All 2 changes restored.") {
		t.Fatalf("done: %q", o.text)
	}
	cancelled := storage.FixRun{ID: 9, State: storage.FixCancelled, Planned: 10, Written: 4}
	if o := newWriteOutcome(storage.FixResult{Run: cancelled}, nil, "written"); !strings.HasPrefix(o.text, "Cancelled between batches: 4 written") ||
		!strings.Contains(o.text, "; 6 not sent.") {
		t.Fatalf("cancelled: %q", o.text)
	}
	refused := &halo.Error{Kind: halo.KindForbidden, Message: "Halo refused to change contacts: … “Users Access Level: Read and Modify”. Nothing was written.",
		Fix: "In Halo, …", Step: "agent-perm-users"}
	stopped := storage.FixRun{ID: 10, State: storage.FixFailed, Planned: 5, Failed: 5}
	if o := newWriteOutcome(storage.FixResult{Run: stopped}, refused, "written"); o.level != outcomeFailed || o.step != "agent-perm-users" ||
		!strings.Contains(o.text, "Read and Modify") || strings.Contains(o.text, contacts.RefreshNote) {
		t.Fatalf("403: %+v", o)
	}
	if o := newWriteOutcome(storage.FixResult{}, errNoSecret, "written"); o.level != outcomeFailed || o.text != noSecretText+" Nothing was written to Halo." {
		t.Fatalf("before the journal: %q", o.text)
	}
	if o := newWriteOutcome(storage.FixResult{}, context.Canceled, "written"); o.text != "Cancelled. Nothing was written to Halo." {
		t.Fatalf("cancelled before the journal: %q", o.text)
	}
	if o := newWriteOutcome(storage.FixResult{}, &halo.Error{Kind: halo.KindForbidden, Status: 403}, "written"); o.step != contactsAccessStep {
		t.Fatalf("a refused read before writing: %+v", o)
	}
	if got := fixedSample([]storage.JournalEntry{
		{Change: contacts.Change{Field: halo.ContactPhone, New: "+441134960107 ext. 7"}, Status: storage.ChangeWritten},
		{Change: contacts.Change{Field: halo.ContactMobile, New: "+447700900123"}, Status: storage.ChangeSkippedChanged},
		{Change: contacts.Change{Field: halo.ContactHome, New: "+442079460500"}, Status: storage.ChangeWritten},
	}); got != "+442079460500" {
		t.Fatalf("sample %q", got)
	}
}

func TestUndoPreviewTexts(t *testing.T) {
	ch := sampleChanges()
	run := storage.FixRun{ID: 4, Kind: storage.FixKindFix, StartedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.Local)}
	m := newUndoPreview(storage.UndoPlan{Run: run, Changes: ch[:3], Skipped: ch[3:]})
	if !strings.HasPrefix(m.summaryText(), "Undoing the contacts fix of "+fmtWhen(run.StartedAt)+" (run 4) restores 3 values in Halo") ||
		!strings.HasSuffix(m.summaryText(), "(skipped_changed): 1 value.") {
		t.Fatalf("summary %q", m.summaryText())
	}
	if m.skippedText() != "contact #3 · Phone · the app wrote “020 7946 0999”" {
		t.Fatalf("skipped %q", m.skippedText())
	}
	if m.confirmText("h.example") != "Restore 3 values of 2 contacts in Halo at h.example?\n\nRight before writing, a value changed in Halo since is skipped." {
		t.Fatalf("confirm %q", m.confirmText("h.example"))
	}
	if m.list.optional {
		t.Fatal("an undo's rows cannot be left out")
	}
	empty := newUndoPreview(storage.UndoPlan{Run: run})
	if !strings.HasPrefix(empty.summaryText(), "Nothing to undo: Halo holds nothing") {
		t.Fatalf("empty %q", empty.summaryText())
	}
}

func TestContactEditModel(t *testing.T) {
	m := contactEdit{current: halo.Contact{ID: 5, FirstName: "Di", ClientName: "Acme", PhoneNumber: "12", MobileNumber: "07700 900123"}, region: "GB"}
	e := contacts.EditOf(m.current)
	checks := contacts.CheckNumbers(e, m.region)
	if text, warn := numberNote(checks[0], m.region); !warn || !strings.HasPrefix(text, "Not a number for GB") {
		t.Fatalf("unparseable: %q", text)
	}
	if text, warn := numberNote(checks[2], m.region); warn || text != "E.164: +447700900123" {
		t.Fatalf("mobile: %q", text)
	}
	if text, warn := numberNote(checks[1], m.region); warn || text != "" {
		t.Fatalf("blank: %q", text)
	}
	if nameNote(e) == "" {
		t.Fatal("a missing surname is not flagged")
	}
	if len(m.changes(e)) != 0 {
		t.Fatal("an untouched form changes something")
	}
	e.Surname, e.Numbers[0] = "Eld", "0113 496 0107"
	ch := m.changes(e)
	fields := []halo.ContactField{ch[0].Field, ch[1].Field}
	if len(ch) != 2 || !slices.Equal(fields, []halo.ContactField{halo.ContactPhone, halo.ContactSurname}) || nameNote(e) != "" {
		t.Fatalf("changes %+v", ch)
	}
	if got := m.confirmText(ch, "h.example"); !strings.HasPrefix(got, "Save 2 changes of Di (#5) to Halo at h.example?\n\nPhone: “12” → “0113 496 0107”\nSurname: empty → “Eld”") {
		t.Fatalf("confirm %q", got)
	}
}

func TestRunLine(t *testing.T) {
	r := storage.FixRun{ID: 3, Kind: storage.FixKindFix, State: storage.FixCancelled, Planned: 10, Written: 4, SkippedChanged: 1, Failed: 2}
	if got := runLine(r); got != "Fix (run 3): 4 of 10 written, 1 skipped (changed in Halo), 2 failed, cancelled." {
		t.Fatalf("%q", got)
	}
}

func TestAuditDelta(t *testing.T) {
	before := &contacts.Audit{HaloSearch: contacts.HaloSearchText, SearchMiss: 45, Unparseable: 3, SharedNumbers: 3, MissingName: 4, NoPhone: 4}
	after := &contacts.Audit{HaloSearch: contacts.HaloSearchText, SearchMiss: 0, Unparseable: 2, SharedNumbers: 3, MissingName: 4, NoPhone: 4}
	if got := auditDelta(before, after, false); got != "Before → after: missed by Halo's search 45 → 0 · unparseable 3 → 2 (other counts unchanged)." {
		t.Fatalf("delta %q", got)
	}
	if got := auditDelta(before, after, true); !strings.HasSuffix(got, "; search misses counted with the earlier probe's answer, as this audit's probe could not tell.") {
		t.Fatalf("carried %q", got)
	}
	if got := auditDelta(before, before, false); got != "Before → after: no count changed." {
		t.Fatalf("unchanged %q", got)
	}
	before.HaloSearch, after.HaloSearch = contacts.HaloSearchNumbers, contacts.HaloSearchUnknown
	if strings.Contains(auditDelta(before, after, false), "search") {
		t.Fatal("search misses shown though none were counted")
	}
}
