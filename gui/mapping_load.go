package gui

import (
	"context"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

type mappingData struct {
	profileID int64
	snap      halo.Snapshot
	pulledAt  time.Time
	users     []mapping.User
	maps      []mapping.Mapping
	index     *mapping.AgentIndex
}

// reload reads the agents of the last sync, the users and the mappings of
// the current profile. The check and sync dialogs call it (through
// checkFinished) after storing a new snapshot.
func (s *mappingScreen) reload() {
	if s.profile == nil {
		return
	}
	id := s.profile.ID
	s.changes.loadBaseline()
	s.loadSeq++
	s.fullSeq++
	seq, full := s.loadSeq, s.fullSeq
	runAsync(s.u, func(ctx context.Context) (mappingData, error) {
		d := mappingData{profileID: id}
		var err error
		if d.snap, d.pulledAt, err = s.u.env.DB.Snapshot(ctx, id); err != nil {
			return d, err
		}
		sortAgents(d.snap.Agents)
		d.index = mapping.NewAgentIndex(d.snap.Agents) // off the UI goroutine: 10,000 agents take a moment
		if d.users, err = s.u.env.DB.Users(ctx, id); err != nil {
			return d, err
		}
		d.maps, err = s.u.env.DB.Mappings(ctx, id)
		return d, err
	}, func(d mappingData, err error) {
		if s.profile == nil || s.profile.ID != d.profileID || full != s.fullSeq {
			return
		}
		s.loading = false
		if err != nil {
			s.agentList.updatePane()
			s.u.showError("Loading the mapping data failed", err)
			return
		}
		s.setData(d.users, d.snap, d.pulledAt, d.maps, d.index)
		if seq != s.loadSeq {
			s.reloadUsers(nil) // users or mappings changed while this load ran
		}
	})
}

// reloadUsers reads the users and mappings again after a change, keeping
// the agents; done runs afterwards on the UI goroutine.
func (s *mappingScreen) reloadUsers(done func()) {
	if s.profile == nil {
		return
	}
	id := s.profile.ID
	s.loadSeq++
	seq := s.loadSeq
	runAsync(s.u, func(ctx context.Context) (mappingData, error) {
		d := mappingData{profileID: id}
		var err error
		if d.users, err = s.u.env.DB.Users(ctx, id); err != nil {
			return d, err
		}
		d.maps, err = s.u.env.DB.Mappings(ctx, id)
		return d, err
	}, func(d mappingData, err error) {
		if done != nil {
			defer done() // also when superseded, so "busy" always clears
		}
		if s.profile == nil || s.profile.ID != d.profileID || seq != s.loadSeq {
			return
		}
		if err != nil {
			s.u.showError("Loading the users failed", err)
			return
		}
		s.users = d.users
		s.setMappings(d.maps)
	})
}

// setData replaces everything the screen shows. agents must be sorted
// (sortAgents) and index built from them.
func (s *mappingScreen) setData(users []mapping.User, snap halo.Snapshot, pulledAt time.Time, maps []mapping.Mapping, index *mapping.AgentIndex) {
	// A drag started on the old data would drop the wrong agent.
	s.dnd.cancel()
	s.users = users
	s.agents = snap.Agents
	// The agent view holds indexes into the old agents, and the list can
	// redraw (when updateAgentPane swaps the pane) before rebuild filters
	// the new ones.
	s.agentList.view = s.agentList.view[:0]
	s.pulledAt = pulledAt
	s.agentSubs = make([]string, len(s.agents))
	for i := range s.agents {
		a := &s.agents[i]
		switch {
		case a.Team != "" && a.Email != "":
			s.agentSubs[i] = a.Team + " · " + a.Email
		case a.Team != "":
			s.agentSubs[i] = a.Team
		default:
			s.agentSubs[i] = a.Email
		}
	}
	if index == nil {
		index = mapping.NewAgentIndex(s.agents)
	}
	s.index = index
	s.agentPos = make(map[int]int, len(s.agents))
	for i, a := range s.agents {
		if _, dup := s.agentPos[a.ID]; !dup {
			s.agentPos[a.ID] = i
		}
	}
	s.agentList.updatePane()
	s.setMappings(maps)
}

func (s *mappingScreen) setMappings(maps []mapping.Mapping) {
	s.maps = make(map[int64]mapping.Mapping, len(maps))
	s.holder = make(map[int]int64, len(maps))
	for _, m := range maps {
		s.maps[m.UserID] = m
		s.holder[m.AgentID] = m.UserID
	}
	// Suggestions for users that got mapped meanwhile, or whose agent was
	// taken, are no longer useful.
	for uid, sg := range s.sugg {
		if _, mapped := s.maps[uid]; mapped {
			delete(s.sugg, uid)
		} else if _, taken := s.holder[sg.AgentID]; taken && sg.AgentID != 0 {
			delete(s.sugg, uid)
		}
	}
	s.rebuild()
}
