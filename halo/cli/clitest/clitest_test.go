package clitest_test

import (
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/cli/clitest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func setup() clitest.Setup {
	return clitest.Setup{
		Users: []mapping.User{
			{Extension: "101", Name: "Ann Smith", Email: "ann@example.com"},
			{Extension: "102", Name: "Bob Lee", Email: "bob@example.com"},
			{Extension: "103", Name: "Cy Doe", Email: "cy@example.com"},
		},
		Agents: []halo.Agent{
			{ID: 10, Name: "Ann Smith", Email: "ann@example.com"},
			{ID: 20, FirstName: "Bob", Surname: "Lee", Email: "bob@example.com"}, // Halo sent no name
			{ID: 30, Name: "Cy Doe", Email: "cy@example.com", IsDisabled: true},
		},
		Mapped: map[string]int{},
	}
}

// map auto applies the GUI's rule: confident matches to enabled agents,
// named as the GUI names them.
func TestMapAutoAcceptsAsTheGUIDoes(t *testing.T) {
	got := clitest.MapAuto(t, setup())
	want := "101→10 Ann Smith (email)\n102→20 Bob Lee (email)"
	if got.String() != want {
		t.Fatalf("map auto:\n%s\nwant\n%s", got, want)
	}
}

// import-mappings applies the GUI's plan: the file wins, and a row that
// names the agent a user has already changes nothing (the mapping keeps how
// and when it was made).
func TestImportMappingsPlansAsTheGUIDoes(t *testing.T) {
	s := setup()
	s.Mapped = map[string]int{"101": 10, "102": 20}
	file := []byte("Extension,Halo Agent ID,Matched By\n101,10,email\n103,20,email\n")
	got := clitest.ImportMappings(t, s, file)
	want := "101→10 Ann Smith (manual)\n103→20 Bob Lee (email)"
	if got.String() != want {
		t.Fatalf("import-mappings:\n%s\nwant\n%s", got, want)
	}
}
