package storage

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
)

// The app's writes to Halo, journaled: a contacts fix (contacts.PlanFix), an
// edit of one contact (contacts.EditChanges) and the undo of either. Every
// change is in the journal (contact_changes) before any request of its run
// leaves, marked sent before its own request leaves, and updated with what
// Halo's answer showed; a run can be undone where Halo still holds what the
// app wrote. The journal holds names and numbers: contacts forget and
// profile removal delete it. The history (runs) and the audit log get the
// counts only.

// Kinds of journal run.
const (
	FixKindFix  = "fix"
	FixKindEdit = "edit"
	FixKindUndo = "undo"
)

// History kinds (Run.Kind) of fix and undo runs; an edit is a fix.
const (
	RunContactsFix  = "contacts_fix"
	RunContactsUndo = "contacts_undo"
)

// States of a journal run. A run left FixRunning belongs to a process that
// ended mid-run.
const (
	FixRunning   = "running"
	FixDone      = "done"
	FixCancelled = "cancelled"
	FixFailed    = "failed"
)

// Statuses of a journaled change.
const (
	ChangePlanned        = "planned"         // not sent (yet); with Sent, sent but no answer came
	ChangeWritten        = "written"         // Halo's answer showed the new value
	ChangeFailed         = "failed"          // Halo refused it, or its answer did not show the new value
	ChangeSkippedChanged = "skipped_changed" // Halo's value was no longer the plan's Old: not sent
)

// Audit actions of the journal (details: counts only).
const (
	ActionContactsFixed  = "contacts.fixed"
	ActionContactsUndone = "contacts.undone"
)

// ReusePullFor is how old a pull may be and still count as the fresh pull
// right before writing: a fix planned from a pull and confirmed within it
// writes without pulling again.
const ReusePullFor = time.Minute

// FixRun is one journaled run. Planned counts every change journaled:
// Written, SkippedChanged and Failed, and Unsent the rest (a run cancelled
// or stopped before sending them). UndoOf is the run an undo restores;
// UndoneBy the undo that restored a fix or edit (0: none).
type FixRun struct {
	ID             int64
	ProfileID      int64
	Kind           string
	UndoOf         int64
	UndoneBy       int64
	StartedAt      time.Time
	FinishedAt     time.Time // zero while running
	State          string
	Format         string
	Region         string
	Planned        int
	Written        int
	SkippedChanged int
	Failed         int
	ErrorKind      halo.ErrorKind // why a failed run stopped
}

// Unsent is how many changes the run never sent.
func (r FixRun) Unsent() int { return r.Planned - r.Written - r.SkippedChanged - r.Failed }

// interruptedAfter is how long a run may stay "running" before it counts
// as left behind by a process that ended.
const interruptedAfter = time.Hour

// NeedsAttention reports a run that left failures, stopped on an error or
// was left running by a process that ended.
func (r FixRun) NeedsAttention(now time.Time) bool {
	return r.Failed > 0 || r.State == FixFailed || (r.State == FixRunning && now.Sub(r.StartedAt) > interruptedAfter)
}

// JournalEntry is one journaled change: Sent once its request left,
// Reason why it failed (no names or numbers).
type JournalEntry struct {
	Seq int
	contacts.Change
	Status string
	Sent   bool
	Reason string
}

// PulledContacts is one pull of a profile's contacts and when it ended.
type PulledContacts struct {
	Contacts []halo.Contact
	At       time.Time
}

// PullContacts pulls every active contact through c (bulk work, held to the
// client's rate share), stamped with when the pull ended. progress may be
// nil.
func PullContacts(ctx context.Context, c *halo.Client, progress func(halo.PullProgress)) (PulledContacts, error) {
	all, err := c.Contacts(ctx, progress)
	if err != nil {
		return PulledContacts{}, err
	}
	return PulledContacts{Contacts: all, At: time.Now()}, nil
}

// FixProgress is how far a run has got, for a progress bar a GUI may
// coalesce. Stage is "pull" (Pull holds the pull's progress) or "write".
// Batches of BatchesTotal requests are done, with Written, Failed and
// Skipped of Changes so far; Left estimates the time left (0: unknown),
// pacing included. WaitReason and Waiting say that a request waits and
// why (halo.WaitMessage words it): pacing for the rate share or the
// limit, or a backoff; WaitReason is "" otherwise.
type FixProgress struct {
	Stage        string
	Pull         halo.PullProgress
	Batches      int
	BatchesTotal int
	Changes      int
	Written      int
	Failed       int
	Skipped      int
	Elapsed      time.Duration
	Left         time.Duration
	WaitReason   halo.ErrorKind
	Waiting      time.Duration
}

// FixOptions tunes a run. Current is a pull to use as the fresh one when it
// ended within ReusePullFor (else the run pulls); Progress (may be nil) is
// called from the run's goroutine; Now is the clock of the run's times and
// of the pull's age (default time.Now, the clock pulls are stamped with).
type FixOptions struct {
	Current  *PulledContacts
	Progress func(FixProgress)
	Now      func() time.Time
}

// FixResult is a finished run and its journal in order.
type FixResult struct {
	Run     FixRun
	Changes []JournalEntry
}

// RunContactFix writes the confirmed changes w of a fix or an edit (kind
// FixKindFix or FixKindEdit; format and region as planned, recorded with
// the run) to the profile's Halo through c:
//
//  1. one fresh pull (opts.Current when recent enough); every change whose
//     field in Halo is no longer its Old is skipped_changed, as is a change
//     of a contact the pull no longer holds;
//  2. the run and all its changes are journaled (one transaction) before
//     any request leaves;
//  3. the rest is sent in batches of halo.UpdateBatchSize contacts; before
//     each request leaves its changes are marked sent (committed), after it
//     they are written or failed as Halo's answer shows;
//  4. cancelling ctx stops between batches: what was sent is known, the
//     rest stays planned and unsent;
//  5. the history gets the run's counts, the audit log the same.
//
// The result is filled once the run is journaled, even with an error (a
// 403 stops the run: the fix naming the Feature Access row is the error).
// A cancelled run is no error: its State says so.
func RunContactFix(ctx context.Context, db *DB, c *halo.Client, profileID int64, kind, format, region string,
	w *halo.ConfirmedWrite, opts FixOptions) (FixResult, error) {
	if kind != FixKindFix && kind != FixKindEdit {
		return FixResult{}, errorf(ErrInvalid, "unknown fix kind %q", kind)
	}
	if w == nil {
		return FixResult{}, errorf(ErrInvalid, "a fix needs a confirmed write")
	}
	var changes []contacts.Change
	for _, ch := range w.Changes() {
		changes = append(changes, contacts.Change{ContactID: ch.ContactID, Field: ch.Field, Old: ch.Old, New: ch.New})
	}
	return runWrite(ctx, db, c, profileID, writeSpec{kind: kind, format: format, region: region, changes: changes}, w, opts)
}

// UndoPlan is what undoing Run restores: Changes set a field back from
// what the app wrote (Old, which Halo still holds) to the value before it
// (New); Skipped are the run's written changes that Halo no longer holds
// as written (someone changed them since), journaled as skipped_changed.
// Pulled is the pull it was made from.
type UndoPlan struct {
	Run     FixRun
	Changes []contacts.Change
	Skipped []contacts.Change
	Pulled  PulledContacts
}

// Confirm is the user's go-ahead for the undo's Changes (seen: how many
// the confirmation showed); nil, nil when there are none to write.
func (p UndoPlan) Confirm(seen int) (*halo.ConfirmedWrite, error) {
	if len(p.Changes) == 0 && seen == 0 {
		return nil, nil
	}
	return contacts.Confirm(p.Changes, seen)
}

// ErrNothingToUndo means the profile has no fix or edit run left to undo.
var ErrNothingToUndo = errors.New("nothing to undo")

// PlanUndo plans the undo of the profile's run runID (0: its last fix or
// edit run) from a fresh pull through c: every change the run wrote (or
// sent without an answer) whose field Halo still holds as written goes
// back to its old value. A run that was undone already, or none at all,
// is ErrNothingToUndo; an undo run cannot be undone (make a fix instead).
func PlanUndo(ctx context.Context, db *DB, c *halo.Client, profileID, runID int64,
	progress func(halo.PullProgress)) (UndoPlan, error) {
	run, entries, err := undoTarget(ctx, db, profileID, runID)
	if err != nil {
		return UndoPlan{}, err
	}
	var candidates []JournalEntry
	for _, e := range entries {
		written := e.Status == ChangeWritten
		unknown := e.Sent && (e.Status == ChangePlanned || e.Status == ChangeFailed)
		if written || unknown {
			candidates = append(candidates, e)
		}
	}
	plan := UndoPlan{Run: run}
	if len(candidates) == 0 {
		return plan, nil
	}
	touched := make([]contacts.Change, len(candidates))
	for i, e := range candidates {
		touched[i] = e.Change
	}
	pulled, err := freshContacts(ctx, c, touched, progress)
	if err != nil {
		return UndoPlan{}, err
	}
	plan.Pulled = pulled
	cur := currentValues(pulled.Contacts)
	for _, e := range candidates {
		written := e.Status == ChangeWritten
		back := contacts.Change{ContactID: e.ContactID, Contact: e.Contact, Client: e.Client, Field: e.Field, Old: e.New, New: e.Old}
		v, ok := cur.value(e.ContactID, e.Field)
		switch {
		case ok && v == e.New:
			hc := cur.byID[e.ContactID]
			back.Contact, back.Client = contacts.DisplayName(hc), hc.ClientName
			plan.Changes = append(plan.Changes, back)
		case written:
			plan.Skipped = append(plan.Skipped, back)
		}
		// A change sent without an answer that Halo does not hold was never
		// applied (or was changed since): there is nothing of it to undo.
	}
	return plan, nil
}

// undoTarget finds the run to undo and its journal.
func undoTarget(ctx context.Context, db *DB, profileID, runID int64) (FixRun, []JournalEntry, error) {
	if runID == 0 {
		last, ok, err := db.lastFixRun(ctx, profileID, true)
		if err != nil {
			return FixRun{}, nil, err
		}
		if !ok {
			return FixRun{}, nil, ErrNothingToUndo
		}
		runID = last.ID
	}
	run, entries, err := db.FixJournal(ctx, runID)
	if err != nil {
		return FixRun{}, nil, err
	}
	switch {
	case run.ProfileID != profileID:
		return FixRun{}, nil, errorf(ErrNotFound, "run %d is not a run of this profile", runID)
	case run.Kind == FixKindUndo:
		return FixRun{}, nil, errorf(ErrInvalid, "run %d is an undo: an undo is not undone (plan a fix instead)", runID)
	case run.UndoneBy != 0:
		return run, nil, fmt.Errorf("run %d was undone already by run %d: %w", runID, run.UndoneBy, ErrNothingToUndo)
	case run.State == FixRunning && time.Since(run.StartedAt) < interruptedAfter:
		return FixRun{}, nil, errorf(ErrInvalid, "run %d is still running: undo it once it has finished", runID)
	}
	return run, entries, nil
}

// RunUndo writes an undo plan (its Changes, confirmed as w; w may be nil
// when there are none) as RunContactFix writes a fix: a fresh pull unless
// plan.Pulled (or opts.Current) is recent enough, the journal first
// (plan.Skipped as skipped_changed), batches, history.
func RunUndo(ctx context.Context, db *DB, c *halo.Client, profileID int64, plan UndoPlan, w *halo.ConfirmedWrite,
	opts FixOptions) (FixResult, error) {
	if w == nil && len(plan.Changes) > 0 {
		return FixResult{}, errorf(ErrInvalid, "an undo with changes needs a confirmed write")
	}
	if w != nil && w.Len() != len(plan.Changes) {
		return FixResult{}, errorf(ErrInvalid, "the confirmed write holds %d changes, the undo plan %d", w.Len(), len(plan.Changes))
	}
	if opts.Current == nil && plan.Pulled.Contacts != nil {
		pulled := plan.Pulled
		opts.Current = &pulled
	}
	spec := writeSpec{kind: FixKindUndo, undoOf: plan.Run.ID, format: plan.Run.Format, region: plan.Run.Region,
		changes: plan.Changes, skipped: plan.Skipped}
	return runWrite(ctx, db, c, profileID, spec, w, opts)
}

// writeSpec is what one run writes: changes to send (each checked against
// the fresh pull) and changes journaled as skipped_changed from the start.
type writeSpec struct {
	kind           string
	undoOf         int64
	format, region string
	changes        []contacts.Change
	skipped        []contacts.Change
}

// maxSingleReads is the most contacts a run reads one by one (GET
// /api/Users/{id}) instead of pulling them all: an edit, a short plan.
const maxSingleReads = 5

// freshContacts is what Halo holds now of the contacts changes touch: each
// read by itself when they are few, else one pull of every contact.
func freshContacts(ctx context.Context, c *halo.Client, changes []contacts.Change,
	progress func(halo.PullProgress)) (PulledContacts, error) {
	var ids []int
	seen := map[int]bool{}
	for _, ch := range changes {
		if !seen[ch.ContactID] {
			seen[ch.ContactID] = true
			ids = append(ids, ch.ContactID)
		}
	}
	if len(ids) > maxSingleReads {
		return PullContacts(ctx, c, progress)
	}
	out := PulledContacts{Contacts: make([]halo.Contact, 0, len(ids))}
	for _, id := range ids {
		hc, ok, err := c.Contact(ctx, id)
		if err != nil {
			return PulledContacts{}, err
		}
		if ok {
			out.Contacts = append(out.Contacts, hc)
		}
	}
	out.At = time.Now()
	return out, nil
}

// values is a pull's writable fields by contact id.
type values struct{ byID map[int]halo.Contact }

func currentValues(all []halo.Contact) values {
	v := values{byID: make(map[int]halo.Contact, len(all))}
	for _, c := range all {
		v.byID[c.ID] = c
	}
	return v
}

func (v values) value(id int, f halo.ContactField) (string, bool) {
	c, ok := v.byID[id]
	if !ok {
		return "", false
	}
	return f.Of(c), true
}

// journalError is a failure to write the journal: the run stops, and
// nothing that was not journaled was sent.
type journalError struct{ error }

func (e journalError) Unwrap() error { return e.error }

// batch is one request's changes: positions in the journal.
type batch []int

func runWrite(ctx context.Context, db *DB, c *halo.Client, profileID int64, spec writeSpec, w *halo.ConfirmedWrite,
	opts FixOptions) (FixResult, error) {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	p, err := db.Profile(ctx, profileID)
	if err != nil {
		return FixResult{}, err
	}
	start := now()
	mon := newFixMonitor(opts.Progress, start, now)
	ctx = halo.WithWaitHook(ctx, mon.wait)

	// 1. The fresh pull: what Halo holds right before writing (a few
	// contacts, an edit's, are read one by one instead).
	var pulled PulledContacts
	if len(spec.changes) > 0 {
		if cur := opts.Current; cur != nil && now().Sub(cur.At) <= ReusePullFor && now().Sub(cur.At) >= 0 {
			pulled = *cur
		} else if pulled, err = freshContacts(ctx, c, spec.changes, mon.pull); err != nil {
			return FixResult{}, err
		}
	}
	entries := journalEntries(spec, currentValues(pulled.Contacts))

	// 2. The journal, before anything leaves.
	run := FixRun{ProfileID: profileID, Kind: spec.kind, UndoOf: spec.undoOf, StartedAt: start, State: FixRunning,
		Format: spec.format, Region: spec.region, Planned: len(entries)}
	for _, e := range entries {
		if e.Status == ChangeSkippedChanged {
			run.SkippedChanged++
		}
	}
	if run.ID, err = db.journalRun(ctx, run, entries); err != nil {
		return FixResult{}, err
	}

	// 3. The batches, each journaled as sent before it leaves and with
	// Halo's answer after.
	batches := writeBatches(entries)
	mon.startWrite(len(batches), len(entries)-run.SkippedChanged, run.SkippedChanged)
	bw := batchWriter{db: db, c: c, w: w, now: now, run: &run, entries: entries}
	var stopErr error
	for bi, b := range batches {
		if ctx.Err() != nil {
			run.State = FixCancelled
			break
		}
		mon.left(c.BulkETA(len(batches) - bi))
		stopErr = bw.send(ctx, b)
		if run.State == FixCancelled && !sentAny(entries, b) {
			break
		}
		bw.record(ctx, b, &stopErr)
		mon.batchDone(entries, b)
		if run.State != FixRunning {
			break
		}
	}

	// 4. The counts.
	if run.State == FixRunning {
		run.State = FixDone
	}
	run.Written, run.Failed = 0, 0
	for _, e := range entries {
		switch e.Status {
		case ChangeWritten:
			run.Written++
		case ChangeFailed:
			run.Failed++
		}
	}
	run.FinishedAt = now()
	// 5. The run's end, the history and the audit log: stored even when ctx
	// was cancelled.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := db.finishRun(fctx, p, run); err != nil && stopErr == nil {
		stopErr = err
	}
	mon.done()
	return FixResult{Run: run, Changes: entries}, stopErr
}

// journalEntries is the journal of spec's changes against what Halo holds
// now (cur): a field whose value is no longer the change's Old is
// skipped_changed, as is every change spec already skipped.
func journalEntries(spec writeSpec, cur values) []JournalEntry {
	entries := make([]JournalEntry, 0, len(spec.changes)+len(spec.skipped))
	for _, ch := range spec.changes {
		e := JournalEntry{Change: ch, Status: ChangePlanned}
		if hc, ok := cur.byID[ch.ContactID]; ok {
			e.Contact, e.Client = contacts.DisplayName(hc), hc.ClientName
		}
		if v, ok := cur.value(ch.ContactID, ch.Field); !ok || v != ch.Old {
			e.Status = ChangeSkippedChanged
		}
		entries = append(entries, e)
	}
	for _, ch := range spec.skipped {
		entries = append(entries, JournalEntry{Change: ch, Status: ChangeSkippedChanged})
	}
	for i := range entries {
		entries[i].Seq = i + 1
	}
	return entries
}

// writeBatches groups the planned entries into batches of at most
// halo.UpdateBatchSize contacts each, in plan order (a contact's changes
// stay in one batch).
func writeBatches(entries []JournalEntry) []batch {
	var batches []batch
	contactsIn, lastID := 0, 0
	for i, e := range entries {
		if e.Status != ChangePlanned {
			continue
		}
		newContact := len(batches) == 0 || e.ContactID != lastID
		if len(batches) == 0 || (newContact && contactsIn == halo.UpdateBatchSize) {
			batches = append(batches, nil)
			contactsIn = 0
		}
		if newContact {
			contactsIn++
		}
		lastID = e.ContactID
		batches[len(batches)-1] = append(batches[len(batches)-1], i)
	}
	return batches
}

// batchWriter sends a run's batches and sets the run's state and its
// entries' statuses from what came back.
type batchWriter struct {
	db      *DB
	c       *halo.Client
	w       *halo.ConfirmedWrite
	now     func() time.Time
	run     *FixRun
	entries []JournalEntry
}

// send writes batch b, journaled as sent before the request leaves. It
// returns the error that stops the run, if any.
func (bw batchWriter) send(ctx context.Context, b batch) error {
	entries := bw.entries
	changes := make([]halo.ContactChange, len(b))
	for k, i := range b {
		changes[k] = entries[i].Write()
	}
	outcomes, err := bw.c.UpdateContacts(ctx, bw.w, changes, func([]halo.ContactChange) error {
		if err := bw.db.markSent(ctx, bw.run.ID, entries, b, bw.now()); err != nil {
			return journalError{err}
		}
		return nil
	})
	if err == nil {
		for k, i := range b {
			entries[i].Sent = true
			if outcomes[k].Written {
				entries[i].Status = ChangeWritten
			} else {
				entries[i].Status, entries[i].Reason = ChangeFailed, outcomes[k].Reason
			}
		}
		return nil
	}
	var je journalError
	switch {
	case errors.As(err, &je):
		bw.run.State = FixFailed
		return fmt.Errorf("the journal could not be written, so the batch was not sent: %w", je.error)
	case halo.KindOf(err) == halo.KindCanceled:
		// Cancelled while waiting for its turn: nothing was sent.
		bw.run.State = FixCancelled
		return nil
	}
	kind := halo.KindOf(err)
	if kind == "" {
		kind = halo.KindBadResponse
	}
	failBatch(entries, b, string(kind))
	if stopsRun(kind) {
		bw.run.State, bw.run.ErrorKind = FixFailed, kind
		return err
	}
	return nil
}

// record journals batch b's answer (or failure) on a context a cancel does
// not cut short: what was sent must be recorded. A failure to record stops
// the run unless something already did (*stopErr).
func (bw batchWriter) record(ctx context.Context, b batch, stopErr *error) {
	if err := bw.db.recordBatch(context.WithoutCancel(ctx), bw.run.ID, bw.entries, b); err != nil && *stopErr == nil {
		*stopErr = fmt.Errorf("Halo answered, but the journal could not record it: %w", err)
		bw.run.State = FixFailed
	}
}

// stopsRun reports failures that every further batch would meet too: no
// permission, no login, no connection, Halo's limit spent.
func stopsRun(kind halo.ErrorKind) bool {
	switch kind {
	case halo.KindServer, halo.KindBadResponse:
		return false
	}
	return true
}

func failBatch(entries []JournalEntry, b batch, reason string) {
	for _, i := range b {
		if entries[i].Sent {
			entries[i].Status, entries[i].Reason = ChangeFailed, reason
		}
	}
}

func sentAny(entries []JournalEntry, b batch) bool {
	for _, i := range b {
		if entries[i].Sent {
			return true
		}
	}
	return false
}
