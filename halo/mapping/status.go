package mapping

import "github.com/halo-assistant/halo-assistant/halo"

// Status is where a 1stream user's mapping stands against the last pull.
type Status string

// The statuses. Their values appear in the CLI's JSON, so they never change.
const (
	StatusMapped   Status = "mapped"   // mapped to an enabled agent of the last pull
	StatusUnmapped Status = "unmapped" // no mapping
	StatusStale    Status = "stale"    // mapped, but the agent is gone or disabled
)

// IndexAgents indexes agents by ID for UserStatus.
func IndexAgents(agents []halo.Agent) map[int]*halo.Agent {
	idx := make(map[int]*halo.Agent, len(agents))
	for i := range agents {
		idx[agents[i].ID] = &agents[i]
	}
	return idx
}

// UserStatus is the status of a user whose mapping is m (nil when none):
// a mapping counts as mapped only while its agent is in the last pull and
// enabled, because 1stream cannot route to a disabled or removed agent.
func UserStatus(m *Mapping, agents map[int]*halo.Agent) Status {
	if m == nil {
		return StatusUnmapped
	}
	if a := agents[m.AgentID]; a == nil || a.IsDisabled {
		return StatusStale
	}
	return StatusMapped
}

// StaleReason says why a stale mapping is stale, in words.
func StaleReason(m *Mapping, agents map[int]*halo.Agent) string {
	if a := agents[m.AgentID]; a != nil && a.IsDisabled {
		return "agent disabled in Halo"
	}
	return "agent no longer in Halo"
}

// Counts is the mapping status of a profile's users.
type Counts struct {
	Users, Mapped, Unmapped, Stale int
}

// CountStatus counts the users by UserStatus; a user with several
// mappings counts with the first, as the export writes it.
func CountStatus(users []User, mappings []Mapping, agents []halo.Agent) Counts {
	idx := IndexAgents(agents)
	byUser := MappingsByUser(mappings)
	c := Counts{Users: len(users)}
	for i := range users {
		switch UserStatus(byUser[users[i].ID], idx) {
		case StatusMapped:
			c.Mapped++
		case StatusStale:
			c.Stale++
		default:
			c.Unmapped++
		}
	}
	return c
}

// MappingsByUser indexes mappings by user ID, keeping each user's first (as
// the export writes it).
func MappingsByUser(mappings []Mapping) map[int64]*Mapping {
	by := make(map[int64]*Mapping, len(mappings))
	for i := range mappings {
		if _, dup := by[mappings[i].UserID]; !dup {
			by[mappings[i].UserID] = &mappings[i]
		}
	}
	return by
}
