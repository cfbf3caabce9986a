package mapping

// UserIndex finds users by extension (ExtensionKey) and by email
// (EmailKey). Where two users share a key, the first one wins: storage
// keeps both keys unique per profile, so that only happens with users
// that were never stored.
type UserIndex struct {
	byExt, byEmail map[string]int
}

// NewUserIndex indexes users; the lookups return indexes into it.
func NewUserIndex(users []User) UserIndex {
	x := UserIndex{byExt: make(map[string]int, len(users)), byEmail: make(map[string]int, len(users))}
	for i := range users {
		if k := ExtensionKey(users[i].Extension); k != "" {
			if _, dup := x.byExt[k]; !dup {
				x.byExt[k] = i
			}
		}
		if k := EmailKey(users[i].Email); k != "" {
			if _, dup := x.byEmail[k]; !dup {
				x.byEmail[k] = i
			}
		}
	}
	return x
}

// ByExtension returns the index of the user whose extension has ext's
// key; an empty extension finds no one.
func (x UserIndex) ByExtension(ext string) (int, bool) {
	return lookupKey(x.byExt, ExtensionKey(ext))
}

// ByEmail returns the index of the user whose email has email's key; an
// empty email finds no one.
func (x UserIndex) ByEmail(email string) (int, bool) {
	return lookupKey(x.byEmail, EmailKey(email))
}

// Find returns the user with ext's key, else the one with email's key:
// the extension identifies a 1stream user first.
func (x UserIndex) Find(ext, email string) (int, bool) {
	if i, ok := x.ByExtension(ext); ok {
		return i, true
	}
	return x.ByEmail(email)
}

func lookupKey(m map[string]int, k string) (int, bool) {
	if k == "" {
		return -1, false
	}
	i, ok := m[k]
	if !ok {
		return -1, false
	}
	return i, true
}
