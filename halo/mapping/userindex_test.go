package mapping

import "testing"

func TestUserIndex(t *testing.T) {
	users := []User{
		{ID: 1, Extension: "101", Email: "alice@example.com"},
		{ID: 2, Extension: "102", Email: "bob@example.com"},
		{ID: 3, Extension: "101", Email: "ALICE@example.com"}, // same keys as 1: the first wins
		{ID: 4, Email: "carol@example.com"},                   // no extension
		{ID: 5, Extension: "0101"},                            // leading zero: another extension
	}
	x := NewUserIndex(users)
	for _, tc := range []struct {
		name       string
		ext, email string
		byExt      int // -1: not found
		byEmail    int
		find       int
	}{
		{"both keys of one user", "101", "alice@example.com", 0, 0, 0},
		{"keys in other forms", "Ext. 101", " MAILTO:Alice@Example.COM ", 0, 0, 0},
		{"x prefix", "x102", "", 1, -1, 1},
		{"leading zero kept", "0101", "", 4, -1, 4},
		{"email only", "", "carol@example.com", -1, 3, 3},
		{"extension wins over email", "102", "carol@example.com", 1, 3, 1},
		{"unknown extension, known email", "999", "bob@example.com", -1, 1, 1},
		{"empty finds no one", "", "", -1, -1, -1},
		{"blank finds no one", "  ", " ", -1, -1, -1},
	} {
		check := func(what string, got int, ok bool, want int) {
			if ok != (want >= 0) || ok && got != want || !ok && got != -1 {
				t.Errorf("%s: %s = %d, %v; want %d", tc.name, what, got, ok, want)
			}
		}
		i, ok := x.ByExtension(tc.ext)
		check("ByExtension", i, ok, tc.byExt)
		i, ok = x.ByEmail(tc.email)
		check("ByEmail", i, ok, tc.byEmail)
		i, ok = x.Find(tc.ext, tc.email)
		check("Find", i, ok, tc.find)
	}
	if i, ok := NewUserIndex(nil).Find("101", "a@b.c"); ok || i != -1 {
		t.Errorf("empty index found %d", i)
	}
}
