package gui

import (
	"fmt"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

var statusKeys = [...]string{"0", "1", "2", "3"}

// rebuild recomputes the rows, badges, stale list and counters from the
// data, then the view.
func (s *mappingScreen) rebuild() {
	if cap(s.rows) < len(s.users) {
		s.rows = make([]userRow, 0, len(s.users))
	}
	s.rows = s.rows[:0]
	s.byUser = make(map[int64]int, len(s.users))
	s.stale = s.stale[:0]
	agents := mapping.IndexAgents(s.agents)
	for i, u := range s.users {
		r := userRow{user: u}
		r.cells[colExt], r.cells[colName], r.cells[colEmail] = u.Extension, u.Name, u.Email
		if m, mapped := s.maps[u.ID]; mapped {
			r.cells[colHow] = string(m.MatchedBy)
			name := m.AgentName
			if a := agents[m.AgentID]; a != nil {
				if n := mapping.AgentDisplayName(*a); n != "" {
					name = n
				}
			}
			if name == "" {
				name = fmt.Sprintf("agent %d", m.AgentID)
			}
			// The rule the CLI's users list and status use.
			if mapping.UserStatus(&m, agents) == mapping.StatusStale {
				r.status, name = statusStale, name+" ("+mapping.StaleReason(&m, agents)+")"
			} else {
				r.status = statusMapped
			}
			r.cells[colAgent] = name
		} else if sg, ok := s.sugg[u.ID]; ok {
			r.status = statusSuggested
			r.cells[colHow] = string(sg.Method)
			r.cells[colAgent] = s.describeSuggestion(sg)
		}
		r.cells[colStatus] = statusText[r.status]
		for c := 0; c < numCols; c++ {
			r.keys[c] = strings.ToLower(r.cells[c])
		}
		r.keys[colStatus] = statusKeys[r.status]
		r.search = r.keys[colExt] + "\x00" + r.keys[colName] + "\x00" + r.keys[colEmail] + "\x00" + r.keys[colAgent]
		s.rows = append(s.rows, r)
		s.byUser[u.ID] = i
		if r.status == statusStale {
			s.stale = append(s.stale, i)
		}
	}

	s.badges = make([]string, len(s.agents))
	for i := range s.agents {
		a := &s.agents[i]
		switch uid, held := s.holder[a.ID]; {
		case held:
			if ri, ok := s.byUser[uid]; ok {
				s.badges[i] = "→ " + shortUser(s.rows[ri].user)
			}
		case a.IsAPIAgent:
			s.badges[i] = "API agent"
		case a.IsDisabled:
			s.badges[i] = "disabled"
		}
	}
	s.updateStale()
	s.changes.update()
	s.updateCounters()
	s.applyView()
	s.agentList.filter()
	s.table.measureNeeds() // after applyView: a new column width redraws the view
}

// describeSuggestion is the Halo agent cell of a suggested user: the agent,
// or the candidates to choose from when none stands out.
func (s *mappingScreen) describeSuggestion(sg mapping.Suggestion) string {
	if sg.AgentID != 0 {
		return s.agentName(sg.AgentID) + "?"
	}
	names := make([]string, 0, 3)
	for _, id := range sg.Candidates {
		if len(names) == 3 {
			break
		}
		names = append(names, s.agentName(id))
	}
	text := "choose: " + strings.Join(names, ", ")
	if more := len(sg.Candidates) - len(names); more > 0 {
		text += fmt.Sprintf(" +%d more", more)
	}
	return text
}

func (s *mappingScreen) agentName(id int) string {
	if pos, ok := s.agentPos[id]; ok {
		if n := mapping.AgentDisplayName(s.agents[pos]); n != "" {
			return n
		}
	}
	return fmt.Sprintf("agent %d", id)
}

// shortUser names a user briefly: the extension, else the name or email.
func shortUser(u mapping.User) string {
	switch {
	case u.Extension != "":
		return u.Extension
	case u.Name != "":
		return u.Name
	}
	return u.Email
}

func (s *mappingScreen) updateStale() {
	if len(s.stale) == 0 {
		s.staleBox.Hide()
		return
	}
	parts := make([]string, 0, 4)
	for _, ri := range s.stale {
		if len(parts) == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(s.stale)-3))
			break
		}
		r := &s.rows[ri]
		parts = append(parts, r.user.Short()+" → "+r.cells[colAgent])
	}
	s.staleText.SetText(fmt.Sprintf("%s to review: the Halo agent was removed or disabled since it was mapped "+
		"(%s). Drag another agent onto the user, or unmap it.",
		halo.CountOf(len(s.stale), "mapping", "mappings"), strings.Join(parts, "; ")))
	s.staleBox.Show()
}

func (s *mappingScreen) updateCounters() {
	mapped, suggested, stale, _ := s.counts()
	text := fmt.Sprintf("Mapped %d / %d", mapped, len(s.rows))
	if stale > 0 {
		text += fmt.Sprintf(" · %d stale", stale)
	}
	if suggested > 0 {
		text += fmt.Sprintf(" · %d suggested", suggested)
	}
	s.counters.SetText(text)
}

// counts returns how many users have each status.
func (s *mappingScreen) counts() (mapped, suggested, stale, unmapped int) {
	for i := range s.rows {
		switch s.rows[i].status {
		case statusMapped:
			mapped++
		case statusSuggested:
			suggested++
		case statusStale:
			stale++
		default:
			unmapped++
		}
	}
	return
}

// selectUser makes the user the selected one. A suggested user with a
// single proposed agent also selects that agent when none is selected, so
// Ctrl+M accepts the suggestion.
func (s *mappingScreen) selectUser(userID int64) {
	s.selUser = userID
	if sg, ok := s.sugg[userID]; ok {
		if sg.AgentID != 0 && s.selAgent == 0 {
			s.selAgent = sg.AgentID
			s.agentList.syncSelection()
		}
		msg := "Suggested by " + string(sg.Method) + ": " + s.describeSuggestion(sg)
		if sg.Note != "" {
			msg += " — " + sg.Note
		}
		s.status.SetText(msg)
	}
	s.table.Refresh()
	s.updateButtons()
}

func (s *mappingScreen) updateButtons() {
	has := s.profile != nil
	ready := has && !s.busy
	_, selMapped := s.maps[s.selUser]
	confident := false
	for _, sg := range s.sugg {
		if sg.Confident && sg.AgentID != 0 {
			confident = true
			break
		}
	}
	enable(s.mapBtn, ready && s.selUser != 0 && s.selAgent != 0)
	enable(s.unmapBtn, ready && s.selUser != 0 && selMapped)
	enable(s.undoBtn, ready && s.history.canUndo())
	enable(s.redoBtn, ready && s.history.canRedo())
	enable(s.suggestBtn, ready && len(s.users) > 0 && s.realAgents() > 0)
	enable(s.acceptBtn, ready && confident)
	enable(s.exportBtn, has && len(s.users) > 0)
	enable(s.importMapBtn, ready && len(s.users) > 0 && len(s.agents) > 0)
	enable(s.importUsersBtn, has)
	enable(s.addUserBtn, has)
	enable(s.editUserBtn, has && s.selUser != 0)
	enable(s.delUserBtn, ready && s.selUser != 0)
}
