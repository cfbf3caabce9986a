package halo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Writing contacts back to Halo: the app's only write. Halo updates a user
// by POST /api/Users with a JSON array of Users; an entry with the id of
// an existing user changes only the fields it carries, and an entry without
// an id CREATES a user. So this file makes the wrong write impossible or
// an error by construction:
//
//   - a change names a contact id > 0 and one of the six writable contact
//     fields (WritableContactFields); nothing else can be expressed, and an
//     entry without an id is never built;
//   - the changes form a ContactWrite, which only Confirm, given the number
//     of changes the user was shown, turns into a ConfirmedWrite;
//   - UpdateContacts sends only changes of that ConfirmedWrite, each at
//     most once, at most UpdateBatchSize users a request, and calls the
//     caller's before hook (the journal's commit) before the request
//     leaves: when the hook fails nothing is sent;
//   - a change counts as written only when Halo's answer shows its new
//     value.

// UpdateBatchSize is the most users one POST /api/Users carries. Halo
// documents no limit on the array: batches stay modest, and one refused
// batch fails no more than this many contacts.
const UpdateBatchSize = 50

// Bounds of a write: values as Halo's contact fields take them, and a
// plan no larger than a Halo the app can pull.
const (
	maxNumberLen = 100
	maxNameLen   = 255
	// MaxContactChanges bounds one write: four numbers and two names of
	// every contact of the largest list the app pulls.
	MaxContactChanges = 6 * DefaultMaxListItems
)

// ContactField is a field of a Halo contact (a User) the app may write.
type ContactField string

// The writable contact fields, in Halo's names: the contact's own four
// numbers and its names. The site's number, e-mail, customer and every
// other field are never written.
const (
	ContactPhone     ContactField = "phonenumber"
	ContactHome      ContactField = "homenumber"
	ContactMobile    ContactField = "mobilenumber"
	ContactMobile2   ContactField = "mobilenumber2"
	ContactFirstName ContactField = "firstname"
	ContactSurname   ContactField = "surname"
)

// WritableContactFields lists the writable fields in the order a request
// carries them.
var WritableContactFields = []ContactField{ContactPhone, ContactHome, ContactMobile, ContactMobile2, ContactFirstName, ContactSurname}

// NumberFields are the contact's own four numbers, in Halo's order.
var NumberFields = []ContactField{ContactPhone, ContactHome, ContactMobile, ContactMobile2}

// Writable reports whether the app may write f.
func (f ContactField) Writable() bool {
	for _, w := range WritableContactFields {
		if f == w {
			return true
		}
	}
	return false
}

// IsNumber reports whether f is one of the contact's own four numbers.
func (f ContactField) IsNumber() bool {
	return f == ContactPhone || f == ContactHome || f == ContactMobile || f == ContactMobile2
}

// Of is c's value of f ("" for a field that is not writable).
func (f ContactField) Of(c Contact) string {
	switch f {
	case ContactPhone:
		return c.PhoneNumber
	case ContactHome:
		return c.HomeNumber
	case ContactMobile:
		return c.MobileNumber
	case ContactMobile2:
		return c.MobileNumber2
	case ContactFirstName:
		return c.FirstName
	case ContactSurname:
		return c.Surname
	}
	return ""
}

// ContactChange is one field of one existing contact: Old is the value the
// plan was made from, New the value to write.
type ContactChange struct {
	ContactID int
	Field     ContactField
	Old, New  string
}

type changeKey struct {
	id    int
	field ContactField
}

func (ch ContactChange) key() changeKey { return changeKey{ch.ContactID, ch.Field} }

// ContactWrite is a set of changes awaiting the user's confirmation. It
// holds each (contact, field) once.
type ContactWrite struct {
	changes []ContactChange
}

// NewContactWrite checks changes and holds them for confirmation. It
// refuses (with a *Error) an empty set, a contact id <= 0 (Halo would
// create a user), a field that is not writable, a change that changes
// nothing, the same field of a contact twice, a value that is not
// single-line text or is too long, and more than MaxContactChanges.
func NewContactWrite(changes []ContactChange) (*ContactWrite, error) {
	if len(changes) == 0 {
		return nil, writeError("There is nothing to write.")
	}
	if len(changes) > MaxContactChanges {
		return nil, writeError(fmt.Sprintf("%d changes are more than one write may hold (%d).", len(changes), MaxContactChanges))
	}
	seen := make(map[changeKey]bool, len(changes))
	for _, ch := range changes {
		if err := checkChange(ch); err != nil {
			return nil, err
		}
		if seen[ch.key()] {
			return nil, writeError(fmt.Sprintf("Contact %d's %s is changed twice in one write.", ch.ContactID, ch.Field))
		}
		seen[ch.key()] = true
	}
	return &ContactWrite{changes: append([]ContactChange(nil), changes...)}, nil
}

func checkChange(ch ContactChange) error {
	switch {
	case ch.ContactID <= 0:
		return writeError(fmt.Sprintf("A change names contact id %d: only existing contacts (id > 0) are written, since Halo creates a user for an entry without one.", ch.ContactID))
	case !ch.Field.Writable():
		return writeError(fmt.Sprintf("%q is not a contact field this app writes.", ch.Field))
	case ch.Old == ch.New:
		return writeError(fmt.Sprintf("The change of contact %d's %s changes nothing.", ch.ContactID, ch.Field))
	}
	limit := maxNameLen
	if ch.Field.IsNumber() {
		limit = maxNumberLen
	}
	if utf8.RuneCountInString(ch.New) > limit {
		return writeError(fmt.Sprintf("The new %s of contact %d is longer than %d characters.", ch.Field, ch.ContactID, limit))
	}
	if !utf8.ValidString(ch.New) || strings.IndexFunc(ch.New, unicode.IsControl) >= 0 {
		return writeError(fmt.Sprintf("The new %s of contact %d is not single-line text.", ch.Field, ch.ContactID))
	}
	return nil
}

func writeError(msg string) *Error {
	return &Error{Kind: KindConfig, Message: msg + " Nothing was sent to Halo."}
}

// Len is the number of changes.
func (w *ContactWrite) Len() int { return len(w.changes) }

// Changes is a copy of the changes, in the order given.
func (w *ContactWrite) Changes() []ContactChange { return append([]ContactChange(nil), w.changes...) }

// Confirm is the user's go-ahead: seen is the number of changes the user
// was shown and agreed to, which must be Len. Only a ConfirmedWrite can be
// sent.
func (w *ContactWrite) Confirm(seen int) (*ConfirmedWrite, error) {
	if w == nil || seen != len(w.changes) {
		n := 0
		if w != nil {
			n = len(w.changes)
		}
		return nil, writeError(fmt.Sprintf("The confirmation was for %s but the plan holds %d.", CountOf(seen, "change"), n))
	}
	cw := &ConfirmedWrite{changes: w.Changes(), index: make(map[changeKey]int, len(w.changes)), sent: make([]bool, len(w.changes))}
	for i, ch := range cw.changes {
		cw.index[ch.key()] = i
	}
	return cw, nil
}

// ConfirmedWrite is a ContactWrite the user confirmed; only Confirm makes
// one. It remembers what was sent: each change leaves at most once.
type ConfirmedWrite struct {
	mu      sync.Mutex
	changes []ContactChange
	index   map[changeKey]int
	sent    []bool
}

// Len is the number of changes confirmed.
func (w *ConfirmedWrite) Len() int { return len(w.changes) }

// Changes is a copy of the confirmed changes, in order.
func (w *ConfirmedWrite) Changes() []ContactChange {
	return append([]ContactChange(nil), w.changes...)
}

// take checks that batch holds confirmed changes not sent yet, for at most
// UpdateBatchSize contacts, each field once, and marks them sent.
func (w *ConfirmedWrite) take(batch []ContactChange) error {
	if w == nil || w.index == nil {
		return writeError("Only a confirmed write can be sent.")
	}
	if len(batch) == 0 {
		return writeError("The batch is empty.")
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	ids := map[int]bool{}
	idx := make([]int, 0, len(batch))
	seen := map[int]bool{}
	for _, ch := range batch {
		i, ok := w.index[ch.key()]
		if !ok || w.changes[i] != ch {
			return writeError(fmt.Sprintf("The change of contact %d's %s was not confirmed.", ch.ContactID, ch.Field))
		}
		if w.sent[i] || seen[i] {
			return writeError(fmt.Sprintf("The change of contact %d's %s was sent already.", ch.ContactID, ch.Field))
		}
		seen[i] = true
		ids[ch.ContactID] = true
		idx = append(idx, i)
	}
	if len(ids) > UpdateBatchSize {
		return writeError(fmt.Sprintf("A batch may carry at most %d contacts, not %d.", UpdateBatchSize, len(ids)))
	}
	for _, i := range idx {
		w.sent[i] = true
	}
	return nil
}

// untake marks batch as not sent again (its request never left).
func (w *ConfirmedWrite) untake(batch []ContactChange) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, ch := range batch {
		w.sent[w.index[ch.key()]] = false
	}
}

// ChangeOutcome is what Halo's answer showed for one change: Written when
// the saved record carries the new value; otherwise Reason says what the
// answer showed instead (no names or numbers).
type ChangeOutcome struct {
	ContactChange
	Written bool
	Reason  string
}

// UpdateContacts sends one batch of w's changes with POST /api/Users: one
// entry per contact carrying its id and the changed fields, and nothing
// else. batch must hold changes of w not sent before, for at most
// UpdateBatchSize contacts (else an error and nothing sent). before, when
// not nil, is called with the batch once the request has its slot of the
// rate limit, right before it leaves: if before fails, nothing is sent and
// the changes stay unsent. ctx cancels waiting (for the token, the rate
// limit, a backoff); once the request is on the wire it is not abandoned,
// so a cancel never leaves a batch half-known. The request is bulk work
// (held to the RateShare) and, setting fields of existing users only,
// repeated on a dropped connection or 502/503/504 like a read (see
// transport.go). The outcomes come in batch order; an error means the
// batch as a whole failed (a 403 names the Feature Access row the API
// agent lacks) and nothing of it counts as written.
func (c *Client) UpdateContacts(ctx context.Context, w *ConfirmedWrite, batch []ContactChange, before func([]ContactChange) error) ([]ChangeOutcome, error) {
	if err := w.take(batch); err != nil {
		return nil, err
	}
	sent := false
	defer func() {
		if !sent {
			w.untake(batch)
		}
	}()
	body, err := updateBody(batch)
	if err != nil {
		return nil, err
	}
	// The token and the rate limit's slot first, while a cancel still
	// means "nothing sent".
	if _, err := c.token(ctx, nil); err != nil {
		return nil, err
	}
	rctx, err := c.tr.reserve(withBulk(ctx), true)
	if err != nil {
		return nil, classifyTransport(ctx, err, c.inst.Host)
	}
	if before != nil {
		if err := before(append([]ContactChange(nil), batch...)); err != nil {
			return nil, err
		}
	}
	sent = true
	wire := context.WithValue(context.WithoutCancel(rctx), waitCtxKey{}, ctx)
	wire = context.WithValue(wire, idempotentKey{}, true)
	req, err := http.NewRequestWithContext(wire, http.MethodPost, c.inst.APIURL+"Users", bytes.NewReader(body))
	if err != nil {
		return nil, newError(KindURL, "", "", err)
	}
	req.Header.Set("Content-Type", "application/json")
	answer, _, err := c.do(wire, req)
	if err != nil {
		if errors.Is(err, context.Canceled) && ctx.Err() != nil {
			// Cancelled while waiting to repeat the request (a backoff).
			return nil, newError(KindCanceled, "", "", err)
		}
		return nil, writeRefusal(err)
	}
	if e := c.accessDenied("Users", answer); e != nil {
		return nil, writeRefusal(e)
	}
	saved, err := decodeSaved(answer)
	if err != nil {
		return nil, c.decodeError("/api/Users", answer, err)
	}
	out := make([]ChangeOutcome, len(batch))
	for i, ch := range batch {
		out[i] = ChangeOutcome{ContactChange: ch}
		rec, ok := saved[ch.ContactID]
		if !ok {
			out[i].Reason = "Halo's answer did not include the contact"
			continue
		}
		v, present := rec[string(ch.Field)]
		switch {
		case !present && ch.New != "":
			out[i].Reason = "Halo's answer did not show the field"
		case v == ch.New:
			out[i].Written = true
		default:
			out[i].Reason = "Halo's answer shows another value"
		}
	}
	return out, nil
}

// updateBody is the POST /api/Users array: one object per contact, in the
// order contacts first appear in batch, with "id" first and then the
// changed fields in WritableContactFields' order.
func updateBody(batch []ContactChange) ([]byte, error) {
	type entry struct {
		id     int
		fields map[ContactField]string
	}
	var entries []*entry
	byID := map[int]*entry{}
	for _, ch := range batch {
		if ch.ContactID <= 0 || !ch.Field.Writable() { // take checked; kept as the last line of defence
			return nil, writeError("A change without an existing contact id or of a field this app does not write.")
		}
		e := byID[ch.ContactID]
		if e == nil {
			e = &entry{id: ch.ContactID, fields: map[ContactField]string{}}
			byID[ch.ContactID] = e
			entries = append(entries, e)
		}
		e.fields[ch.Field] = ch.New
	}
	var b bytes.Buffer
	b.WriteByte('[')
	for i, e := range entries {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":`)
		b.WriteString(strconv.Itoa(e.id))
		for _, f := range WritableContactFields {
			v, ok := e.fields[f]
			if !ok {
				continue
			}
			s, err := json.Marshal(v)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(&b, ",%q:%s", string(f), s)
		}
		b.WriteByte('}')
	}
	b.WriteByte(']')
	return b.Bytes(), nil
}

// decodeSaved reads the records Halo's answer to POST /api/Users shows, by
// id, with their string fields ("" for null): an array of users, one user,
// or a wrapper holding the array.
func decodeSaved(body []byte) (map[int]map[string]string, error) {
	b := bytes.TrimLeft(body, " \t\r\n\ufeff")
	var recs []map[string]json.RawMessage
	switch {
	case len(b) == 0:
		return nil, errNotJSON
	case b[0] == '[':
		if err := json.Unmarshal(b, &recs); err != nil {
			return nil, err
		}
	case b[0] == '{':
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil {
			return nil, err
		}
		if _, ok := lookupKey(obj, "id"); ok {
			recs = []map[string]json.RawMessage{obj}
		} else if raw, ok := lookupKey(obj, "users"); ok {
			if err := json.Unmarshal(raw, &recs); err != nil {
				return nil, err
			}
		} else if raw, ok := firstArray(obj); ok {
			if err := json.Unmarshal(raw, &recs); err != nil {
				return nil, err
			}
		}
	default:
		return nil, errNotJSON
	}
	out := make(map[int]map[string]string, len(recs))
	for _, r := range recs {
		raw, ok := lookupKey(r, "id")
		if !ok {
			continue
		}
		id, ok := jsonInt(raw)
		if !ok || id <= 0 {
			continue
		}
		fields := make(map[string]string, len(WritableContactFields))
		for _, f := range WritableContactFields {
			raw, ok := lookupKey(r, string(f))
			if !ok {
				continue
			}
			var s *string
			if json.Unmarshal(raw, &s) != nil {
				continue // not text: not the value written
			}
			if s == nil {
				fields[string(f)] = ""
			} else {
				fields[string(f)] = *s
			}
		}
		out[id] = fields
	}
	return out, nil
}

// writeRefusal gives a refused write the fix that names the Feature Access
// row a write needs: the API agent may read contacts (the audit worked)
// but not modify them.
func writeRefusal(err error) error {
	if !IsNoAccess(err) {
		return err
	}
	e := &Error{Kind: KindForbidden, Status: http.StatusForbidden, Err: err}
	var he *Error
	if errors.As(err, &he) {
		e.Status, e.Code, e.Description = he.Status, he.Code, he.Description
	}
	e.Message = "Halo refused to change contacts: the API agent needs Feature Access \u201cUsers Access Level: Read and Modify\u201d. Nothing was written."
	e.Fix, e.Step = AccessFix(CheckContacts)
	return e
}

// Contact reads one contact (GET /api/Users/{id}) as it is now: what a
// write of a few contacts (an edit) checks its Old values against, instead
// of pulling them all. A single read, not held to the rate share. ok is
// false when Halo has no such contact (404).
func (c *Client) Contact(ctx context.Context, id int) (Contact, bool, error) {
	if id <= 0 {
		return Contact{}, false, writeError(fmt.Sprintf("%d is not a contact id.", id))
	}
	body, err := c.getJSON(ctx, "Users/"+strconv.Itoa(id), nil)
	var he *Error
	if errors.As(err, &he) && he.Status == http.StatusNotFound {
		return Contact{}, false, nil
	}
	if err != nil {
		return Contact{}, false, err
	}
	u, ok, err := decodeOne[Contact](body, "users")
	if err != nil {
		return Contact{}, false, c.decodeError("/api/Users/{id}", body, err)
	}
	if !ok || u.ID != id {
		return Contact{}, false, nil
	}
	return u, true, nil
}
