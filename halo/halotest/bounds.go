package halotest

import "strings"

// hugeTeamID is the team HugeNames pads: the retired one, so only one
// agent's memberships carry it and the answers stay a few MiB.
const hugeTeamID = 7

// huge pads a name to 1 MiB (a multi-byte letter, so a byte cut would split
// a rune) after its real start.
func huge(name string) string {
	return name + " " + strings.Repeat("é", (1<<20-len(name))/2)
}
