package gui

import (
	"reflect"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func TestUndoStepResultWalksChangesBackwards(t *testing.T) {
	m := func(user int64, agent int) *mapping.Mapping {
		return &mapping.Mapping{UserID: user, AgentID: agent}
	}
	// An import: A (user 1) held agent 1; the file gives agent 1 to B
	// (user 2), which takes it from A, then gives A agent 2.
	step := undoStep{edits: []mapping.MappingEdit{
		{UserID: 1, Before: m(1, 1)},
		{UserID: 2, After: m(2, 1)},
		{UserID: 1, After: m(1, 2)},
	}}
	set, unmap := step.result(true)
	if want := []mapping.Mapping{*m(1, 1)}; !reflect.DeepEqual(set, want) || !reflect.DeepEqual(unmap, []int64{2}) {
		t.Fatalf("undo sets %+v and unmaps %v; want A back on agent 1 and B unmapped", set, unmap)
	}
	set, unmap = step.result(false)
	if want := []mapping.Mapping{*m(1, 2), *m(2, 1)}; !reflect.DeepEqual(set, want) || len(unmap) != 0 {
		t.Fatalf("redo sets %+v and unmaps %v", set, unmap)
	}
	// Steps touching each user once are unchanged by the direction.
	simple := undoStep{edits: []mapping.MappingEdit{{UserID: 3, Before: m(3, 7), After: m(3, 8)}, {UserID: 4, After: m(4, 7)}}}
	set, unmap = simple.result(true)
	if want := []mapping.Mapping{*m(3, 7)}; !reflect.DeepEqual(set, want) || !reflect.DeepEqual(unmap, []int64{4}) {
		t.Fatalf("simple undo sets %+v and unmaps %v", set, unmap)
	}
}

func TestUndidAndRedidOnAnEmptyHistory(t *testing.T) {
	var h undoStack
	// The history was cleared (profile switch, conflict) while the step
	// was being saved: moving it must not panic.
	h.undid()
	h.redid()
	if h.canUndo() || h.canRedo() {
		t.Fatal("moving nothing made a step")
	}
	h.push(undoStep{label: "a", edits: []mapping.MappingEdit{{UserID: 1}}})
	h.undid()
	h.clear()
	h.redid()
	if h.canUndo() || h.canRedo() {
		t.Fatal("a cleared history has steps")
	}
}

func TestStepAgentsAreTheStatesBeforeAndAfter(t *testing.T) {
	m := func(uid int64, agent int) *mapping.Mapping { return &mapping.Mapping{UserID: uid, AgentID: agent} }
	// User 1 gives agent 7 to user 2 and gets agent 8; user 3 is unmapped.
	s := undoStep{edits: []mapping.MappingEdit{
		{UserID: 1, Before: m(1, 7)},
		{UserID: 2, Before: nil, After: m(2, 7)},
		{UserID: 1, Before: nil, After: m(1, 8)},
		{UserID: 3, Before: m(3, 9)},
	}}
	before, after := s.agents(true), s.agents(false)
	if len(before) != 3 || before[1] != 7 || before[2] != 0 || before[3] != 9 {
		t.Fatalf("before = %v", before)
	}
	if len(after) != 3 || after[1] != 8 || after[2] != 7 || after[3] != 0 {
		t.Fatalf("after = %v", after)
	}
}
