package gui

import (
	"context"
	"io"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/halo/mapping"
	"github.com/halo-assistant/halo-assistant/storage"
)

func TestMappingUndoRedo(t *testing.T) {
	snap := agentsSnapshot(5)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	u1, u2 := e.userID(t, "101"), e.userID(t, "102")

	s.assign(u1, 1)
	e.wait()
	s.assign(u2, 2)
	e.wait()
	// Move agent 1 to user 2 (confirmed): user 1 loses it, user 2 loses agent 2.
	s.assign(u2, 1)
	s.confirm.Confirm()
	e.wait()
	if ms := e.mappings(t); len(ms) != 1 || ms[u2].AgentID != 1 {
		t.Fatalf("after the move: %+v", ms)
	}
	if s.undoBtn.Disabled() || !s.redoBtn.Disabled() {
		t.Fatal("undo should be enabled and redo disabled")
	}

	e.shortcut(&fyne.ShortcutUndo{})
	if ms := e.mappings(t); len(ms) != 2 || ms[u1].AgentID != 1 || ms[u2].AgentID != 2 {
		t.Fatalf("undoing the move must restore both users: %+v", ms)
	}
	if ms := e.mappings(t); ms[u1].MatchedBy != "manual" {
		t.Fatalf("undo lost how the mapping was made: %+v", ms[u1])
	}
	e.shortcut(&fyne.ShortcutUndo{})
	if ms := e.mappings(t); len(ms) != 1 || ms[u1].AgentID != 1 {
		t.Fatalf("second undo: %+v", ms)
	}
	if s.redoBtn.Disabled() {
		t.Fatal("redo should be enabled after undo")
	}
	e.shortcut(redoShortcut) // Ctrl+Shift+Z
	if ms := e.mappings(t); len(ms) != 2 || ms[u2].AgentID != 2 {
		t.Fatalf("redo: %+v", ms)
	}
	e.shortcut(&fyne.ShortcutRedo{}) // Ctrl+Y
	if ms := e.mappings(t); len(ms) != 1 || ms[u2].AgentID != 1 {
		t.Fatalf("second redo: %+v", ms)
	}
	if !s.redoBtn.Disabled() {
		t.Fatal("nothing left to redo")
	}
	if len(e.audit(t, "mapping.undo")) != 2 || len(e.audit(t, "mapping.redo")) != 2 {
		t.Fatal("undo and redo are not audited")
	}

	// A new change clears the redo history.
	test.Tap(s.undoBtn)
	e.wait()
	s.assign(e.userID(t, "103"), 4)
	e.wait()
	if !s.redoBtn.Disabled() {
		t.Fatal("a new change must clear redo")
	}
	// Unmap is undoable too.
	s.model.selectUser(e.userID(t, "103"))
	test.Tap(s.unmapBtn)
	e.wait()
	test.Tap(s.undoBtn)
	e.wait()
	if m := e.mappings(t)[e.userID(t, "103")]; m.AgentID != 4 {
		t.Fatal("undoing an unmap did not restore it")
	}
}

func TestMappingImportThatTouchesAUserTwiceUndoes(t *testing.T) {
	snap := agentsSnapshot(4)
	e := newMappingEnv(t, usersList(3), &snap)
	s := e.s
	a, b := e.userID(t, "101"), e.userID(t, "102")
	s.assign(a, 1) // A holds agent 1
	e.wait()
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n" +
		"102,,,1,,,manual,\r\n" + // B takes agent 1 from A …
		"101,,,2,,,manual,\r\n" // … and A gets agent 2
	s.importMappingsFrom("swap.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	md := s.mapImportDlg
	if md == nil {
		t.Fatal("no import dialog")
	}
	// Against the mappings before the import: B is new, A changed.
	if !strings.Contains(md.summary.Text, "1 new, 1 changed, 0 already") {
		t.Fatalf("summary = %q", md.summary.Text)
	}
	md.d.Confirm()
	e.wait()
	if ms := e.mappings(t); ms[a].AgentID != 2 || ms[b].AgentID != 1 || len(ms) != 2 {
		t.Fatalf("after the import: %+v", ms)
	}
	if !strings.Contains(s.status.Text, "1 new, 1 changed") {
		t.Fatalf("status = %q", s.status.Text)
	}
	test.Tap(s.undoBtn)
	e.wait()
	if ms := e.mappings(t); ms[a].AgentID != 1 || len(ms) != 1 {
		t.Fatalf("undo must restore A on agent 1 and unmap B: %+v", ms)
	}
	test.Tap(s.redoBtn)
	e.wait()
	if ms := e.mappings(t); ms[a].AgentID != 2 || ms[b].AgentID != 1 || len(ms) != 2 {
		t.Fatalf("redo: %+v", ms)
	}
}

func TestMappingStepsKeepChangesMadeElsewhere(t *testing.T) {
	snap := agentsSnapshot(6)
	e := newMappingEnv(t, usersList(4), &snap)
	s := e.s
	u1, u2, u3, u4 := e.userID(t, "101"), e.userID(t, "102"), e.userID(t, "103"), e.userID(t, "104")
	s.assign(u1, 1)
	e.wait()
	e.mapElsewhere(t, u3, 3)

	// Undo writes only the user it touches.
	test.Tap(s.undoBtn)
	e.wait()
	if ms := e.mappings(t); len(ms) != 1 || ms[u3].AgentID != 3 {
		t.Fatalf("undo lost the mapping made elsewhere: %+v", ms)
	}
	e.mapElsewhere(t, u4, 4)
	test.Tap(s.redoBtn)
	e.wait()
	if ms := e.mappings(t); len(ms) != 3 || ms[u1].AgentID != 1 || ms[u3].AgentID != 3 || ms[u4].AgentID != 4 {
		t.Fatalf("redo: %+v", ms)
	}

	// So does "Accept all confident".
	s.model.sugg = map[int64]mapping.Suggestion{u2: {UserID: u2, AgentID: 2, Method: mapping.MethodEmail, Confident: true}}
	s.model.rebuild()
	e.mapElsewhere(t, u3, 5)
	test.Tap(s.acceptBtn)
	e.wait()
	if ms := e.mappings(t); len(ms) != 4 || ms[u2].AgentID != 2 || ms[u3].AgentID != 5 {
		t.Fatalf("accept lost the mapping made elsewhere: %+v", ms)
	}

	// And an import.
	e.mapElsewhere(t, u3, 6)
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n101,,,3,,,manual,\r\n"
	s.importMappingsFrom("one.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	s.mapImportDlg.d.Confirm()
	e.wait()
	if ms := e.mappings(t); ms[u1].AgentID != 3 || ms[u3].AgentID != 6 || ms[u4].AgentID != 4 {
		t.Fatalf("import lost the mapping made elsewhere: %+v", ms)
	}
}

func TestMappingChangesFinishingAfterAProfileSwitch(t *testing.T) {
	snap := agentsSnapshot(6)
	e := newMappingEnv(t, usersList(4), &snap)
	s := e.s
	u1, u2, u3 := e.userID(t, "101"), e.userID(t, "102"), e.userID(t, "103")
	other, err := e.db.CreateProfile(context.Background(), storage.Profile{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	switchTo := func(id int64) {
		t.Helper()
		e.u.profiles.afterChange(id) // inline; e.wait() would wait for the held work
		if e.u.current.ID != id || s.profile.ID != id {
			t.Fatalf("profile %d not shown", id)
		}
	}
	// Each change is still being saved when the admin picks the other
	// profile; it finishes there. Other's history stays empty, and no
	// panic (undo used to pop Other's empty history).
	finishOnOther := func(what string, start func()) {
		t.Helper()
		release := holdAsync(t, e.u, start)
		switchTo(other.ID)
		release()
		e.wait()
		if s.model.history.canUndo() || s.model.history.canRedo() || !s.undoBtn.Disabled() {
			t.Fatalf("%s of Contoso MSP landed in Other's undo history", what)
		}
		switchTo(e.p.ID)
	}

	s.assign(u1, 1)
	e.wait()
	finishOnOther("undo", s.model.undo)
	if _, ok := e.mappings(t)[u1]; ok {
		t.Fatal("the undo itself was not saved")
	}
	finishOnOther("a mapping", func() { s.assign(u2, 2) })
	s.model.sugg = map[int64]mapping.Suggestion{u3: {UserID: u3, AgentID: 3, Method: mapping.MethodEmail, Confident: true}}
	s.model.rebuild()
	finishOnOther("Accept all confident", s.model.acceptConfident)
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n104,,,4,,,manual,\r\n"
	s.importMappingsFrom("one.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	finishOnOther("an import", s.mapImportDlg.d.Confirm)
	if ms := e.mappings(t); ms[u2].AgentID != 2 || ms[u3].AgentID != 3 || ms[e.userID(t, "104")].AgentID != 4 {
		t.Fatalf("the changes were not saved: %+v", ms)
	}
	// Back on Contoso MSP the screen works as before.
	s.assign(u1, 5)
	e.wait()
	if !s.model.history.canUndo() || e.mappings(t)[u1].AgentID != 5 {
		t.Fatal("mapping after the switches")
	}
}

func TestMappingStepsRefuseToOverwriteChangesMadeElsewhere(t *testing.T) {
	snap := agentsSnapshot(6)
	e := newMappingEnv(t, usersList(4), &snap)
	s := e.s
	u1, u2, u3, u4 := e.userID(t, "101"), e.userID(t, "102"), e.userID(t, "103"), e.userID(t, "104")
	refused := func(what, text string) {
		t.Helper()
		if s.status.Text != text {
			t.Fatalf("%s: status %q", what, s.status.Text)
		}
		if s.conflictDlg == nil || e.win.Canvas().Overlays().Top() == nil {
			t.Fatalf("%s: the conflict is not shown in a dialog", what)
		}
		e.u.escape()
		s.conflictDlg = nil
	}

	// Undo of a user that `map set` re-mapped meanwhile.
	s.assign(u1, 1)
	e.wait()
	e.mapElsewhere(t, u1, 5)
	test.Tap(s.undoBtn)
	e.wait()
	if ms := e.mappings(t); len(ms) != 1 || ms[u1].AgentID != 5 {
		t.Fatalf("undo overwrote the mapping made elsewhere: %+v", ms)
	}
	refused("undo", conflictUndoText)
	if s.model.history.canUndo() || !s.undoBtn.Disabled() || !s.redoBtn.Disabled() {
		t.Fatal("the undo history must be cleared")
	}
	if r := e.row(t, "101"); r.cells[colAgent] != "Agent 005" {
		t.Fatalf("the screen was not reloaded: %q", r.cells[colAgent])
	}
	if n := len(e.audit(t, actionMappingUndo)); n != 0 {
		t.Fatalf("a refused undo was audited %d times", n)
	}

	// Redo of a step whose agent was given to another user meanwhile.
	s.assign(u2, 2)
	e.wait()
	test.Tap(s.undoBtn)
	e.wait()
	e.mapElsewhere(t, u3, 2)
	test.Tap(s.redoBtn)
	e.wait()
	if ms := e.mappings(t); ms[u3].AgentID != 2 || ms[u2].AgentID != 0 {
		t.Fatalf("redo took the agent mapped elsewhere: %+v", ms)
	}
	refused("redo", conflictUndoText)

	// "Accept all confident", computed while a user looked unmapped.
	s.model.sugg = map[int64]mapping.Suggestion{u4: {UserID: u4, AgentID: 3, Method: mapping.MethodEmail, Confident: true}}
	s.model.rebuild()
	e.mapElsewhere(t, u4, 4)
	test.Tap(s.acceptBtn)
	e.wait()
	if ms := e.mappings(t); ms[u4].AgentID != 4 {
		t.Fatalf("accept overwrote the mapping made elsewhere: %+v", ms)
	}
	refused("accept", conflictApplyText)

	// An import planned from the mappings on screen.
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n102,,,6,,,manual,\r\n"
	s.importMappingsFrom("one.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	e.mapElsewhere(t, u2, 1)
	s.mapImportDlg.d.Confirm()
	e.wait()
	if ms := e.mappings(t); ms[u2].AgentID != 1 {
		t.Fatalf("the import overwrote the mapping made elsewhere: %+v", ms)
	}
	refused("import", conflictApplyText)
}

func TestUndoRedoShortcutsReachTheScreenFromTheSearchBoxes(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, usersList(2), &snap)
	s := e.s
	u1 := e.userID(t, "101")
	s.assign(u1, 1)
	e.wait()
	mapped := func() bool { _, ok := e.mappings(t)[u1]; return ok }
	for _, box := range []*shortcutEntry{s.userSearch, s.agentList.query} {
		test.Type(box, "1")
		e.win.Canvas().Focus(box)
		for _, sc := range []struct {
			sc   fyne.Shortcut
			want bool
		}{{&fyne.ShortcutUndo{}, false}, {redoShortcut, true}, {&fyne.ShortcutUndo{}, false}, {&fyne.ShortcutRedo{}, true}} {
			box.TypedShortcut(sc.sc) // what the driver does with a focused entry
			e.wait()
			if mapped() != sc.want {
				t.Fatalf("%s in a search box: mapped = %v", sc.sc.ShortcutName(), mapped())
			}
		}
		if box.Text != "1" {
			t.Fatalf("the search box's own undo ran: %q", box.Text)
		}
		box.SetText("")
	}
}

func TestUndoingAcceptAllConfidentOffersTheSuggestionsAgain(t *testing.T) {
	snap := agentsSnapshot(3)
	e := newMappingEnv(t, []mapping.User{
		{Extension: "501", Name: "Someone", Email: "agent001@contoso.example"},
		{Extension: "502", Name: "Someone Else", Email: "AGENT002@contoso.example"},
	}, &snap)
	s := e.s
	test.Tap(s.suggestBtn)
	e.wait()
	test.Tap(s.acceptBtn)
	e.wait()
	if n := len(e.mappings(t)); n != 2 {
		t.Fatalf("accept mapped %d users", n)
	}
	test.Tap(s.undoBtn)
	e.wait()
	for ext, agent := range map[string]string{"501": "Agent 001?", "502": "Agent 002?"} {
		if r := e.row(t, ext); r.status != statusSuggested || r.cells[colAgent] != agent {
			t.Fatalf("after undo, ext %s: %v %q", ext, r.status, r.cells[colAgent])
		}
	}
	if s.acceptBtn.Disabled() || s.counters.Text != "Mapped 0 / 2 · 2 suggested" {
		t.Fatalf("the suggestions are not back: %q", s.counters.Text)
	}
	test.Tap(s.redoBtn)
	e.wait()
	if n := len(e.mappings(t)); n != 2 || e.row(t, "501").status != mapping.StatusMapped {
		t.Fatal("redo did not map them again")
	}
}

func TestMappingSuggestAndAcceptConfident(t *testing.T) {
	snap := pullDemo(t)
	ps := people(snap)
	// Two agents with the same name make an ambiguous case.
	twin := ps[4]
	twin.ID, twin.Email, twin.Extension = 99001, "other."+twin.Email, ""
	snap.Agents = append(snap.Agents, twin)
	users := []mapping.User{
		{Extension: "501", Name: "Someone", Email: strings.ToUpper(ps[0].Email)}, // email
		{Extension: "502", Name: ps[1].Name, Email: ps[1].Email},                 // email
		{Extension: "503", Name: ps[4].Name},                                     // name, ambiguous
		{Extension: "504", Name: "Nobody Matches"},
	}
	e := newMappingEnv(t, users, &snap)
	s := e.s
	if !s.acceptBtn.Disabled() {
		t.Fatal("nothing to accept before suggesting")
	}
	test.Tap(s.suggestBtn)
	e.wait()
	for _, ext := range []string{"501", "502", "503"} {
		if st := e.row(t, ext).status; st != statusSuggested {
			t.Errorf("ext %s: status %v, want suggested", ext, st)
		}
	}
	amb := e.row(t, "503")
	if !strings.HasPrefix(amb.cells[colAgent], "choose: ") || !strings.Contains(amb.cells[colAgent], ps[4].Name) {
		t.Fatalf("ambiguous suggestion shows %q", amb.cells[colAgent])
	}
	if s.acceptBtn.Disabled() {
		t.Fatal("Accept all confident should be enabled")
	}
	test.Tap(s.acceptBtn)
	e.wait()
	ms := e.mappings(t)
	if m := ms[e.userID(t, "501")]; m.AgentID != ps[0].ID || m.MatchedBy != "email" {
		t.Fatalf("501: %+v", m)
	}
	if m := ms[e.userID(t, "502")]; m.AgentID != ps[1].ID || m.MatchedBy != "email" {
		t.Fatalf("502: %+v", m)
	}
	if _, ok := ms[e.userID(t, "503")]; ok {
		t.Fatal("an ambiguous suggestion must not be applied")
	}
	if e.row(t, "503").status != statusSuggested {
		t.Fatal("the ambiguous user stays suggested")
	}
	agents := map[int]bool{}
	for _, m := range ms {
		if agents[m.AgentID] {
			t.Fatal("one agent mapped to two users")
		}
		agents[m.AgentID] = true
	}
	if len(e.audit(t, storage.ActionMappingBulk)) != 1 {
		t.Fatal("accepting was not audited")
	}

	// Choosing a candidate for the ambiguous user records the method.
	s.model.sel.agent = 0
	s.model.selectUser(e.userID(t, "503"))
	if !strings.Contains(s.status.Text, "Suggested by name") {
		t.Fatalf("status = %q", s.status.Text)
	}
	s.assign(e.userID(t, "503"), twin.ID)
	e.wait()
	if m := e.mappings(t)[e.userID(t, "503")]; m.AgentID != twin.ID || m.MatchedBy != "manual" {
		t.Fatalf("503: %+v", m)
	}

	// Accepting is one undo step.
	test.Tap(s.undoBtn)
	e.wait()
	test.Tap(s.undoBtn)
	e.wait()
	if n := len(e.mappings(t)); n != 0 {
		t.Fatalf("undoing the accept left %d mappings", n)
	}
}
