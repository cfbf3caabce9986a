package gui

import (
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/assets"
	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/cli/clitest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

// The GUI and the CLI decide through the same halo/mapping rules, so on the
// same data they must leave the same mappings. Each case runs the GUI's
// action on one database and the CLI's command on another, and compares the
// outcome by extension.

// outcome is the screen's mappings keyed as clitest keys the CLI's.
func (e *mappingEnv) outcome(t *testing.T) clitest.Outcome {
	t.Helper()
	out := clitest.Outcome{}
	ms := e.mappings(t)
	for _, u := range e.s.model.users {
		if m, ok := ms[u.ID]; ok {
			out[u.Extension] = m
		}
	}
	return out
}

// demoSetup is the demo's Halo and 1stream users, two of them mapped by hand
// (one to an agent that auto-match would give to someone else).
func demoSetup(t *testing.T) clitest.Setup {
	t.Helper()
	prev, err := mapping.ParseUsers(bytes.NewReader(assets.DemoUsersCSV))
	if err != nil || len(prev.Rejected) > 0 {
		t.Fatalf("demo users: %v %+v", err, prev.Rejected)
	}
	snap := pullDemo(t)
	ps := people(snap)
	users := prev.Users(0)
	return clitest.Setup{Users: users, Agents: snap.Agents,
		Mapped: map[string]int{users[0].Extension: ps[5].ID, users[1].Extension: ps[0].ID}}
}

func newSetupEnv(t *testing.T, s clitest.Setup) *mappingEnv {
	t.Helper()
	snap := pullDemo(t)
	snap.Agents = s.Agents
	e := newMappingEnv(t, s.Users, &snap)
	for ext, agent := range s.Mapped {
		e.s.assign(e.userID(t, ext), agent)
		e.wait()
	}
	return e
}

func TestAcceptConfidentAgreesWithMapAuto(t *testing.T) {
	setup := demoSetup(t)
	e := newSetupEnv(t, setup)
	test.Tap(e.s.suggestBtn)
	e.wait()
	test.Tap(e.s.acceptBtn)
	e.wait()
	gui, cli := e.outcome(t), clitest.MapAuto(t, setup)
	if len(gui) <= len(setup.Mapped) {
		t.Fatalf("accept all confident mapped nobody: %v", gui)
	}
	// "manual" for the hand-made mappings in both, the match method else.
	if gui.String() != cli.String() {
		t.Fatalf("the GUI and the CLI disagree.\nGUI:\n%s\n\nCLI:\n%s", gui, cli)
	}
}

func TestMappingsImportAgreesWithImportMappings(t *testing.T) {
	setup := demoSetup(t)
	ps := people(halo.Snapshot{Agents: setup.Agents})
	u := setup.Users
	// The file gives user 2's agent to user 3 (the file wins: user 2 loses
	// it), remaps user 1, and maps user 4 twice (the later row wins).
	file := strings.Join(mapping.ExportHeader, ",") + "\r\n" +
		u[2].Extension + ",,," + strconv.Itoa(ps[0].ID) + ",,,imported,\r\n" +
		u[0].Extension + ",,," + strconv.Itoa(ps[7].ID) + ",,,manual,\r\n" +
		u[3].Extension + ",,," + strconv.Itoa(ps[8].ID) + ",,,manual,\r\n" +
		u[3].Extension + ",,," + strconv.Itoa(ps[9].ID) + ",,,email,\r\n"
	e := newSetupEnv(t, setup)
	e.s.importMappingsFrom("file.csv", io.NopCloser(strings.NewReader(file)))
	e.wait()
	if e.s.mapImportDlg == nil {
		t.Fatal("no import dialog")
	}
	e.s.mapImportDlg.d.Confirm()
	e.wait()
	gui, cli := e.outcome(t), clitest.ImportMappings(t, setup, []byte(file))
	if _, kept := gui[u[1].Extension]; kept {
		t.Fatalf("the agent the file gave away stayed with its user: %v", gui)
	}
	if gui.String() != cli.String() {
		t.Fatalf("the GUI and the CLI disagree.\nGUI:\n%s\n\nCLI:\n%s", gui, cli)
	}
}
