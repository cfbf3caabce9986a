package gui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The Mapping screen's edits: map, move, unmap, undo and redo, suggest and
// accept. Each saves off the UI goroutine, becomes one undo step and
// reloads the mappings.

// Audit actions the screen writes besides storage's own; history.go
// names them.
const (
	actionMappingUndo = "mapping.undo"
	actionMappingRedo = "mapping.redo"
)

// What the screen says when storage.ApplyMappings finds that the mappings
// a step was computed from changed meanwhile (storage.ErrConflict).
const (
	conflictUndoText  = "The mappings were changed elsewhere (another window or a command); undo history cleared."
	conflictApplyText = "The mappings were changed elsewhere (another window or a command), so nothing was applied. " +
		"The list now shows the current mappings: check them and try again."
)

// stillSaving is the answer to an edit while the previous one is saved.
const stillSaving = "Still saving the previous change; try again in a moment."

// agentMove is a mapping that takes its agent from another user: the
// screen asks first (question), and move saves it.
type agentMove struct {
	step     undoStep
	mapping  mapping.Mapping
	question string
	done     string // the status once saved
}

// mapAt maps agents[agentIdx] to the user on row row of the users view.
// Dropping an agent and the keyboard path (Map, Ctrl+M, Enter) both end
// here. An agent mapped to another user comes back as a move to confirm.
func (m *mappingModel) mapAt(agentIdx, row int) *agentMove {
	if agentIdx < 0 || agentIdx >= len(m.agents) || row < 0 || row >= len(m.userView.order) {
		return nil
	}
	return m.assign(m.rows[m.userView.order[row]].user.ID, m.agents[agentIdx].ID)
}

// mapSelected maps the selected agent to the selected user.
func (m *mappingModel) mapSelected() *agentMove {
	if m.profile == nil {
		return nil
	}
	row := m.viewRowOf(m.sel.user)
	pos, ok := m.agentPos[m.sel.agent]
	if m.sel.user == 0 || m.sel.agent == 0 || row < 0 || !ok {
		m.on.status("Select a 1stream user on the left and a Halo agent on the right, then press Map.")
		return nil
	}
	return m.mapAt(pos, row)
}

// assign maps the agent to the user, replacing the user's mapping. An
// agent mapped to another user comes back as a move, which moves only
// once the admin agrees.
func (m *mappingModel) assign(userID int64, agentID int) *agentMove {
	if m.profile == nil {
		return nil
	}
	if m.busy {
		m.on.status(stillSaving)
		return nil
	}
	pos, ok := m.agentPos[agentID]
	ri, uok := m.byUser[userID]
	if !ok || !uok {
		return nil
	}
	a, u := m.agents[pos], m.rows[ri].user
	name := mapping.AgentDisplayName(a)
	switch {
	case a.IsAPIAgent:
		m.on.status(name + " is the API agent the integration signs in as, not a person to map.")
		return nil
	case a.IsDisabled:
		m.on.status(name + " is disabled in Halo. Enable the agent in Halo and sync again, or pick another agent.")
		return nil
	}
	cur, mapped := m.maps[userID]
	if mapped && cur.AgentID == agentID {
		m.on.status(u.Short() + " is already mapped to " + name + ".")
		return nil
	}
	method := mapping.MethodManual
	if sg, ok := m.sugg[userID]; ok && sg.AgentID == agentID {
		method = sg.Method
	}
	mp := mapping.Mapping{ProfileID: m.profile.ID, UserID: userID, AgentID: agentID, AgentName: name,
		AgentEmail: a.Email, MatchedBy: method, MappedAt: time.Now()}
	step := undoStep{label: "map " + u.Short() + " to " + name,
		edits: []mapping.MappingEdit{{UserID: userID, Before: mappingPtr(cur, mapped), After: &mp}}}
	if holderID, held := m.holder[agentID]; held && holderID != userID {
		return m.planMove(step, mp, u, holderID)
	}
	m.save(step, "Mapped "+u.Short()+" to "+name+".", func(ctx context.Context) error {
		return m.db.SetMapping(ctx, mp)
	})
	return nil
}

// planMove adds to step that the agent leaves holderID, its user now.
func (m *mappingModel) planMove(step undoStep, mp mapping.Mapping, u mapping.User, holderID int64) *agentMove {
	prev := m.maps[holderID]
	hi, ok := m.byUser[holderID]
	if !ok {
		return nil
	}
	other, name := m.rows[hi].user, mp.AgentName
	step.label = "move " + name + " from " + other.Short() + " to " + u.Short()
	step.edits = append(step.edits, mapping.MappingEdit{UserID: holderID, Before: &prev})
	return &agentMove{step: step, mapping: mp,
		question: fmt.Sprintf("%s is already mapped to %s.\n\nMove it to %s? %s will be left unmapped.",
			name, other.Short(), u.Short(), other.Short()),
		done: "Moved " + name + " from " + other.Short() + " to " + u.Short() + "."}
}

// move saves a move the admin agreed to, unless the mappings changed
// while the question was open.
func (m *mappingModel) move(mv *agentMove) {
	if m.busy || !m.showing(mv.mapping.ProfileID) {
		m.on.status("Nothing was moved: the mappings changed meanwhile. Drop the agent again.")
		return
	}
	m.save(mv.step, mv.done, func(ctx context.Context) error { return m.db.MoveMapping(ctx, mv.mapping) })
}

func mappingPtr(m mapping.Mapping, ok bool) *mapping.Mapping {
	if !ok {
		return nil
	}
	return &m
}

// unmapSelected removes the selected user's mapping.
func (m *mappingModel) unmapSelected() {
	if m.profile == nil {
		return
	}
	if m.busy {
		m.on.status(stillSaving)
		return
	}
	ri, ok := m.byUser[m.sel.user]
	cur, mapped := m.maps[m.sel.user]
	if m.sel.user == 0 || !ok || !mapped {
		m.on.status("Select a mapped 1stream user to unmap.")
		return
	}
	u := m.rows[ri].user
	pid, uid := m.profile.ID, m.sel.user
	step := undoStep{label: "unmap " + u.Short(), edits: []mapping.MappingEdit{{UserID: uid, Before: &cur}}}
	m.save(step, "Unmapped "+u.Short()+" (was "+cur.AgentName+").", func(ctx context.Context) error {
		return m.db.DeleteMapping(ctx, pid, uid)
	})
}

// save runs a mapping change off the UI goroutine, keeps it for undo and
// reloads the mappings.
func (m *mappingModel) save(step undoStep, done string, work func(ctx context.Context) error) {
	session := m.seq.session
	m.busy = true
	m.on.state()
	m.run(work, func(err error) {
		if session != m.seq.session {
			m.earlierProfile(err)
			return
		}
		if err != nil {
			m.on.fail("Saving the mapping failed", err)
		} else {
			m.history.push(step)
			m.on.status(done)
		}
		m.reloadUsers(m.notBusy)
	})
}

// notBusy ends a save once the mappings are read again.
func (m *mappingModel) notBusy() {
	m.busy = false
	m.on.state()
}

// earlierProfile handles the end of a change saved for a profile that is
// no longer shown: its history was dropped with the switch, so only a
// failure is worth telling.
func (m *mappingModel) earlierProfile(err error) {
	if err != nil {
		m.on.fail("A mapping change of the previously shown profile failed", err)
	}
}

// apply saves one step's mappings (undo, redo, bulk changes) in one
// transaction that writes only the users in set and unmap: every other
// user's mapping stays as stored, so changes another window or the CLI
// (`halo-assistant map set`) made meanwhile survive. expect is the agent
// (0: none) each touched user must still have — what the step was
// computed from; when another window or command changed one of them,
// nothing is written and done gets an error wrapping storage.ErrConflict.
// Storage writes its own audit event; action and detail, when set, add one
// saying why (undo, redo).
func (m *mappingModel) apply(set []mapping.Mapping, unmap []int64, expect map[int64]int, action, detail string, done func(error)) {
	pid, session := m.profile.ID, m.seq.session
	changes := make([]mapping.Mapping, 0, len(set))
	for _, mp := range set {
		if _, ok := m.byUser[mp.UserID]; ok { // users deleted since are left out
			mp.ProfileID = pid
			changes = append(changes, mp)
		}
	}
	drop := make([]int64, 0, len(unmap))
	for _, uid := range unmap {
		if _, ok := m.byUser[uid]; ok {
			drop = append(drop, uid)
		}
	}
	want := make(map[int64]int, len(expect))
	for uid, agent := range expect {
		if _, ok := m.byUser[uid]; ok {
			want[uid] = agent
		}
	}
	m.busy = true
	m.on.state()
	m.run(func(ctx context.Context) error {
		if err := m.db.ApplyMappings(ctx, pid, changes, drop, want); err != nil {
			return err
		}
		if action != "" {
			return m.db.AppendAudit(ctx, storage.AuditEvent{ProfileID: pid, Action: action, Detail: detail})
		}
		return nil
	}, func(err error) {
		if session != m.seq.session {
			if !errors.Is(err, storage.ErrConflict) {
				m.earlierProfile(err)
			}
			return
		}
		done(err)
		m.reloadUsers(m.notBusy)
	})
}

func (m *mappingModel) undo() { m.travel(true) }

func (m *mappingModel) redo() { m.travel(false) }

// travel undoes or redoes the last step.
func (m *mappingModel) travel(undo bool) {
	if m.profile == nil {
		return
	}
	if m.busy {
		m.on.status(stillSaving)
		return
	}
	step, ok := m.history.peekRedo()
	verb, done, action := "redo", "Redid", actionMappingRedo
	if undo {
		step, ok = m.history.peekUndo()
		verb, done, action = "undo", "Undid", actionMappingUndo
	}
	if !ok {
		m.on.status("Nothing to " + verb + ".")
		return
	}
	set, unmap := step.result(undo)
	// Undo expects every user as the step left it, redo as it found them:
	// a mapping changed elsewhere since is never overwritten.
	m.apply(set, unmap, step.agents(!undo), action, done+": "+step.label, func(err error) {
		switch {
		case errors.Is(err, storage.ErrConflict):
			m.history.clear()
			m.on.conflict(conflictUndoText)
			return
		case err != nil:
			m.on.fail("Could not "+verb, err)
			return
		}
		if undo {
			m.history.undid()
			// "Accept all confident" undone: its suggestions are open
			// again (the reload keeps those still unmapped).
			for _, sg := range step.sugg {
				m.sugg[sg.UserID] = sg
			}
		} else {
			m.history.redid()
		}
		m.on.status(done + ": " + step.label + ".")
	})
}

// suggest proposes agents for the unmapped users (mapping.Suggest).
func (m *mappingModel) suggest() {
	if m.profile == nil {
		return
	}
	pid := m.profile.ID
	users, agents, existing := m.users, m.agents, m.currentMappings()
	var res []mapping.Suggestion
	m.run(func(context.Context) error {
		res = mapping.Suggest(users, agents, existing)
		return nil
	}, func(error) {
		if !m.showing(pid) {
			return
		}
		m.sugg = make(map[int64]mapping.Suggestion, len(res))
		confident := 0
		for _, sg := range res {
			m.sugg[sg.UserID] = sg
			if sg.Confident && sg.AgentID != 0 {
				confident++
			}
		}
		m.rebuild()
		if len(res) == 0 {
			m.on.status("No suggestions: every user is mapped, or no agent matches by email, extension or name.")
			return
		}
		m.on.status(fmt.Sprintf("%s: %d confident, which “Accept all confident” applies; %d to review.",
			halo.CountOf(len(res), "suggestion", "suggestions"), confident, len(res)-confident))
	})
}

// hasConfident reports whether "Accept all confident" has work.
func (m *mappingModel) hasConfident() bool {
	for _, sg := range m.sugg {
		if sg.Confident && sg.AgentID != 0 {
			return true
		}
	}
	return false
}

// acceptConfident applies the confident suggestions in one step.
func (m *mappingModel) acceptConfident() {
	if m.profile == nil || m.busy {
		return
	}
	list := make([]mapping.Suggestion, 0, len(m.sugg))
	for _, u := range m.users { // in table order, so the result is repeatable
		if sg, ok := m.sugg[u.ID]; ok {
			list = append(list, sg)
		}
	}
	// The rule the CLI's map auto applies too: confident only, each agent
	// once, never a disabled or API-only agent, never over a mapping.
	accepted, used := mapping.AcceptConfident(list, m.agents, m.currentMappings(), time.Now())
	step := undoStep{sugg: used}
	for i := range accepted {
		mp := accepted[i]
		mp.ProfileID = m.profile.ID
		step.edits = append(step.edits, mapping.MappingEdit{UserID: mp.UserID, After: &mp})
	}
	if len(step.edits) == 0 {
		m.on.status("No confident suggestions to accept.")
		return
	}
	n := halo.CountOf(len(step.edits), "confident suggestion", "confident suggestions")
	step.label = "accept " + n
	// Computed from the mappings on screen: every user it maps must still
	// be unmapped, and every agent free.
	m.applyStep(step, "Accepting the suggestions failed", func() {
		left := len(m.sugg) - len(step.edits)
		m.on.status(fmt.Sprintf("Accepted %s; %d left to review.", n, left))
	})
}

// applyStep saves a new step computed from the mappings on screen (accept,
// an import), expecting every user it touches as it found them, and keeps
// it for undo; done says how it went. A conflict or a failure (fail: what
// failed) is told instead.
func (m *mappingModel) applyStep(step undoStep, fail string, done func()) {
	set, unmap := step.result(false)
	m.apply(set, unmap, step.agents(true), "", "", func(err error) {
		switch {
		case errors.Is(err, storage.ErrConflict):
			m.on.conflict(conflictApplyText)
			return
		case err != nil:
			m.on.fail(fail, err)
			return
		}
		m.history.push(step)
		done()
	})
}
