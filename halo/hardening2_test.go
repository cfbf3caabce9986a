package halo_test

import (
	"context"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// Names of 1 MiB (agent, team, organisation, and the memberships and
// department fields that repeat them) are clipped where they are decoded,
// and no check detail or report grows with them.
func TestHugeNamesAreClippedWhereDecoded(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{HugeNames: true})
	c := newClient(t, cfg)
	snap, err := c.Pull(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	long := func(what, s string) {
		t.Helper()
		if n := utf8.RuneCountInString(s); n > halo.MaxNameRunes+1 {
			t.Fatalf("%s is %d characters, want at most %d and the mark", what, n, halo.MaxNameRunes)
		}
	}
	clipped := 0
	for _, a := range snap.Agents {
		long("agent name", a.Name)
		long("surname", a.Surname)
		for _, m := range a.Teams {
			long("team membership", m.TeamName)
		}
		if utf8.RuneCountInString(a.Name) == halo.MaxNameRunes+1 {
			clipped++
			if r, _ := utf8.DecodeLastRuneInString(a.Name); r != '…' {
				t.Fatalf("a clipped name does not end in …: %q", a.Name[len(a.Name)-8:])
			}
		}
	}
	for _, tm := range snap.Teams {
		long("team", tm.Name)
	}
	for _, d := range snap.Departments {
		long("department", d.Name)
		long("department's organisation", d.OrganisationName)
	}
	for _, o := range snap.Organisations {
		long("organisation", o.Name)
	}
	if clipped != 1 {
		t.Fatalf("%d agents' names were clipped, want the one huge name", clipped)
	}

	rep := halo.RunCheck(context.Background(), cfg, nil)
	if !rep.OK {
		t.Fatalf("check failed: %+v", rep.Checks)
	}
	for _, ch := range rep.Checks {
		if len(ch.Detail) > 20<<10 {
			t.Fatalf("check %s detail is %d bytes", ch.ID, len(ch.Detail))
		}
	}
	b, _ := json.Marshal(rep)
	if len(b) > 256<<10 {
		t.Fatalf("the report is %d bytes in JSON", len(b))
	}
}
