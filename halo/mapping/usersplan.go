package mapping

import (
	"sort"
	"strings"
)

// RowChange is what importing one row does to the stored users.
type RowChange int

// Row changes.
const (
	RowNew       RowChange = iota // a new user
	RowUpdates                    // updates the stored user Stored
	RowUnchanged                  // says what is stored already: storage leaves it
)

// PlannedRow is one accepted row of a UsersImportPlan.
type PlannedRow struct {
	Change RowChange
	Stored User // the stored user it updates or matches; zero for RowNew
}

// UsersImportPlan is a users file checked against the stored users: the
// preview both front-ends show (the GUI's import dialog, `users import` and
// its --dry-run), so they count new, updated, unchanged and rejected rows
// alike.
type UsersImportPlan struct {
	// Preview holds the rows to store (Accepted) and every line that will
	// not be (Rejected, by line): the parser's refusals and those of
	// matchStoredUsers.
	Preview Preview
	// Rows says, for each of Preview.Accepted, what it does.
	Rows                    []PlannedRow
	New, Updated, Unchanged int
}

// PlanUsersImport moves the rows matchStoredUsers refuses (an extension of
// one stored user with the email of another, two rows updating the same
// user) from Accepted to Rejected, so they are listed with their line
// instead of failing the whole import, and says what each remaining row
// does.
func PlanUsersImport(p Preview, existing []User) UsersImportPlan {
	upserts, refused := matchStoredUsers(p.Accepted, existing)
	byID := make(map[int64]User, len(existing))
	for _, u := range existing {
		byID[u.ID] = u
	}
	byLine := make(map[int]ImportRow, len(p.Accepted))
	for _, r := range p.Accepted {
		byLine[r.Line] = r
	}
	ip := UsersImportPlan{Preview: p}
	ip.Preview.Accepted = make([]ImportRow, 0, len(upserts))
	ip.Rows = make([]PlannedRow, 0, len(upserts))
	for _, u := range upserts {
		row, ok := byLine[u.Line]
		if !ok {
			continue
		}
		ip.Preview.Accepted = append(ip.Preview.Accepted, row)
		stored, ok := byID[u.User.ID]
		switch {
		case !ok || u.User.ID == 0:
			ip.New++
			ip.Rows = append(ip.Rows, PlannedRow{Change: RowNew})
		case stored.Extension == u.User.Extension && stored.Name == u.User.Name && stored.Email == u.User.Email:
			// Storage leaves it as it is (UpsertUsers counts it as
			// unchanged, not updated).
			ip.Unchanged++
			ip.Rows = append(ip.Rows, PlannedRow{Change: RowUnchanged, Stored: stored})
		default:
			ip.Updated++
			ip.Rows = append(ip.Rows, PlannedRow{Change: RowUpdates, Stored: stored})
		}
	}
	if len(refused) > 0 {
		ip.Preview.Rejected = append([]Rejected(nil), p.Rejected...)
		for _, r := range refused {
			if r.Raw == "" {
				row := byLine[r.Line].User
				r.Raw = strings.Join([]string{row.Extension, row.Name, row.Email}, ", ")
			}
			ip.Preview.Rejected = append(ip.Preview.Rejected, r)
		}
		sort.SliceStable(ip.Preview.Rejected, func(i, j int) bool { return ip.Preview.Rejected[i].Line < ip.Preview.Rejected[j].Line })
	}
	return ip
}
