package storage

// mergeMappings applies changes on top of existing, for ApplyMappings (SetMappings
// takes the complete set): a change replaces its user's mapping, and an
// agent that a change gives to one user is taken from any other user, so
// the result never maps one agent twice. Order: existing users first.
func mergeMappings(existing, changes []Mapping) []Mapping {
	byUser := make(map[int64]int, len(changes))
	byAgent := make(map[int]bool, len(changes))
	for i, c := range changes {
		byUser[c.UserID] = i
		byAgent[c.AgentID] = true
	}
	out := make([]Mapping, 0, len(existing)+len(changes))
	done := make(map[int64]bool, len(changes))
	for _, m := range existing {
		if i, ok := byUser[m.UserID]; ok {
			out = append(out, changes[i])
			done[m.UserID] = true
			continue
		}
		if byAgent[m.AgentID] {
			continue // moved to the user the change names
		}
		out = append(out, m)
	}
	for _, c := range changes {
		if !done[c.UserID] {
			out = append(out, c)
			done[c.UserID] = true
		}
	}
	return out
}
