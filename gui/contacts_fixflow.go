package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// contactWrites is the Contacts screen's writes to Halo: Fix numbers in
// Halo… and Undo last fix…, what the last write did (and, once the screen
// audited again, the counts before and after), and the dialogs of a fix,
// an undo and an edit.
type contactWrites struct {
	writer  contactWriter
	fixBtn  *widget.Button
	undoBtn *widget.Button
	stepBtn *widget.Button // 1stream's refresh after a fix (checklist)
	note    *widget.Label
	row     *fyne.Container
	undoRun *storage.FixRun // what Undo last fix… restores; nil: nothing
	// before is the audit shown when the last write started, kept until
	// the audit after it is in.
	before  *contacts.Audit
	loadSeq int
	fix     *fixDialog
	undo    *undoDialog
	edit    *editDialog
}

// fixShortcut opens Fix numbers in Halo… (Ctrl+Shift+F).
var fixShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// refreshStep is the checklist step on 1stream's refresh after a fix.
const refreshStep = "fix-refresh"

func newContactWrites(writer contactWriter, fix, undo, step func()) *contactWrites {
	w := &contactWrites{writer: writer, note: wrapped("")}
	w.fixBtn = widget.NewButtonWithIcon("Fix numbers in Halo…", theme.DocumentCreateIcon(), fix)
	w.undoBtn = widget.NewButtonWithIcon("Undo last fix…", theme.ContentUndoIcon(), undo)
	w.stepBtn = widget.NewButtonWithIcon("1stream's refresh (checklist)", theme.NavigateNextIcon(), step)
	// The buttons sit beside the problems' Export (problemsView); the
	// note's row shows once a write said something.
	w.row = container.NewBorder(nil, nil, nil, container.NewVBox(w.stepBtn), w.note)
	w.say("", false)
	return w
}

// clear forgets the profile's write state (another profile is shown).
func (w *contactWrites) clear() {
	w.loadSeq++
	w.undoRun, w.before = nil, nil
	w.say("", false)
}

// say shows what the last write did.
func (w *contactWrites) say(text string, refresh bool) {
	w.note.SetText(text)
	show(w.stepBtn, refresh)
	show(w.row, text != "")
}

// setUndoable shows what Undo last fix… would restore (nil: nothing).
func (w *contactWrites) setUndoable(r *storage.FixRun) {
	w.undoRun = r
	w.undoBtn.SetText("Undo last fix…")
	if r != nil {
		w.undoBtn.SetText(fmt.Sprintf("Undo last fix (run %d)…", r.ID))
	}
}

// auditDelta is the counts of two audits of the same contacts, before →
// after a write: those that changed, and whether the rest did not.
// carried says after's search misses were counted with an earlier probe's
// answer (after's own probe could not tell).
func auditDelta(before, after *contacts.Audit, carried bool) string {
	type count struct {
		name string
		b, a int
	}
	var counts []count
	if before.HaloSearch == contacts.HaloSearchText || after.HaloSearch == contacts.HaloSearchText {
		counts = append(counts, count{"missed by Halo's search", before.SearchMiss, after.SearchMiss})
	}
	counts = append(counts, count{"unparseable", before.Unparseable, after.Unparseable},
		count{"numbers shared", before.SharedNumbers, after.SharedNumbers},
		count{"missing a name", before.MissingName, after.MissingName},
		count{"without a phone number", before.NoPhone, after.NoPhone})
	var parts []string
	for _, c := range counts {
		if c.b != c.a {
			parts = append(parts, fmt.Sprintf("%s %d → %d", c.name, c.b, c.a))
		}
	}
	if len(parts) == 0 {
		return "Before → after: no count changed."
	}
	text := "Before → after: " + strings.Join(parts, " · ")
	if len(parts) < len(counts) {
		text += " (other counts unchanged)"
	}
	if carried {
		text += "; search misses counted with the earlier probe's answer, as this audit's probe could not tell"
	}
	return text + "."
}

// runLine is a finished write in a few words.
func runLine(r storage.FixRun) string {
	what := map[string]string{storage.FixKindFix: "Fix", storage.FixKindEdit: "Edit", storage.FixKindUndo: "Undo"}[r.Kind]
	text := fmt.Sprintf("%s (run %d): %d of %d written", what, r.ID, r.Written, r.Planned)
	if r.SkippedChanged > 0 {
		text += fmt.Sprintf(", %d skipped (changed in Halo)", r.SkippedChanged)
	}
	if r.Failed > 0 {
		text += fmt.Sprintf(", %d failed", r.Failed)
	}
	if r.State == storage.FixCancelled {
		text += ", cancelled"
	}
	return text + "."
}

// askWrite asks before a write to the profile's Halo: question gets the
// Halo's host, yes is the confirming button's text, ok runs once the admin
// agreed. It returns the question's dialog (nil when the profile's URL is
// no Halo URL, which it says).
func (s *contactsScreen) askWrite(title, yes string, question func(host string) string, ok func()) *dialog.ConfirmDialog {
	inst, err := halo.ParseInstance(s.profile.HaloURL)
	if err != nil {
		s.u.showError("The profile's Halo URL is not valid", err)
		return nil
	}
	d := dialog.NewConfirm(title, question(inst.Host), func(agreed bool) {
		if agreed {
			ok()
		}
	}, s.u.win)
	d.SetConfirmText(yes)
	d.Show()
	s.u.escapable(d.Dismiss)
	return d
}

// canWrite reports whether the screen may start a write.
func (s *contactsScreen) canWrite() bool {
	return s.connected() && !s.audit.running()
}

// openFix opens Fix numbers in Halo… for the shown audit (button,
// Ctrl+Shift+F).
func (s *contactsScreen) openFix() {
	if !s.canWrite() || s.problems.model == nil || s.u.dialogShown() {
		return
	}
	s.writes.fix = newFixDialog(s)
	s.writes.fix.show()
}

// openUndo opens Undo last fix… for the profile's newest fix or edit.
func (s *contactsScreen) openUndo() {
	if !s.canWrite() || s.writes.undoRun == nil || s.u.dialogShown() {
		return
	}
	s.writes.undo = newUndoDialog(s, *s.writes.undoRun)
	s.writes.undo.show()
}

// openEdit opens Edit… for one contact, its numbers read for the shown
// audit's region (else the typed one).
func (s *contactsScreen) openEdit(contactID int) {
	region, ok := s.region.value()
	if m := s.problems.model; m != nil {
		region, ok = contacts.Region(m.audit.Region), true
	}
	if !s.canWrite() || !ok || s.u.dialogShown() {
		return
	}
	s.writes.edit = newEditDialog(s, contactID)
	s.writes.edit.show(contactID, string(region))
}

// written hears of a finished write: Undo follows the newest run and,
// when before (the audit shown when it started) is set and it wrote
// something, the screen audits again to show the counts before and after.
func (s *contactsScreen) written(r storage.FixRun, before *problems) {
	s.loadUndoable()
	if r.ID == 0 {
		return
	}
	w := s.writes
	w.say(runLine(r), r.Written > 0)
	if before == nil || r.Written == 0 || !s.connected() {
		return
	}
	w.before = before.audit
	s.showAfter("Auditing again to show the counts after the write …")
	s.runAudit()
}

// audited hears of the audit after a write (err: it failed) and shows
// the counts before and after. When that audit's probe found no number
// left to ask Halo with, the audit kept the earlier probe's answer
// (storage.AuditContacts), and the counts say so.
func (s *contactsScreen) audited(r auditResult, err error) {
	before := s.writes.before
	s.writes.before = nil
	switch {
	case before == nil:
	case err != nil:
		text, _ := auditFailure(err)
		s.showDelta("The audit after the write did not finish: " + text)
	case r.problems != nil:
		s.showDelta(auditDelta(before, r.problems.audit, r.problems.probe.Carried()))
	}
}

// showDelta shows what the audit after a write found, on the screen (with
// 1stream's refresh) and in the open dialog.
func (s *contactsScreen) showDelta(text string) {
	w := s.writes
	w.say(strings.TrimSpace(w.note.Text+" "+text+" "+contacts.RefreshNote), true)
	s.showAfter(text)
}

// showAfter shows text in the open fix or undo dialog.
func (s *contactsScreen) showAfter(text string) {
	if d := s.writes.fix; d != nil {
		d.showAfter(text)
	}
	if d := s.writes.undo; d != nil {
		d.showAfter(text)
	}
}

// loadUndoable reads which run Undo last fix… restores.
func (s *contactsScreen) loadUndoable() {
	w := s.writes
	w.loadSeq++
	seq := w.loadSeq
	if s.profile == nil {
		w.setUndoable(nil)
		return
	}
	id := s.profile.ID
	runAsync(s.u, func(ctx context.Context) (*storage.FixRun, error) {
		r, ok, err := w.writer.undoable(ctx, id)
		if !ok {
			return nil, err
		}
		return &r, err
	}, func(r *storage.FixRun, err error) {
		if seq != w.loadSeq {
			return
		}
		if err != nil {
			s.u.showError("Reading the journal of fixes failed", err)
		}
		w.setUndoable(r)
		s.show()
	})
}

// testNumber shows Test a caller with number and looks it up.
func (s *contactsScreen) testNumber(number string) {
	s.tabs.SelectIndex(1)
	s.caller.entry.SetText(number)
	s.lookup()
}

// updateProfile stores change made to the stored profile (so only what it
// sets changes), tells the screens, then runs then (when set) on the UI
// goroutine if this profile is still shown.
func (s *contactsScreen) updateProfile(change func(*storage.Profile), then func()) {
	if s.profile == nil {
		return
	}
	id := s.profile.ID
	runAsync(s.u, func(ctx context.Context) (storage.Profile, error) {
		p, err := s.u.env.DB.Profile(ctx, id)
		if err != nil {
			return p, err
		}
		change(&p)
		return p, s.u.env.DB.UpdateConnection(ctx, p)
	}, func(p storage.Profile, err error) {
		if err != nil {
			s.u.showError("Saving the profile failed", err)
			return
		}
		same := s.profile != nil && s.profile.ID == p.ID
		if same {
			*s.profile = p
		}
		s.u.profileSaved(p)
		if then != nil && same {
			then()
		}
	})
}
