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

// currentMappings lists the mappings on screen in table order, so that
// the rules fed with them give repeatable results.
func (s *mappingScreen) currentMappings() []mapping.Mapping {
	out := make([]mapping.Mapping, 0, len(s.maps))
	for _, u := range s.users {
		if m, ok := s.maps[u.ID]; ok {
			out = append(out, m)
		}
	}
	return out
}

// suggest proposes agents for the unmapped users (mapping.Suggest).
func (s *mappingScreen) suggest() {
	if s.profile == nil {
		return
	}
	pid := s.profile.ID
	users, agents, existing := s.users, s.agents, s.currentMappings()
	s.suggestBtn.Disable()
	runAsync(s.u, func(context.Context) ([]mapping.Suggestion, error) {
		return mapping.Suggest(users, agents, existing), nil
	}, func(res []mapping.Suggestion, _ error) {
		if s.profile == nil || s.profile.ID != pid {
			return
		}
		s.sugg = make(map[int64]mapping.Suggestion, len(res))
		confident := 0
		for _, sg := range res {
			s.sugg[sg.UserID] = sg
			if sg.Confident && sg.AgentID != 0 {
				confident++
			}
		}
		s.rebuild()
		switch {
		case len(res) == 0:
			s.status.SetText("No suggestions: every user is mapped, or no agent matches by email, extension or name.")
		default:
			s.status.SetText(fmt.Sprintf("%s: %d confident, which “Accept all confident” applies; %d to review.",
				halo.CountOf(len(res), "suggestion", "suggestions"), confident, len(res)-confident))
		}
	})
}

// acceptConfident applies the confident suggestions in one step.
func (s *mappingScreen) acceptConfident() {
	if s.profile == nil || s.busy {
		return
	}
	list := make([]mapping.Suggestion, 0, len(s.sugg))
	for _, u := range s.users { // in table order, so the result is repeatable
		if sg, ok := s.sugg[u.ID]; ok {
			list = append(list, sg)
		}
	}
	// The rule the CLI's map auto applies too: confident only, each agent
	// once, never a disabled or API-only agent, never over a mapping.
	accepted, used := mapping.AcceptConfident(list, s.agents, s.currentMappings(), time.Now())
	step := undoStep{sugg: used}
	for i := range accepted {
		m := accepted[i]
		m.ProfileID = s.profile.ID
		step.changes = append(step.changes, mappingChange{userID: m.UserID, after: &m})
	}
	if len(step.changes) == 0 {
		s.status.SetText("No confident suggestions to accept.")
		return
	}
	step.label = "accept " + halo.CountOf(len(step.changes), "confident suggestion", "confident suggestions")
	set, _ := step.result(false)
	// Computed from the mappings on screen: every user it maps must still
	// be unmapped, and every agent free.
	s.apply(set, nil, step.agents(true), "", "", func(err error) {
		switch {
		case errors.Is(err, storage.ErrConflict):
			s.tellConflict(conflictApplyText)
			return
		case err != nil:
			s.u.showError("Accepting the suggestions failed", err)
			return
		}
		s.history.push(step)
		left := len(s.sugg) - len(step.changes)
		s.status.SetText(fmt.Sprintf("Accepted %s; %d left to review.",
			halo.CountOf(len(step.changes), "confident suggestion", "confident suggestions"), left))
	})
}
