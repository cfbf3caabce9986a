package gui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2/dialog"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

// onDrop maps the agent agents[agentIdx] to the user shown on table row
// row. Dropping an agent and the keyboard path (Map, Ctrl+M, Enter) both
// end here.
func (s *mappingScreen) onDrop(agentIdx, row int) {
	if agentIdx < 0 || agentIdx >= len(s.agents) || row < 0 || row >= len(s.table.view) {
		return
	}
	s.assign(s.rows[s.table.view[row]].user.ID, s.agents[agentIdx].ID)
}

// mapSelected maps the selected agent to the selected user.
func (s *mappingScreen) mapSelected() {
	if s.profile == nil {
		return
	}
	row := s.table.viewRowOf(s.selUser)
	pos, ok := s.agentPos[s.selAgent]
	if s.selUser == 0 || s.selAgent == 0 || row < 0 || !ok {
		s.status.SetText("Select a 1stream user on the left and a Halo agent on the right, then press Map.")
		return
	}
	s.onDrop(pos, row)
}

// assign maps the agent to the user, replacing the user's mapping. An agent
// mapped to another user moves only after the user agrees.
func (s *mappingScreen) assign(userID int64, agentID int) {
	if s.profile == nil {
		return
	}
	if s.busy {
		s.status.SetText("Still saving the previous change; try again in a moment.")
		return
	}
	pos, ok := s.agentPos[agentID]
	ri, uok := s.byUser[userID]
	if !ok || !uok {
		return
	}
	a := s.agents[pos]
	u := s.rows[ri].user
	name := mapping.AgentDisplayName(a)
	switch {
	case a.IsAPIAgent:
		s.status.SetText(name + " is the API agent the integration signs in as, not a person to map.")
		return
	case a.IsDisabled:
		s.status.SetText(name + " is disabled in Halo. Enable the agent in Halo and sync again, or pick another agent.")
		return
	}
	cur, mapped := s.maps[userID]
	if mapped && cur.AgentID == agentID {
		s.status.SetText(u.Short() + " is already mapped to " + name + ".")
		return
	}
	method := mapping.MethodManual
	if sg, ok := s.sugg[userID]; ok && sg.AgentID == agentID {
		method = sg.Method
	}
	m := mapping.Mapping{ProfileID: s.profile.ID, UserID: userID, AgentID: agentID, AgentName: name,
		AgentEmail: a.Email, MatchedBy: method, MappedAt: time.Now()}
	step := undoStep{label: "map " + u.Short() + " to " + name,
		changes: []mappingChange{{userID: userID, before: mappingPtr(cur, mapped), after: &m}}}

	holderID, held := s.holder[agentID]
	if !held || holderID == userID {
		s.save(step, "Mapped "+u.Short()+" to "+name+".", func(ctx context.Context) error {
			return s.u.env.DB.SetMapping(ctx, m)
		})
		return
	}
	prev := s.maps[holderID]
	hi, ok := s.byUser[holderID]
	if !ok {
		return
	}
	other := s.rows[hi].user
	step.label = "move " + name + " from " + other.Short() + " to " + u.Short()
	step.changes = append(step.changes, mappingChange{userID: holderID, before: &prev})
	s.confirm = dialog.NewConfirm("Move the agent?",
		fmt.Sprintf("%s is already mapped to %s.\n\nMove it to %s? %s will be left unmapped.",
			name, other.Short(), u.Short(), other.Short()),
		func(ok bool) {
			if !ok {
				return
			}
			if s.busy || s.profile == nil || s.profile.ID != m.ProfileID {
				s.status.SetText("Nothing was moved: the mappings changed meanwhile. Drop the agent again.")
				return
			}
			s.save(step, "Moved "+name+" from "+other.Short()+" to "+u.Short()+".",
				func(ctx context.Context) error { return s.u.env.DB.MoveMapping(ctx, m) })
		}, s.u.win)
	s.confirm.SetConfirmText("Move")
	s.confirm.Show()
}

func mappingPtr(m mapping.Mapping, ok bool) *mapping.Mapping {
	if !ok {
		return nil
	}
	return &m
}

// unmapSelected removes the selected user's mapping.
func (s *mappingScreen) unmapSelected() {
	if s.profile == nil {
		return
	}
	if s.busy {
		s.status.SetText("Still saving the previous change; try again in a moment.")
		return
	}
	ri, ok := s.byUser[s.selUser]
	cur, mapped := s.maps[s.selUser]
	if s.selUser == 0 || !ok || !mapped {
		s.status.SetText("Select a mapped 1stream user to unmap.")
		return
	}
	u := s.rows[ri].user
	pid, uid := s.profile.ID, s.selUser
	step := undoStep{label: "unmap " + u.Short(), changes: []mappingChange{{userID: uid, before: &cur}}}
	s.save(step, "Unmapped "+u.Short()+" (was "+cur.AgentName+").", func(ctx context.Context) error {
		return s.u.env.DB.DeleteMapping(ctx, pid, uid)
	})
}

// save runs a mapping change off the UI goroutine, records it for undo and
// reloads the mappings.
func (s *mappingScreen) save(step undoStep, done string, work func(ctx context.Context) error) {
	session := s.session
	s.busy = true
	s.updateButtons()
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, work(ctx)
	}, func(_ struct{}, err error) {
		if session != s.session {
			s.earlierProfile(err)
			return
		}
		if err != nil {
			s.u.showError("Saving the mapping failed", err)
		} else {
			s.history.push(step)
			s.status.SetText(done)
		}
		s.reloadUsers(func() { s.busy = false; s.updateButtons() })
	})
}

// Audit actions the screen records besides storage's own; history.go
// names them.
const (
	actionMappingUndo = "mapping.undo"
	actionMappingRedo = "mapping.redo"
)

// earlierProfile handles the end of a change saved for a profile that is
// no longer shown: its history was dropped with the switch, so only a
// failure is worth telling.
func (s *mappingScreen) earlierProfile(err error) {
	if err != nil {
		s.u.showError("A mapping change of the previously shown profile failed", err)
	}
}

// What the screen says when storage.ApplyMappings finds that the mappings
// a step was computed from changed meanwhile (storage.ErrConflict).
const (
	conflictUndoText  = "The mappings were changed elsewhere (another window or a command); undo history cleared."
	conflictApplyText = "The mappings were changed elsewhere (another window or a command), so nothing was applied. " +
		"The list now shows the current mappings: check them and try again."
)

// tellConflict says that nothing was written because the mappings changed
// elsewhere; the reload that follows every apply shows what they are now.
func (s *mappingScreen) tellConflict(text string) {
	s.status.SetText(text)
	s.conflictDlg = dialog.NewInformation("Mappings changed elsewhere", text, s.u.win)
	s.conflictDlg.Show()
	s.u.escapable(s.conflictDlg.Hide)
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
func (s *mappingScreen) apply(set []mapping.Mapping, unmap []int64, expect map[int64]int, action, detail string, done func(error)) {
	pid, session := s.profile.ID, s.session
	changes := make([]mapping.Mapping, 0, len(set))
	for _, m := range set {
		if _, ok := s.byUser[m.UserID]; ok { // users deleted since are left out
			m.ProfileID = pid
			changes = append(changes, m)
		}
	}
	drop := make([]int64, 0, len(unmap))
	for _, uid := range unmap {
		if _, ok := s.byUser[uid]; ok {
			drop = append(drop, uid)
		}
	}
	want := make(map[int64]int, len(expect))
	for uid, agent := range expect {
		if _, ok := s.byUser[uid]; ok {
			want[uid] = agent
		}
	}
	s.busy = true
	s.updateButtons()
	runAsync(s.u, func(ctx context.Context) (struct{}, error) {
		if err := s.u.env.DB.ApplyMappings(ctx, pid, changes, drop, want); err != nil {
			return struct{}{}, err
		}
		if action != "" {
			return struct{}{}, s.u.env.DB.AppendAudit(ctx, storage.AuditEvent{ProfileID: pid, Action: action, Detail: detail})
		}
		return struct{}{}, nil
	}, func(_ struct{}, err error) {
		if session != s.session {
			if !errors.Is(err, storage.ErrConflict) {
				s.earlierProfile(err)
			}
			return
		}
		done(err)
		s.reloadUsers(func() { s.busy = false; s.updateButtons() })
	})
}

func (s *mappingScreen) undo() { s.travel(true) }

func (s *mappingScreen) redo() { s.travel(false) }

// travel undoes or redoes the last step.
func (s *mappingScreen) travel(undo bool) {
	if s.profile == nil {
		return
	}
	if s.busy {
		s.status.SetText("Still saving the previous change; try again in a moment.")
		return
	}
	step, ok := s.history.peekRedo()
	verb, done, action := "redo", "Redid", actionMappingRedo
	if undo {
		step, ok = s.history.peekUndo()
		verb, done, action = "undo", "Undid", actionMappingUndo
	}
	if !ok {
		s.status.SetText("Nothing to " + verb + ".")
		return
	}
	set, unmap := step.result(undo)
	// Undo expects every user as the step left it, redo as it found them:
	// a mapping changed elsewhere since is never overwritten.
	s.apply(set, unmap, step.agents(!undo), action, done+": "+step.label, func(err error) {
		switch {
		case errors.Is(err, storage.ErrConflict):
			s.history.clear()
			s.tellConflict(conflictUndoText)
			return
		case err != nil:
			s.u.showError("Could not "+verb, err)
			return
		}
		if undo {
			s.history.undid()
			// "Accept all confident" undone: its suggestions are open
			// again (the reload keeps those still unmapped).
			for _, sg := range step.sugg {
				s.sugg[sg.UserID] = sg
			}
		} else {
			s.history.redid()
		}
		s.status.SetText(done + ": " + step.label + ".")
	})
}
