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

// target returns the complete set of mappings after applying the step (or
// reverting it, with undo) to current, keyed by user. Users that no longer
// exist are left out by the caller.
func (s undoStep) target(current map[int64]storage.Mapping, undo bool) map[int64]storage.Mapping {
	out := make(map[int64]storage.Mapping, len(current)+len(s.changes))
	for k, v := range current {
		out[k] = v
	}
	for _, c := range s.changes {
		m := c.after
		if undo {
			m = c.before
		}
		if m == nil {
			delete(out, c.userID)
		} else {
			out[c.userID] = *m
		}
	}
	return out
}
