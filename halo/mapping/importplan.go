package mapping

import "time"

// MappingEdit is one user's mapping before and after an edit (nil:
// unmapped): a line of an import plan, or of a step of the GUI's undo
// history. Undo walks the edits backwards.
type MappingEdit struct {
	UserID        int64
	Before, After *Mapping
}

// MappingImportPlan is what applying a mappings file (ResolveMappings' result) to
// a profile's mappings changes.
type MappingImportPlan struct {
	// Edits in file order. A user can appear twice: an earlier row takes
	// its agent for another user, a later row gives it a new one.
	Edits []MappingEdit
	// Set is the final mapping of every user the plan maps, Unmap the
	// users it leaves unmapped, both in the order the edits first touch
	// them: what storage's ApplyMappings writes.
	Set   []Mapping
	Unmap []int64
	// Counted against the mappings before the import: Added users had no
	// mapping, Changed ones another agent, Same rows match the current
	// mapping already (and are no edit), Unmapped users lose their agent to
	// another user of the file.
	Added, Changed, Same, Unmapped int
}

// PlanMappingImport plans rows against current, row by row, with the rule "the
// file wins, the agent leaves its previous user": a row replaces its user's
// mapping, and the user who held the row's agent loses it, so the result
// never maps one agent twice; a later row wins over an earlier one. A row
// whose user has its agent already changes nothing. Rows without MappedAt
// are stamped at.
func PlanMappingImport(current, rows []Mapping, at time.Time) MappingImportPlan {
	var p MappingImportPlan
	before := make(map[int64]Mapping, len(current))
	for _, m := range current {
		before[m.UserID] = m
	}
	for _, r := range rows {
		if prev, had := before[r.UserID]; had && prev.AgentID == r.AgentID {
			p.Same++
		}
	}
	p.Edits = reassign(current, rows, at, true, nil)
	final := make(map[int64]*Mapping, len(p.Edits))
	for _, s := range p.Edits {
		final[s.UserID] = s.After
	}
	for _, s := range p.Edits {
		m, pending := final[s.UserID]
		if !pending {
			continue
		}
		delete(final, s.UserID)
		prev, had := before[s.UserID]
		switch {
		case m == nil:
			p.Unmap = append(p.Unmap, s.UserID)
			if had {
				p.Unmapped++
			}
		case !had:
			p.Set = append(p.Set, *m)
			p.Added++
		default:
			p.Set = append(p.Set, *m)
			if prev.AgentID != m.AgentID {
				p.Changed++
			}
		}
	}
	return p
}

// Reassign is current with changes applied by PlanMappingImport's rule, as the
// complete set: current's users first (in their order), then new ones. A
// change whose user has its agent already still replaces the mapping (its
// method or time may be new). Storage merges a partial update with it.
func Reassign(current, changes []Mapping) []Mapping {
	var out []Mapping
	reassign(current, changes, time.Time{}, false, &out)
	return out
}

// reassign applies changes to current in order and returns the edits;
// with result set it also returns the complete final set there.
func reassign(current, changes []Mapping, at time.Time, skipSame bool, result *[]Mapping) []MappingEdit {
	work := make(map[int64]Mapping, len(current)+len(changes))
	holder := make(map[int]int64, len(current)+len(changes))
	for _, m := range current {
		work[m.UserID] = m
		holder[m.AgentID] = m.UserID
	}
	var edits []MappingEdit
	for _, c := range changes {
		cur, had := work[c.UserID]
		if skipSame && had && cur.AgentID == c.AgentID {
			continue
		}
		if other, held := holder[c.AgentID]; held && other != c.UserID {
			prev := work[other]
			delete(work, other)
			edits = append(edits, MappingEdit{UserID: other, Before: &prev})
		}
		if had {
			delete(holder, cur.AgentID)
		}
		nm := c
		if nm.MappedAt.IsZero() {
			nm.MappedAt = at
		}
		work[c.UserID] = nm
		holder[c.AgentID] = c.UserID
		var b *Mapping
		if had {
			b = &cur
		}
		edits = append(edits, MappingEdit{UserID: c.UserID, Before: b, After: &nm})
	}
	if result != nil {
		out := make([]Mapping, 0, len(work))
		done := make(map[int64]bool, len(work))
		for _, m := range current {
			if w, ok := work[m.UserID]; ok && !done[m.UserID] {
				out = append(out, w)
				done[m.UserID] = true
			}
		}
		for _, c := range changes {
			if w, ok := work[c.UserID]; ok && !done[c.UserID] {
				out = append(out, w)
				done[c.UserID] = true
			}
		}
		*result = out
	}
	return edits
}
