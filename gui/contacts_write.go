package gui

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The app's writes to Halo's contacts from the Contacts screen, without
// widgets: a fix, an edit of one contact and the undo of either, each
// journaled by storage (RunContactFix, PlanUndo, RunUndo) and held to the
// profile's rate share; their progress and outcome in words. The log gets
// counts only.

// contactWriter writes a profile's contacts.
type contactWriter struct {
	db     *storage.DB
	client clientFunc
	log    *slog.Logger
}

// writeJob is one fix or edit to write: changes the confirmation named
// (seen of them), planned for format and region; current, when set, is
// the pull they were planned from (used as the fresh pull while recent).
type writeJob struct {
	kind           string // storage.FixKindFix or storage.FixKindEdit
	format, region string
	changes        []contacts.Change
	seen           int
	current        *storage.PulledContacts
}

// progressTo hands a run's progress to a job's report.
func progressTo(report func(func(*storage.FixProgress))) func(storage.FixProgress) {
	return func(fp storage.FixProgress) { report(func(p *storage.FixProgress) { *p = fp }) }
}

// write runs j for p (off the UI goroutine): confirmed, journaled, a
// fresh pull first, batches with progress; cancelling ctx stops between
// batches.
func (w contactWriter) write(ctx context.Context, p storage.Profile, j writeJob,
	report func(func(*storage.FixProgress))) (storage.FixResult, error) {
	c, err := w.client(ctx, p, nil)
	if err != nil {
		return storage.FixResult{}, err
	}
	cw, err := contacts.Confirm(j.changes, j.seen)
	if err != nil {
		return storage.FixResult{}, err
	}
	res, err := storage.RunContactFix(ctx, w.db, c, p.ID, j.kind, j.format, j.region, cw,
		storage.FixOptions{Current: j.current, Progress: progressTo(report)})
	w.logRun(p, res, err)
	return res, err
}

// planUndo reads Halo afresh (progress as a pull) and plans the undo of
// run runID.
func (w contactWriter) planUndo(ctx context.Context, p storage.Profile, runID int64,
	report func(func(*storage.FixProgress))) (storage.UndoPlan, error) {
	c, err := w.client(ctx, p, nil)
	if err != nil {
		return storage.UndoPlan{}, err
	}
	return storage.PlanUndo(ctx, w.db, c, p.ID, runID, func(pp halo.PullProgress) {
		report(func(fp *storage.FixProgress) { *fp = storage.FixProgress{Stage: "pull", Pull: pp} })
	})
}

// undo writes plan (seen: the changes the confirmation named).
func (w contactWriter) undo(ctx context.Context, p storage.Profile, plan storage.UndoPlan, seen int,
	report func(func(*storage.FixProgress))) (storage.FixResult, error) {
	c, err := w.client(ctx, p, nil)
	if err != nil {
		return storage.FixResult{}, err
	}
	cw, err := plan.Confirm(seen)
	if err != nil {
		return storage.FixResult{}, err
	}
	res, err := storage.RunUndo(ctx, w.db, c, p.ID, plan, cw, storage.FixOptions{Progress: progressTo(report)})
	w.logRun(p, res, err)
	return res, err
}

// contact reads one contact as Halo holds it now (an edit starts there);
// ok is false when Halo has no such contact.
func (w contactWriter) contact(ctx context.Context, p storage.Profile, id int) (halo.Contact, bool, error) {
	c, err := w.client(ctx, p, nil)
	if err != nil {
		return halo.Contact{}, false, err
	}
	return c.Contact(ctx, id)
}

// undoable is the profile's newest fix or edit run, which Undo last fix…
// restores; ok is false when there is none or it was undone already.
func (w contactWriter) undoable(ctx context.Context, profileID int64) (storage.FixRun, bool, error) {
	runs, err := w.db.FixRuns(ctx, profileID)
	if err != nil {
		return storage.FixRun{}, false, err
	}
	for _, r := range runs {
		if r.Kind == storage.FixKindFix || r.Kind == storage.FixKindEdit {
			return r, r.UndoneBy == 0 && r.Written+r.Failed > 0, nil
		}
	}
	return storage.FixRun{}, false, nil
}

func (w contactWriter) logRun(p storage.Profile, res storage.FixResult, err error) {
	r := res.Run
	args := []any{"profile", p.ID, "kind", r.Kind, "run", r.ID, "planned", r.Planned, "written", r.Written,
		"skipped_changed", r.SkippedChanged, "failed", r.Failed, "state", r.State}
	if err != nil {
		w.log.Warn("contacts write stopped", append(args, "error_kind", string(halo.KindOf(err)))...)
		return
	}
	w.log.Info("contacts written", args...)
}

// writeProgressText is a run's progress as the bar (0…1), a line and the
// wait, if any, with its reason.
func writeProgressText(p storage.FixProgress) (frac float64, text, wait string) {
	if p.WaitReason != "" {
		wait = halo.WaitMessage(p.WaitReason, p.Waiting) + " Cancel stops between batches."
	}
	switch p.Stage {
	case "pull":
		text = "Reading Halo's contacts right before writing, so a number changed since the plan is skipped …"
		if p.Pull.Contacts > 0 {
			text = fmt.Sprintf("Reading Halo's contacts right before writing: %d", p.Pull.Contacts)
			if p.Pull.ContactsTotal > 0 {
				text += fmt.Sprintf(" of %d", p.Pull.ContactsTotal)
			}
			text += " read …"
		}
		return pullFraction(p.Pull), text, wait
	case "write", "done":
		text = fmt.Sprintf("Batch %d of %d: %d written, %d failed, %d skipped (changed in Halo) of %s", p.Batches,
			p.BatchesTotal, p.Written, p.Failed, p.Skipped, halo.CountOf(p.Changes, "change", "changes"))
		if p.Left > 0 {
			text += "; about " + halo.FormatDuration(p.Left) + " left"
		}
		if p.BatchesTotal > 0 {
			frac = float64(p.Batches) / float64(p.BatchesTotal)
		}
		return frac, text + ".", wait
	}
	return 0, "Reading the Client Secret and signing in …", wait
}

// outcomeLevel is how a write ended, for the colour of its words.
type outcomeLevel int

const (
	outcomeDone    outcomeLevel = iota // everything written
	outcomePartial                     // some skipped, failed or not sent
	outcomeFailed                      // nothing written: an error
)

// writeOutcome is what a write did, in words: text, the changes it did not
// write (details, one a line) and the checklist step that fixes a failure.
type writeOutcome struct {
	level   outcomeLevel
	text    string
	details string
	step    string
}

// newWriteOutcome describes a finished run (res) or why it did not run;
// done is the verb of a written change ("written", "restored").
func newWriteOutcome(res storage.FixResult, err error, done string) writeOutcome {
	var he *halo.Error
	if res.Run.ID == 0 {
		return failedOutcome(err, "write")
	}
	r := res.Run
	o := writeOutcome{level: outcomePartial, details: notWrittenText(res.Changes)}
	counts := fmt.Sprintf("%d %s, %d skipped (changed in Halo since), %d failed of %d", r.Written, done, r.SkippedChanged, r.Failed, r.Planned)
	switch {
	case err != nil && errors.As(err, &he) && he.Kind == halo.KindForbidden:
		o.level, o.step = outcomeFailed, he.Step
		o.text = he.Message + " " + he.Fix
	case err != nil:
		o.level = outcomeFailed
		o.text = fmt.Sprintf("Stopped: %s (%s; %d not sent). The journal records what was sent.", err.Error(), counts, r.Unsent())
	case r.State == storage.FixCancelled:
		o.text = fmt.Sprintf("Cancelled between batches: %s; %d not sent. The journal records exactly what was sent, "+
			"so Undo restores what was written.", counts, r.Unsent())
	case r.Written == r.Planned:
		o.level, o.text = outcomeDone, fmt.Sprintf("All %s %s.", halo.CountOf(r.Written, "change", "changes"), done)
	default:
		o.text = strings.ToUpper(counts[:1]) + counts[1:] + "."
	}
	if r.Written > 0 {
		o.text += " " + contacts.RefreshNote
		if o.step == "" {
			o.step = refreshStep
		}
	}
	return o
}

// failedOutcome is a write that failed before it was journaled (what: the
// step that failed, for contactsFailure).
func failedOutcome(err error, what string) writeOutcome {
	text, access := contactsFailure(err, what)
	o := writeOutcome{level: outcomeFailed, text: text + " Nothing was written to Halo."}
	if access {
		o.step = contactsAccessStep
	}
	return o
}

// maxListed bounds the changes an outcome names one by one.
const maxListed = 50

// notWrittenText names the changes a run skipped or that failed, one a line.
func notWrittenText(entries []storage.JournalEntry) string {
	var lines []string
	more := 0
	for _, e := range entries {
		var why string
		switch e.Status {
		case storage.ChangeSkippedChanged:
			why = "skipped_changed: changed in Halo since, left as it is (was " + quoteValue(e.Old) + ")"
		case storage.ChangeFailed:
			why = "failed: " + e.Reason
		default:
			continue
		}
		if len(lines) == maxListed {
			more++
			continue
		}
		lines = append(lines, fmt.Sprintf("%s · %s · %s", changeContact(e.Change), fieldLabel(e.Field), why))
	}
	if more > 0 {
		lines = append(lines, fmt.Sprintf("… and %d more.", more))
	}
	return strings.Join(lines, "\n")
}

// changeContact names a change's contact.
func changeContact(c contacts.Change) string {
	if c.Contact == "" {
		return fmt.Sprintf("contact #%d", c.ContactID)
	}
	return fmt.Sprintf("%s (#%d)", c.Contact, c.ContactID)
}

// quoteValue shows a field's value, an empty one as such.
func quoteValue(s string) string {
	if s == "" {
		return "empty"
	}
	return "“" + s + "”"
}
