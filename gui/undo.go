package gui

import (
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// undoStep is one user action on the mapping screen: a drop, a Map or
// Unmap, "Accept all confident", an import. edits are what it did to each
// user's mapping, in order.
type undoStep struct {
	label string
	edits []mapping.MappingEdit
	// sugg are the suggestions the step applied ("Accept all confident"):
	// undoing it offers them again.
	sugg []mapping.Suggestion
}

// undoStack keeps the mapping steps of the current profile. Steps hold
// only the users they touched, so the stack stays small with 10,000 users.
type undoStack struct {
	done, undone []undoStep
	limit        int
}

const undoLimit = 100

func (h *undoStack) push(s undoStep) {
	if len(s.edits) == 0 {
		return
	}
	h.done = append(h.done, s)
	if h.limit == 0 {
		h.limit = undoLimit
	}
	if len(h.done) > h.limit {
		h.done = append(h.done[:0], h.done[len(h.done)-h.limit:]...)
	}
	h.undone = h.undone[:0]
}

func (h *undoStack) canUndo() bool { return len(h.done) > 0 }
func (h *undoStack) canRedo() bool { return len(h.undone) > 0 }

// peekUndo and peekRedo return the step that undo or redo would apply; the
// caller moves it with undid or redid once it has been saved, so a failed
// save leaves the history as it was.
func (h *undoStack) peekUndo() (undoStep, bool) {
	if len(h.done) == 0 {
		return undoStep{}, false
	}
	return h.done[len(h.done)-1], true
}

func (h *undoStack) peekRedo() (undoStep, bool) {
	if len(h.undone) == 0 {
		return undoStep{}, false
	}
	return h.undone[len(h.undone)-1], true
}

// undid and redid do nothing on an empty stack: the history may have been
// cleared (profile switch, conflict) while the step was being saved.
func (h *undoStack) undid() { moveTop(&h.done, &h.undone) }
func (h *undoStack) redid() { moveTop(&h.undone, &h.done) }

// moveTop moves the last step of from onto to.
func moveTop(from, to *[]undoStep) {
	if len(*from) == 0 {
		return
	}
	s := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, s)
}

func (h *undoStack) clear() {
	h.done, h.undone = nil, nil
}

// result is what applying the step (or reverting it, with undo) writes:
// the final mapping of every user the step touched, as set (mapped) and
// unmap (unmapped), in the order the step first touched them. A step can
// touch a user twice — an import that takes a user's agent for another
// user, then gives the user a new agent — so undo walks the edits
// backwards and each user ends as it was before the step's first change
// to it; redo walks forwards and each user ends as after the last one.
func (s undoStep) result(undo bool) (set []mapping.Mapping, unmap []int64) {
	final := make(map[int64]*mapping.Mapping, len(s.edits))
	if undo {
		for i := len(s.edits) - 1; i >= 0; i-- {
			final[s.edits[i].UserID] = s.edits[i].Before
		}
	} else {
		for _, e := range s.edits {
			final[e.UserID] = e.After
		}
	}
	for _, e := range s.edits {
		m, pending := final[e.UserID]
		if !pending {
			continue // listed already
		}
		delete(final, e.UserID)
		if m != nil {
			set = append(set, *m)
		} else {
			unmap = append(unmap, e.UserID)
		}
	}
	return set, unmap
}

// agents is result(undo) as the agent each touched user ends with (0:
// unmapped). With undo it is the state before the step, without it the
// state after: what storage.ApplyMappings must still find before the step
// is redone (agents(true)) or undone (agents(false)).
func (s undoStep) agents(undo bool) map[int64]int {
	set, unmap := s.result(undo)
	out := make(map[int64]int, len(set)+len(unmap))
	for _, m := range set {
		out[m.UserID] = m.AgentID
	}
	for _, uid := range unmap {
		out[uid] = 0
	}
	return out
}
