package mapping

import "fmt"

// upsert is what saving one imported row does: update the stored user
// User.ID, or insert a new user when User.ID is 0.
type upsert struct {
	Line int
	// User is the user to store: for an update, the stored user with the
	// row's non-empty cells written over it (an empty cell keeps the stored
	// value, so a file without an Email column does not erase emails).
	User User
}

// matchStoredUsers decides, for the rows of a Preview, which stored users
// they update: the user with the same extension (ExtensionKey), else the
// one with the same email (EmailKey). It rejects rows whose extension and
// email belong to two different stored users, and rows that would update a
// user an earlier row already updates. PlanUsersImport builds the import
// plan both front-ends show from it.
func matchStoredUsers(rows []ImportRow, existing []User) (upserts []upsert, rejected []Rejected) {
	index := NewUserIndex(existing)
	updatedOn := make(map[int]int) // index in existing -> line
	if len(rows) > 0 {
		upserts = make([]upsert, 0, len(rows)) // one each, but for the rejected few
	}
	for _, row := range rows {
		u := row.User
		ei, byExtOK := index.ByExtension(u.Extension)
		mi, byEmailOK := index.ByEmail(u.Email)
		target := -1
		switch {
		case byExtOK && byEmailOK && ei != mi:
			rejected = append(rejected, Rejected{Line: row.Line, Reason: fmt.Sprintf(
				"extension %s belongs to %s but email %s to %s", quoteShort(u.Extension), describeUser(existing[ei]),
				quoteShort(u.Email), describeUser(existing[mi]))})
			continue
		case byExtOK:
			target = ei
		case byEmailOK:
			target = mi
		}
		if target < 0 {
			u.ID = 0
			upserts = append(upserts, upsert{Line: row.Line, User: u})
			continue
		}
		if line, dup := updatedOn[target]; dup {
			rejected = append(rejected, Rejected{Line: row.Line, Reason: fmt.Sprintf(
				"updates the same user as line %d (%s)", line, describeUser(existing[target]))})
			continue
		}
		updatedOn[target] = row.Line
		merged := existing[target].Merge(u)
		upserts = append(upserts, upsert{Line: row.Line, User: merged})
	}
	return upserts, rejected
}

func describeUser(u User) string {
	if u.Name != "" {
		return quoteShort(u.Name)
	}
	return "the user with " + describeUserKeys(u.Extension, u.Email)
}
