package halotest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func postUsers(t *testing.T, s *Server, tok, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/api/Users", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// POST /api/Users as Halo: an entry with an id changes only the fields it
// carries and the answer shows the saved record; an entry without an id
// creates a user; a missing user refuses the whole request; the 403
// scenario refuses with Halo's access message.
func TestPostUsers(t *testing.T) {
	s := New(Demo())
	defer s.Close()
	tok := token(t, s, s.URL()+"/auth/token")
	id := s.ContactIDs()[20]
	surname, _ := s.ContactField(id, "surname")
	mobile, _ := s.ContactField(id, "mobilenumber")

	st, body := postUsers(t, s, tok, `[{"id":`+itoa(id)+`,"phonenumber":"+441134960999"}]`)
	var saved []map[string]any
	if st != 200 || json.Unmarshal([]byte(body), &saved) != nil || len(saved) != 1 || saved[0]["phonenumber"] != "+441134960999" {
		t.Fatalf("update: %d %s", st, body)
	}
	if v, _ := s.ContactField(id, "phonenumber"); v != "+441134960999" {
		t.Fatalf("stored %q", v)
	}
	if v, _ := s.ContactField(id, "surname"); v != surname {
		t.Fatal("a field not sent changed")
	}
	if v, _ := s.ContactField(id, "mobilenumber"); v != mobile {
		t.Fatal("a field not sent changed")
	}
	// The next pull and the phone search see it.
	_, list, _ := get(t, s.Client(), s.URL()+"/api/Users?search=%2B441134960999&search_phonenumbers=true", tok)
	if !strings.Contains(list, `"id":`+itoa(id)+`,`) {
		t.Fatalf("the search does not find the saved number: %.200s", list)
	}

	before := s.ContactRecords()
	if st, _ := postUsers(t, s, tok, `[{"firstname":"New","surname":"Person"}]`); st != 200 || s.CreatedUsers() != 1 || s.ContactRecords() != before+1 {
		t.Fatalf("create: %d, %d created", st, s.CreatedUsers())
	}
	if st, _ := postUsers(t, s, tok, `[{"id":`+itoa(id)+`,"surname":"X"},{"id":999999,"surname":"Y"}]`); st != 400 {
		t.Fatalf("missing user: %d", st)
	}
	if v, _ := s.ContactField(id, "surname"); v != surname {
		t.Fatal("a refused request changed a user")
	}
	if st, _ := postUsers(t, s, tok, `{"id":`+itoa(id)+`}`); st != 400 {
		t.Fatalf("an object instead of an array: %d", st)
	}
	if n, most := s.WrittenEntries(); n != 2 || most != 1 || s.WritePOSTs() != 4 || s.ChangedFields() != 1 {
		t.Fatalf("entries %d (most %d), posts %d, fields %d", n, most, s.WritePOSTs(), s.ChangedFields())
	}

	f := New(Scenario{WriteForbidden: true})
	defer f.Close()
	if st, body := postUsers(t, f, token(t, f, f.URL()+"/auth/token"), `[{"id":`+itoa(id)+`,"surname":"X"}]`); st != 403 || !strings.Contains(body, "permission") {
		t.Fatalf("forbidden: %d %s", st, body)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
