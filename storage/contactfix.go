package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
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
	cur := currentValues(pulled.Contacts)
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
	res := FixResult{Run: run, Changes: entries}

	// 3. The batches: at most UpdateBatchSize contacts each, in plan order.
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
	mon.startWrite(len(batches), len(entries)-run.SkippedChanged, run.SkippedChanged)
	var stopErr error
	for bi, b := range batches {
		if ctx.Err() != nil {
			res.Run.State = FixCancelled
			break
		}
		mon.left(c.BulkETA(len(batches) - bi))
		changes := make([]halo.ContactChange, len(b))
		for k, i := range b {
			changes[k] = entries[i].Write()
		}
		outcomes, err := c.UpdateContacts(ctx, w, changes, func([]halo.ContactChange) error {
			if err := db.markSent(ctx, res.Run.ID, entries, b, now()); err != nil {
				return journalError{err}
			}
			return nil
		})
		if err != nil {
			var je journalError
			switch {
			case errors.As(err, &je):
				stopErr = fmt.Errorf("the journal could not be written, so the batch was not sent: %w", je.error)
				res.Run.State = FixFailed
			case halo.KindOf(err) == halo.KindCanceled:
				// Cancelled while waiting for its turn: nothing was sent.
				res.Run.State = FixCancelled
			default:
				kind := halo.KindOf(err)
				if kind == "" {
					kind = halo.KindBadResponse
				}
				failBatch(entries, b, string(kind))
				if stopsRun(kind) {
					stopErr = err
					res.Run.State = FixFailed
					res.Run.ErrorKind = kind
				}
			}
			if res.Run.State == FixCancelled && !sentAny(entries, b) {
				break
			}
		} else {
			for k, i := range b {
				entries[i].Sent = true
				if outcomes[k].Written {
					entries[i].Status = ChangeWritten
				} else {
					entries[i].Status, entries[i].Reason = ChangeFailed, outcomes[k].Reason
				}
			}
		}
		// The answer (or the failure) is journaled on a context a cancel
		// does not cut short: what was sent must be recorded.
		if jerr := db.recordBatch(context.WithoutCancel(ctx), res.Run.ID, entries, b); jerr != nil && stopErr == nil {
			stopErr = fmt.Errorf("Halo answered, but the journal could not record it: %w", jerr)
			res.Run.State = FixFailed
		}
		mon.batchDone(entries, b)
		if res.Run.State != FixRunning {
			break
		}
	}
	if res.Run.State == FixRunning {
		res.Run.State = FixDone
	}
	res.Run.Written, res.Run.Failed = 0, 0
	for _, e := range entries {
		switch e.Status {
		case ChangeWritten:
			res.Run.Written++
		case ChangeFailed:
			res.Run.Failed++
		}
	}
	res.Run.FinishedAt = now()
	res.Changes = entries
	// 5. The run's end, the history and the audit log: stored even when ctx
	// was cancelled.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := db.finishRun(fctx, p, res.Run); err != nil && stopErr == nil {
		stopErr = err
	}
	mon.done()
	return res, stopErr
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

// journalRun stores a new run and all its changes in one transaction.
func (db *DB) journalRun(ctx context.Context, r FixRun, entries []JournalEntry) (int64, error) {
	var id int64
	err := db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := getProfile(ctx, tx, r.ProfileID); err != nil {
			return err
		}
		var undoOf sql.NullInt64
		if r.UndoOf != 0 {
			undoOf = sql.NullInt64{Int64: r.UndoOf, Valid: true}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO contact_fix_runs (profile_id, kind, undo_of, started_at, state, format,
			region, planned, skipped_changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ProfileID, r.Kind, undoOf, fmtTime(r.StartedAt), r.State, r.Format, r.Region, r.Planned, r.SkippedChanged)
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return errorf(ErrConflict, "run %d was undone meanwhile", r.UndoOf)
			}
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO contact_changes (run_id, seq, contact_id, contact, client, field,
			old, new, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, e := range entries {
			if _, err := stmt.ExecContext(ctx, id, e.Seq, e.ContactID, e.Contact, e.Client, string(e.Field),
				e.Old, e.New, e.Status); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// markSent records, and commits, that the changes b are about to leave.
func (db *DB) markSent(ctx context.Context, runID int64, entries []JournalEntry, b batch, at time.Time) error {
	err := db.updateChanges(ctx, "sent_at = ?", runID, entries, b, func(JournalEntry) []any { return []any{fmtTime(at)} })
	if err == nil {
		for _, i := range b {
			entries[i].Sent = true
		}
	}
	return err
}

// recordBatch stores what became of the changes b.
func (db *DB) recordBatch(ctx context.Context, runID int64, entries []JournalEntry, b batch) error {
	return db.updateChanges(ctx, "status = ?, reason = ?", runID, entries, b, func(e JournalEntry) []any { return []any{e.Status, e.Reason} })
}

// updateChanges sets columns (set, with the values vals gives) of the
// changes b of a run, in one transaction.
func (db *DB) updateChanges(ctx context.Context, set string, runID int64, entries []JournalEntry, b batch, vals func(JournalEntry) []any) error {
	return db.withTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, "UPDATE contact_changes SET "+set+" WHERE run_id = ? AND seq = ?")
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, i := range b {
			if _, err := stmt.ExecContext(ctx, append(vals(entries[i]), runID, entries[i].Seq)...); err != nil {
				return err
			}
		}
		return nil
	})
}

// fixReport is the history record of a run: counts only.
type fixReport struct {
	JournalRun     int64  `json:"journal_run"`
	Kind           string `json:"kind"`
	UndoOf         int64  `json:"undo_of,omitempty"`
	State          string `json:"state"`
	Planned        int    `json:"planned"`
	Written        int    `json:"written"`
	SkippedChanged int    `json:"skipped_changed"`
	Failed         int    `json:"failed"`
	Unsent         int    `json:"unsent"`
	ErrorKind      string `json:"error_kind,omitempty"`
}

// Summary is the run in one line of counts, for the history and the log.
func (r FixRun) Summary() string {
	what := map[string]string{FixKindFix: "contacts fix", FixKindEdit: "contact edit", FixKindUndo: "undo"}[r.Kind]
	if r.Kind == FixKindUndo {
		what = fmt.Sprintf("undo of run %d", r.UndoOf)
	}
	s := fmt.Sprintf("%s (run %d): %d written, %d skipped (changed in Halo), %d failed of %d planned",
		what, r.ID, r.Written, r.SkippedChanged, r.Failed, r.Planned)
	if n := r.Unsent(); n > 0 {
		s += fmt.Sprintf(", %d not sent", n)
	}
	switch r.State {
	case FixCancelled:
		s += "; cancelled"
	case FixFailed:
		s += "; stopped"
		if r.ErrorKind != "" {
			s += " (" + string(r.ErrorKind) + ")"
		}
	}
	return s
}

// finishRun stores the run's end and counts, its history row and an audit
// event, in one transaction.
func (db *DB) finishRun(ctx context.Context, p Profile, r FixRun) error {
	kind, action := RunContactsFix, ActionContactsFixed
	if r.Kind == FixKindUndo {
		kind, action = RunContactsUndo, ActionContactsUndone
	}
	body, err := json.Marshal(fixReport{JournalRun: r.ID, Kind: r.Kind, UndoOf: r.UndoOf, State: r.State, Planned: r.Planned,
		Written: r.Written, SkippedChanged: r.SkippedChanged, Failed: r.Failed, Unsent: r.Unsent(), ErrorKind: string(r.ErrorKind)})
	if err != nil {
		return err
	}
	return db.withTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE contact_fix_runs SET finished_at = ?, state = ?, written = ?, skipped_changed = ?,
			failed = ?, error_kind = ? WHERE id = ?`, fmtTime(r.FinishedAt), r.State, r.Written, r.SkippedChanged, r.Failed,
			string(r.ErrorKind), r.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO runs (profile_id, kind, started_at, duration_ns, ok, summary, report)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, p.ID, kind, fmtTime(r.StartedAt), int64(r.FinishedAt.Sub(r.StartedAt)),
			boolInt(r.State == FixDone && r.Failed == 0), r.Summary(), body); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Action: action, Detail: r.Summary()})
	})
}

const fixRunCols = `r.id, r.profile_id, r.kind, coalesce(r.undo_of, 0), coalesce(u.id, 0), r.started_at, coalesce(r.finished_at, ''),
	r.state, r.format, r.region, r.planned, r.written, r.skipped_changed, r.failed, r.error_kind`

const fixRunFrom = ` FROM contact_fix_runs r LEFT JOIN contact_fix_runs u ON u.undo_of = r.id`

func scanFixRun(sc interface{ Scan(...any) error }) (FixRun, error) {
	var r FixRun
	var started, finished, kind string
	err := sc.Scan(&r.ID, &r.ProfileID, &r.Kind, &r.UndoOf, &r.UndoneBy, &started, &finished, &r.State, &r.Format, &r.Region,
		&r.Planned, &r.Written, &r.SkippedChanged, &r.Failed, &kind)
	r.StartedAt, r.FinishedAt, r.ErrorKind = parseTime(started), parseTime(finished), halo.ErrorKind(kind)
	return r, err
}

// FixRuns lists the profile's journaled runs, newest first.
func (db *DB) FixRuns(ctx context.Context, profileID int64) ([]FixRun, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT "+fixRunCols+fixRunFrom+" WHERE r.profile_id = ? ORDER BY r.id DESC", profileID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FixRun
	for rows.Next() {
		r, err := scanFixRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// LatestFixRun is the profile's newest journaled run of any kind; ok is
// false when there is none.
func (db *DB) LatestFixRun(ctx context.Context, profileID int64) (FixRun, bool, error) {
	return db.lastFixRun(ctx, profileID, false)
}

// lastFixRun is the newest run, or with undoable the newest fix or edit.
func (db *DB) lastFixRun(ctx context.Context, profileID int64, undoable bool) (FixRun, bool, error) {
	q := "SELECT " + fixRunCols + fixRunFrom + " WHERE r.profile_id = ?"
	if undoable {
		q += " AND r.kind IN ('fix', 'edit')"
	}
	r, err := scanFixRun(db.db.QueryRowContext(ctx, q+" ORDER BY r.id DESC LIMIT 1", profileID))
	if errors.Is(err, sql.ErrNoRows) {
		return FixRun{}, false, nil
	}
	return r, err == nil, err
}

// FixJournal is one run and its changes in order.
func (db *DB) FixJournal(ctx context.Context, runID int64) (FixRun, []JournalEntry, error) {
	var run FixRun
	var out []JournalEntry
	err := db.readTx(ctx, func(q querier) error {
		var err error
		run, err = scanFixRun(q.QueryRowContext(ctx, "SELECT "+fixRunCols+fixRunFrom+" WHERE r.id = ?", runID))
		if errors.Is(err, sql.ErrNoRows) {
			return errorf(ErrNotFound, "no journaled run %d", runID)
		}
		if err != nil {
			return err
		}
		rows, err := q.QueryContext(ctx, `SELECT seq, contact_id, contact, client, field, old, new, status, sent_at IS NOT NULL, reason
			FROM contact_changes WHERE run_id = ? ORDER BY seq`, runID)
		if err != nil {
			return err
		}
		defer rows.Close()
		out = make([]JournalEntry, 0, run.Planned)
		for rows.Next() {
			var e JournalEntry
			var field string
			if err := rows.Scan(&e.Seq, &e.ContactID, &e.Contact, &e.Client, &field, &e.Old, &e.New, &e.Status, &e.Sent, &e.Reason); err != nil {
				return err
			}
			e.Field = halo.ContactField(field)
			out = append(out, e)
		}
		return rows.Err()
	})
	return run, out, err
}

// JournalSize is how many runs and changes the profile's journal holds:
// what contacts forget and profile removal delete, after which no run can
// be undone.
func (db *DB) JournalSize(ctx context.Context, profileID int64) (runs, changes int, err error) {
	err = db.db.QueryRowContext(ctx, `SELECT count(DISTINCT r.id), count(c.run_id) FROM contact_fix_runs r
		LEFT JOIN contact_changes c ON c.run_id = r.id WHERE r.profile_id = ?`, profileID).Scan(&runs, &changes)
	return runs, changes, err
}

// deleteJournal deletes the profile's journal inside tx (contacts forget);
// it reports how many runs it held.
func deleteJournal(ctx context.Context, tx execer, profileID int64) (int, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM contact_fix_runs WHERE profile_id = ?", profileID).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	// The changes first and explicitly, not one run at a time through the
	// foreign key.
	if _, err := tx.ExecContext(ctx, `DELETE FROM contact_changes WHERE run_id IN
		(SELECT id FROM contact_fix_runs WHERE profile_id = ?)`, profileID); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM contact_fix_runs WHERE profile_id = ?", profileID); err != nil {
		return 0, err
	}
	return n, nil
}

// fixMonitor turns a run's steps into FixProgress calls.
type fixMonitor struct {
	mu       sync.Mutex
	report   func(FixProgress)
	now      func() time.Time
	start    time.Time
	p        FixProgress
	waited   time.Duration // pacing and backoffs during the writes
	writeAt  time.Time
	paceLeft time.Duration
}

func newFixMonitor(report func(FixProgress), start time.Time, now func() time.Time) *fixMonitor {
	return &fixMonitor{report: report, now: now, start: start, p: FixProgress{Stage: "pull"}}
}

func (m *fixMonitor) send() {
	if m.report == nil {
		return
	}
	m.p.Elapsed = m.now().Sub(m.start)
	m.report(m.p)
}

func (m *fixMonitor) pull(pp halo.PullProgress) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Pull, m.p.WaitReason, m.p.Waiting = pp, "", 0
	m.send()
}

// wait is the run's halo.WithWaitHook: a request waits for its turn or
// backs off.
func (m *fixMonitor) wait(reason halo.ErrorKind, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.p.Stage == "write" {
		m.waited += d
	}
	if d < time.Second {
		return // not worth a word
	}
	m.p.WaitReason, m.p.Waiting = reason, d
	m.send()
}

func (m *fixMonitor) startWrite(batches, toWrite, skipped int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Stage, m.p.BatchesTotal, m.p.Changes, m.p.Skipped = "write", batches, toWrite+skipped, skipped
	m.p.WaitReason, m.p.Waiting = "", 0
	m.writeAt = m.now()
	m.send()
}

// left records what pacing alone adds before the remaining batches.
func (m *fixMonitor) left(pace time.Duration) {
	m.mu.Lock()
	m.paceLeft = pace
	m.mu.Unlock()
}

func (m *fixMonitor) batchDone(entries []JournalEntry, b batch) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Batches++
	for _, i := range b {
		switch entries[i].Status {
		case ChangeWritten:
			m.p.Written++
		case ChangeFailed:
			m.p.Failed++
		}
	}
	// Time left: the remaining batches at the pace of those done (their
	// waits left out), plus what the rate limit makes them wait.
	rest := m.p.BatchesTotal - m.p.Batches
	work := max(0, m.now().Sub(m.writeAt)-m.waited)
	m.p.Left = 0
	if rest > 0 {
		m.p.Left = work/time.Duration(m.p.Batches)*time.Duration(rest) + m.paceLeft
	}
	m.p.WaitReason, m.p.Waiting = "", 0
	m.send()
}

func (m *fixMonitor) done() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.p.Stage, m.p.Left, m.p.WaitReason, m.p.Waiting = "done", 0, "", 0
	m.send()
}
