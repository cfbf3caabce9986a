package gui

import "github.com/halo-assistant/halo-assistant/storage"

// mappingChange is what one user's mapping was before and after a step;
// nil means unmapped.
type mappingChange struct {
	userID        int64
	before, after *storage.Mapping
}

// undoStep is one user action on the mapping screen: a drop, a Map or
// Unmap, "Accept all confident", an import.
type undoStep struct {
	label   string
	changes []mappingChange
}

// undoStack keeps the mapping steps of the current profile. Steps hold
// only the users they touched, so the stack stays small with 10,000 users.
type undoStack struct {
	done, undone []undoStep
	limit        int
}

const undoLimit = 100

func (h *undoStack) push(s undoStep) {
	if len(s.changes) == 0 {
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

func (h *undoStack) undid() {
	s := h.done[len(h.done)-1]
	h.done = h.done[:len(h.done)-1]
	h.undone = append(h.undone, s)
}

func (h *undoStack) redid() {
	s := h.undone[len(h.undone)-1]
	h.undone = h.undone[:len(h.undone)-1]
	h.done = append(h.done, s)
}

func (h *undoStack) clear() {
	h.done, h.undone = nil, nil
}

// result is what applying the step (or reverting it, with undo) writes:
// the final mapping of every user the step touched, as set (mapped) and
// unmap (unmapped), in the order the step first touched them. A step can
// touch a user twice — an import that takes a user's agent for another
// user, then gives the user a new agent — so undo walks the changes
// backwards and each user ends as it was before the step's first change
// to it; redo walks forwards and each user ends as after the last one.
func (s undoStep) result(undo bool) (set []storage.Mapping, unmap []int64) {
	final := make(map[int64]*storage.Mapping, len(s.changes))
	if undo {
		for i := len(s.changes) - 1; i >= 0; i-- {
			final[s.changes[i].userID] = s.changes[i].before
		}
	} else {
		for _, c := range s.changes {
			final[c.userID] = c.after
		}
	}
	for _, c := range s.changes {
		m, pending := final[c.userID]
		if !pending {
			continue // listed already
		}
		delete(final, c.userID)
		if m != nil {
			set = append(set, *m)
		} else {
			unmap = append(unmap, c.userID)
		}
	}
	return set, unmap
}
