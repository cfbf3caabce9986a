package storage

import "github.com/halo-assistant/halo-assistant/halo/mapping"

// mergeMappings applies changes on top of existing, for ApplyMappings (SetMappings
// takes the complete set), by the domain's rule (mapping.Reassign): a
// change replaces its user's mapping, and an agent that a change gives to
// one user is taken from any other user, so the result never maps one agent
// twice. Order: existing users first.
func mergeMappings(existing, changes []mapping.Mapping) []mapping.Mapping {
	return mapping.Reassign(existing, changes)
}
