package halotest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// POST /api/Users as Halo does it (halo-api.md §9.2): the body is a JSON
// array of Users; an entry with the id of an existing user changes only the
// fields it carries, an entry without an id (or with id 0) CREATES a user,
// and the answer shows the saved records. The simulator keeps what it was
// sent, so the next GET (a pull, the phone search) sees it, and counts
// requests, entries and created users, so tests can prove that a client
// never creates one.

// writeStats is what POST /api/Users saw.
type writeStats struct {
	posts      int // requests answered (refused ones included)
	entries    int // entries applied
	maxEntries int // the most entries one request carried
	created    int // users created (entries without an id)
	fields     int // fields changed on existing users
}

// maxWriteBody bounds one POST's body, far above 50 users' worth.
const maxWriteBody = 8 << 20

// writableUserFields are the Users fields the simulator stores from a POST;
// others are accepted and ignored, as Halo ignores what it does not know.
var writableUserFields = map[string]func(u *wireUser) *string{
	"firstname":     func(u *wireUser) *string { return &u.FirstName },
	"surname":       func(u *wireUser) *string { return &u.Surname },
	"emailaddress":  func(u *wireUser) *string { return &u.EmailAddress },
	"phonenumber":   func(u *wireUser) *string { return &u.PhoneNumber },
	"homenumber":    func(u *wireUser) *string { return &u.HomeNumber },
	"mobilenumber":  func(u *wireUser) *string { return &u.MobileNumber },
	"mobilenumber2": func(u *wireUser) *string { return &u.MobileNumber2 },
}

func (s *Server) writeUsers(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.writes.posts++
	s.mu.Unlock()
	if s.sc.WriteForbidden || s.sc.Contacts.ContactsForbidden {
		s.denied(w, "users")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWriteBody+1))
	if err != nil || len(body) > maxWriteBody {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "The request body could not be read."})
		return
	}
	var entries []map[string]json.RawMessage
	if err := json.Unmarshal(body, &entries); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"ClassName": "Newtonsoft.Json.JsonSerializationException",
			"message": "The request body must be a JSON array of Users."})
		return
	}
	ids := make([]int, len(entries))
	for i, e := range entries {
		ids[i] = entryID(e)
	}
	if s.sc.OnWrite != nil {
		if st := s.sc.OnWrite(append([]int(nil), ids...)); st != 0 {
			if st == http.StatusTooManyRequests {
				limit := s.sc.RateLimit
				if limit == 0 {
					limit = 300
				}
				rateLimitReached(w, limit, s.sc.RateWindow)
				return
			}
			writeJSON(w, st, map[string]string{"ClassName": "System.Exception", "message": "An error has occurred."})
			return
		}
	}

	s.contactsMu.Lock()
	cs := s.contacts
	index := cs.indexByID()
	// All or nothing: an entry naming a user that does not exist refuses
	// the request before anything changes.
	for _, id := range ids {
		if _, ok := index[id]; id > 0 && !ok {
			s.contactsMu.Unlock()
			writeJSON(w, http.StatusBadRequest, map[string]string{"ClassName": "System.Exception",
				"message": fmt.Sprintf("User %d was not found.", id)})
			return
		}
	}
	var st writeStats
	saved := make([][]byte, len(entries))
	for i, e := range entries {
		k, ok := index[ids[i]]
		if !ok || ids[i] <= 0 {
			k = cs.create(e)
			index[cs.users[k].ID] = k
			st.created++
		} else {
			st.fields += applyEntry(&cs.users[k], e)
		}
		cs.userJSON[k], _ = json.Marshal(cs.users[k])
		saved[i] = cs.userJSON[k]
	}
	s.contactsMu.Unlock()

	s.mu.Lock()
	s.writes.entries += len(entries)
	s.writes.maxEntries = max(s.writes.maxEntries, len(entries))
	s.writes.created += st.created
	s.writes.fields += st.fields
	s.mu.Unlock()

	b := []byte{'['}
	for i, rec := range saved {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, rec...)
	}
	writeRaw(w, append(b, ']'))
}

// entryID is an entry's "id", 0 when it has none (or null, or not a
// number).
func entryID(e map[string]json.RawMessage) int {
	for k, v := range e {
		if !strings.EqualFold(k, "id") {
			continue
		}
		var n json.Number
		if json.Unmarshal(v, &n) != nil {
			return 0
		}
		id, err := strconv.Atoi(n.String())
		if err != nil {
			return 0
		}
		return id
	}
	return 0
}

// applyEntry stores the entry's known fields on u and returns how many it
// changed; the name follows first name and surname, as Halo shows it.
func applyEntry(u *wireUser, e map[string]json.RawMessage) int {
	n := 0
	for k, v := range e {
		field, ok := writableUserFields[strings.ToLower(k)]
		if !ok {
			continue
		}
		var val *string
		if json.Unmarshal(v, &val) != nil {
			continue
		}
		nv := ""
		if val != nil {
			nv = *val
		}
		if p := field(u); *p != nv {
			*p = nv
			n++
		}
	}
	if !u.general {
		u.Name = displayName(u.FirstName, u.Surname)
	}
	return n
}

// indexByID maps user ids to their position; call with contactsMu held.
func (cs *contactSet) indexByID() map[int]int {
	if cs.byID == nil {
		cs.byID = make(map[int]int, len(cs.users))
		for i, u := range cs.users {
			cs.byID[u.ID] = i
		}
	}
	return cs.byID
}

// create appends a user made from entry (what Halo does with an entry
// without an id) and returns its position; call with contactsMu held.
func (cs *contactSet) create(e map[string]json.RawMessage) int {
	next := firstContactID
	for _, u := range cs.users {
		next = max(next, u.ID+1)
	}
	u := wireUser{ID: next, Use: "user"}
	applyEntry(&u, e)
	cs.users = append(cs.users, u)
	cs.userJSON = append(cs.userJSON, nil)
	// The cached selections of GET /Users no longer hold every record.
	cs.mu.Lock()
	cs.selected = nil
	cs.mu.Unlock()
	return len(cs.users) - 1
}

// readUser answers GET /api/Users/{id}: the Users record, or Halo's 404.
// Halo's other records of one (General Users, inactive contacts) are
// served too: only the list filters them.
func (s *Server) readUser(w http.ResponseWriter, idText string) {
	if s.sc.Contacts.ContactsForbidden {
		s.denied(w, "users")
		return
	}
	id, err := strconv.Atoi(idText)
	s.contactsMu.Lock() // indexByID may build the index
	defer s.contactsMu.Unlock()
	k, ok := s.contacts.indexByID()[id]
	if err != nil || !ok || s.sc.Contacts.NoContacts {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "User not found."})
		return
	}
	writeRaw(w, s.contacts.userJSON[k])
}

// WritePOSTs is the number of POST /api/Users requests received (refused
// ones included).
func (s *Server) WritePOSTs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes.posts
}

// WrittenEntries is the number of entries POST /api/Users applied, and
// MaxWriteEntries the most one request carried.
func (s *Server) WrittenEntries() (total, maxPerRequest int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes.entries, s.writes.maxEntries
}

// CreatedUsers is the number of users POST /api/Users created: entries
// without an id. A client that only updates never causes one.
func (s *Server) CreatedUsers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes.created
}

// ChangedFields is the number of fields POST /api/Users changed on existing
// users.
func (s *Server) ChangedFields() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.writes.fields
}

// ContactField is a contact's current value of a Users field (firstname,
// surname, emailaddress, phonenumber, homenumber, mobilenumber,
// mobilenumber2); ok is false for an unknown contact or field.
func (s *Server) ContactField(id int, field string) (string, bool) {
	f, ok := writableUserFields[strings.ToLower(field)]
	if !ok {
		return "", false
	}
	s.contactsMu.Lock() // indexByID may build the index
	defer s.contactsMu.Unlock()
	k, ok := s.contacts.indexByID()[id]
	if !ok {
		return "", false
	}
	return *f(&s.contacts.users[k]), true
}

// SetContactField changes a contact's field as a person would in Halo's
// web app (no request is counted). It reports whether the contact and the
// field exist.
func (s *Server) SetContactField(id int, field, value string) bool {
	f, ok := writableUserFields[strings.ToLower(field)]
	if !ok {
		return false
	}
	s.contactsMu.Lock()
	defer s.contactsMu.Unlock()
	cs := s.contacts
	k, ok := cs.indexByID()[id]
	if !ok {
		return false
	}
	*f(&cs.users[k]) = value
	cs.userJSON[k], _ = json.Marshal(cs.users[k])
	return true
}

// ContactIDs lists the ids of the contacts a pull returns (active, no
// General Users, no service accounts), in Halo's order.
func (s *Server) ContactIDs() []int {
	s.contactsMu.RLock()
	defer s.contactsMu.RUnlock()
	var out []int
	for _, u := range s.contacts.users {
		if !u.Inactive && !u.general && !u.IsServiceAccount {
			out = append(out, u.ID)
		}
	}
	return out
}
