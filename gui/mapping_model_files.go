package gui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The Mapping screen's work with files and users: the mappings export and
// import, the changes since the last export, the integration record, and
// importing, adding, editing and deleting users.

// exportBaseline is the last export of the current profile: what the
// changes count from.
type exportBaseline struct {
	profileID int64 // whose rows are loaded; 0: none yet
	rows      []mapping.Row
	exported  bool // false before the first export
	at        time.Time
	seq       int
	// resets counts the times another profile's baseline was asked for,
	// so the changes panel opens itself once per profile shown.
	resets int
}

// baselineReady reports whether the changes count from the current
// profile's last export (not while its data or that export loads).
func (m *mappingModel) baselineReady() bool {
	return m.profile != nil && !m.loading && m.baseline.profileID == m.profile.ID
}

// updateChanges recomputes the changes since the last export from the
// mappings on screen (cur: currentMappings).
func (m *mappingModel) updateChanges(cur []mapping.Mapping) {
	m.changes = nil
	if m.baselineReady() {
		m.changes = mapping.Changes(m.baseline.rows, m.users, cur, m.agents)
	}
}

// loadBaseline reads the last export of the current profile.
func (m *mappingModel) loadBaseline() {
	if m.profile == nil {
		return
	}
	id := m.profile.ID
	b := &m.baseline
	if id != b.profileID {
		b.profileID, b.rows, b.exported = 0, nil, false
		b.resets++
	}
	b.seq++
	seq := b.seq
	var e storage.Export
	m.run(func(ctx context.Context) error {
		var err error
		e, _, err = m.db.LatestExport(ctx, id)
		return err
	}, func(err error) {
		if seq != b.seq || !m.showing(id) {
			return
		}
		if err != nil {
			m.on.fail("Loading the last export failed", err)
			return
		}
		b.profileID, b.rows, b.exported, b.at = id, e.Rows, e.ID != 0, e.At
		m.updateChanges(m.currentMappings())
		m.on.changed()
	})
}

// dayTwo is what storage.SaveExport needs of the current profile.
func (m *mappingModel) dayTwo() *storage.DayTwo {
	return &storage.DayTwo{Profile: *m.profile, PulledAt: m.pulledAt}
}

// exportTo writes the mappings file off the UI goroutine and makes it the
// baseline of the changes. mapping.WriteCSVFile replaces path only once
// the new file is complete. done, when set, hears how it went (the save
// dialog shows a failure); else a failure is shown on its own.
func (m *mappingModel) exportTo(path string, opt mapping.ExportOptions, done func(error)) {
	if m.profile == nil {
		if done != nil {
			done(errors.New("no profile is selected"))
		}
		return
	}
	users, maps, d := m.users, m.currentMappings(), m.dayTwo()
	var saveErr error
	m.run(func(ctx context.Context) error {
		if err := mapping.WriteCSVFile(path, users, maps, opt); err != nil {
			return err
		}
		rows := mapping.ExportRows(users, maps)
		written := len(rows)
		if opt.IncludeUnmapped {
			written = len(users)
		}
		saveErr = storage.SaveExport(ctx, m.db, d, storage.ExportFull, path, rows, written)
		return nil
	}, func(err error) {
		if done != nil {
			done(err)
		}
		if err != nil {
			if done == nil {
				m.on.fail("Exporting the mappings failed (an existing file of that name is unchanged)", err)
			}
			return
		}
		msg := fmt.Sprintf("Exported %s to %s.", halo.CountOf(len(maps), "mapping", "mappings"), path)
		if saveErr != nil {
			m.log.Error("remembering the export failed", "err", saveErr)
			msg += " " + saveErr.Error()
		}
		m.on.status(msg)
		m.loadBaseline()
	})
}

// exportChanges writes only the changed rows; what 1stream then holds
// becomes the new baseline.
func (m *mappingModel) exportChanges(path string, bom bool, done func(error)) {
	if m.profile == nil {
		done(errors.New("no profile is selected"))
		return
	}
	d, changes := m.dayTwo(), m.changes
	rows := mapping.CurrentRows(m.users, m.currentMappings(), m.agents)
	m.run(func(ctx context.Context) error {
		if err := mapping.WriteFileAtomic(path, func(w io.Writer) error { return mapping.WriteChangesCSV(w, changes, bom) }); err != nil {
			return err
		}
		return storage.SaveExport(ctx, m.db, d, storage.ExportChanges, path, rows, len(changes))
	}, func(err error) {
		done(err)
		if err == nil {
			m.on.status(fmt.Sprintf("Exported %s to %s.", halo.CountOf(len(changes), "change", "changes"), path))
		}
		m.loadBaseline()
	})
}

// saveRecord writes the integration record to path, as HTML or Markdown.
func (m *mappingModel) saveRecord(path string, html bool, done func(error)) {
	if m.profile == nil {
		done(errors.New("no profile is selected"))
		return
	}
	id := m.profile.ID
	m.run(func(ctx context.Context) error {
		d, err := storage.LoadDayTwo(ctx, m.db, id)
		if err != nil {
			return err
		}
		rec, err := d.Record(ctx, m.db, time.Now())
		if err != nil {
			return err
		}
		return mapping.WriteRecordFile(path, &rec, html)
	}, func(err error) {
		done(err)
		if err == nil {
			m.on.status("Saved the integration record to " + path + ".")
		}
	})
}

// mappingImport is a mappings file planned against the mappings on
// screen: what Apply does, as one undo step.
type mappingImport struct {
	name     string
	plan     mapping.MappingImportPlan
	step     undoStep
	problems []mapping.Rejected // rows that cannot be used, by line
	session  int
}

// readMappingsFile reads a mappings file (mapping.ReadMappingsCSV),
// resolves it against the users and agents on screen and plans it
// (planMappingImport); ready hears the plan. It closes rc.
func (m *mappingModel) readMappingsFile(name string, rc io.ReadCloser, ready func(*mappingImport)) {
	if m.profile == nil {
		rc.Close()
		return
	}
	pid := m.profile.ID
	users, agents := m.users, m.agents
	var ok []mapping.Mapping
	var problems []mapping.Rejected
	m.run(func(context.Context) error {
		defer rc.Close()
		rows, bad, err := mapping.ReadMappingsCSV(rc)
		if err != nil {
			return err
		}
		ok, problems = mapping.ResolveMappings(rows, users, agents)
		problems = append(bad, problems...)
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil
	}, func(err error) {
		if !m.showing(pid) {
			return
		}
		if err != nil {
			m.on.fail("Cannot import "+name, err)
			return
		}
		ready(m.planMappingImport(name, ok, problems))
	})
}

// planMappingImport plans the file's mappings with the CLI's import rule
// (mapping.PlanMappingImport): the file wins, an agent leaves its previous
// user. Its edits keep the state each one replaced, so undo can walk them
// back.
func (m *mappingModel) planMappingImport(name string, ok []mapping.Mapping, problems []mapping.Rejected) *mappingImport {
	rows := make([]mapping.Mapping, len(ok))
	for i, mp := range ok {
		mp.ProfileID = m.profile.ID
		rows[i] = mp
	}
	plan := mapping.PlanMappingImport(m.currentMappings(), rows, time.Now())
	return &mappingImport{name: name, plan: plan, problems: problems, session: m.seq.session,
		step: undoStep{label: "import mappings from " + name, edits: plan.Edits}}
}

// summary says what applying the import does.
func (mi *mappingImport) summary() string {
	p := mi.plan
	text := fmt.Sprintf("%s: %d new, %d changed, %d already as in the file.", mi.name, p.Added, p.Changed, p.Same)
	if p.Unmapped > 0 {
		text += fmt.Sprintf(" %s left unmapped: the file gives their agent to another user.",
			halo.CountOf(p.Unmapped, "user is", "users are"))
	}
	if len(mi.problems) > 0 {
		text += fmt.Sprintf(" %s cannot be used (listed below).", halo.CountOf(len(mi.problems), "row", "rows"))
	}
	return text
}

// applyMappingImport applies a planned import as one undo step.
func (m *mappingModel) applyMappingImport(mi *mappingImport) {
	if len(mi.step.edits) == 0 || mi.session != m.seq.session || m.profile == nil {
		return
	}
	if m.busy {
		m.on.status("Still saving the previous change; import the file again in a moment.")
		return
	}
	// The plan was made from the mappings on screen: every user it
	// touches must still have the agent it had then.
	p := mi.plan
	m.applyStep(mi.step, "Importing the mappings failed", func() {
		msg := fmt.Sprintf("Imported mappings from %s: %d new, %d changed", mi.name, p.Added, p.Changed)
		if p.Unmapped > 0 {
			msg += fmt.Sprintf(", %d unmapped", p.Unmapped)
		}
		m.on.status(msg + fmt.Sprintf("; %s skipped.", halo.CountOf(len(mi.problems), "row", "rows")))
	})
}

// planUsersImport reads a users file or pasted cells off the UI goroutine
// (a 10 MB file takes a moment, and the parser stops at the size and row
// limits instead of hanging) and plans it against the stored users
// (mapping.PlanUsersImport), so that rows storage would refuse — an
// extension of one stored user with the email of another, two rows
// updating the same user — are listed with their line instead of failing
// the whole import.
func (m *mappingModel) planUsersImport(read func() (mapping.Preview, error), done func(mapping.UsersImportPlan, error)) {
	existing := m.users
	var plan mapping.UsersImportPlan
	m.run(func(context.Context) error {
		p, err := read()
		if err != nil {
			return err
		}
		plan = mapping.PlanUsersImport(p, existing)
		return nil
	}, func(err error) { done(plan, err) })
}

// importUsers stores the accepted rows of a users file read from source;
// done hears why storage refused (the line named: entryToLine), or nil
// once the users are stored, then the users are read again.
func (m *mappingModel) importUsers(p mapping.Preview, source string, done func(error)) {
	if m.profile == nil {
		return
	}
	pid := m.profile.ID
	users := p.Users(pid)
	lines := make([]int, len(p.Accepted))
	for i, r := range p.Accepted {
		lines[i] = r.Line
	}
	var added, updated int
	m.run(func(ctx context.Context) error {
		var err error
		added, updated, err = m.db.UpsertUsers(ctx, pid, users)
		return err
	}, func(err error) {
		if err != nil {
			done(entryToLine(err, lines))
			return
		}
		done(nil)
		msg := fmt.Sprintf("Imported users from %s: %d added, %d updated, %d unchanged.", source,
			added, updated, len(users)-added-updated)
		if skipped := len(p.Rejected); skipped > 0 {
			msg += fmt.Sprintf(" %s skipped.", halo.CountOf(skipped, "line", "lines"))
		}
		m.on.status(msg)
		m.reloadUsers(nil)
	})
}

// entryToLine names the file line of a failed entry (storage.EntryError
// counts the users it was given).
func entryToLine(err error, lines []int) error {
	var ee *storage.EntryError
	if !errors.As(err, &ee) || ee.Index < 1 || ee.Index > len(lines) {
		return err
	}
	return fmt.Errorf("line %d: %w", lines[ee.Index-1], ee.Err)
}

// addUser stores a new user and selects it; finish hears storage's
// refusal (no extension and no email, a duplicate, …) or nil.
func (m *mappingModel) addUser(u mapping.User, finish func(error)) {
	var nu mapping.User
	m.run(func(ctx context.Context) error {
		var err error
		nu, err = m.db.AddUser(ctx, u)
		return err
	}, func(err error) {
		finish(err)
		if err != nil {
			return
		}
		m.sel.user = nu.ID
		m.on.status("Added " + nu.Short() + ".")
		m.reloadUsers(nil)
	})
}

// updateUser saves an edited user; finish as for addUser.
func (m *mappingModel) updateUser(u mapping.User, finish func(error)) {
	m.run(func(ctx context.Context) error { return m.db.UpdateUser(ctx, u) }, func(err error) {
		finish(err)
		if err != nil {
			return
		}
		m.on.status("Saved " + u.Short() + ".")
		m.reloadUsers(nil)
	})
}

// deleteUser deletes a user of profile pid, and its mapping with it.
func (m *mappingModel) deleteUser(pid int64, u mapping.User) {
	m.run(func(ctx context.Context) error { return m.db.DeleteUser(ctx, pid, u.ID) }, func(err error) {
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			m.on.fail("Deleting the user failed", err)
			return
		}
		m.on.status("Deleted " + u.Short() + ".")
		m.reloadUsers(nil)
	})
}
