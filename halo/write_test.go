package halo_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// recorder is an http.RoundTripper under the client that keeps every
// POST's body and may rewrite answers.
type recorder struct {
	base    http.RoundTripper
	mu      sync.Mutex
	posts   [][]byte
	rewrite func([]byte) []byte // applied to POST /api/Users answers
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost && strings.HasSuffix(req.URL.Path, "/api/Users") {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		r.mu.Lock()
		r.posts = append(r.posts, b)
		r.mu.Unlock()
		resp, err := r.base.RoundTrip(req)
		if err != nil || r.rewrite == nil {
			return resp, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body = r.rewrite(body)
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Del("Content-Length")
		return resp, nil
	}
	return r.base.RoundTrip(req)
}

func (r *recorder) bodies() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.posts...)
}

// writeClient is a client of a demo Halo whose POSTs are recorded.
func writeClient(t *testing.T, sc halotest.Scenario) (*halotest.Server, *halo.Client, *recorder) {
	t.Helper()
	s, cfg := start(t, sc)
	rec := &recorder{base: s.Client().Transport}
	cfg.HTTPClient = &http.Client{Transport: rec}
	return s, newClient(t, cfg), rec
}

func confirmed(t *testing.T, changes []halo.ContactChange) *halo.ConfirmedWrite {
	t.Helper()
	w, err := halo.NewContactWrite(changes)
	if err != nil {
		t.Fatal(err)
	}
	cw, err := w.Confirm(w.Len())
	if err != nil {
		t.Fatal(err)
	}
	return cw
}

// demoChange rewrites the demo's first contact's phone number.
func demoChange(t *testing.T, s *halotest.Server, id int) halo.ContactChange {
	t.Helper()
	old, ok := s.ContactField(id, "phonenumber")
	if !ok || old == "" {
		t.Fatalf("contact %d has no phone number", id)
	}
	return halo.ContactChange{ContactID: id, Field: halo.ContactPhone, Old: old, New: "+44" + strings.TrimPrefix(digits(old), "0")}
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func TestContactWriteRefusesWhatHaloWouldMisread(t *testing.T) {
	ok := halo.ContactChange{ContactID: 7, Field: halo.ContactPhone, Old: "020 7946 0500", New: "+442079460500"}
	for name, changes := range map[string][]halo.ContactChange{
		"empty":           nil,
		"no id":           {{Field: halo.ContactPhone, New: "+442079460500"}},
		"negative id":     {{ContactID: -3, Field: halo.ContactPhone, New: "+442079460500"}},
		"site number":     {{ContactID: 7, Field: "sitephonenumber", New: "+442079460500"}},
		"e-mail":          {{ContactID: 7, Field: "emailaddress", New: "x@example.com"}},
		"client":          {{ContactID: 7, Field: "client_id", New: "9"}},
		"no change":       {{ContactID: 7, Field: halo.ContactPhone, Old: "+44", New: "+44"}},
		"twice":           {ok, ok},
		"line break":      {{ContactID: 7, Field: halo.ContactSurname, New: "Smith\nJones"}},
		"number too long": {{ContactID: 7, Field: halo.ContactMobile, New: strings.Repeat("1", 101)}},
	} {
		if _, err := halo.NewContactWrite(changes); halo.KindOf(err) != halo.KindConfig || !strings.Contains(err.Error(), "Nothing was sent") {
			t.Errorf("%s: NewContactWrite = %v, want a refusal", name, err)
		}
	}
	w, err := halo.NewContactWrite([]halo.ContactChange{ok})
	if err != nil {
		t.Fatal(err)
	}
	for _, seen := range []int{0, 2} {
		if _, err := w.Confirm(seen); err == nil {
			t.Errorf("Confirm(%d) of 1 change passed", seen)
		}
	}
	if cw, err := w.Confirm(1); err != nil || cw.Len() != 1 {
		t.Fatalf("Confirm(1) = %v, %v", cw, err)
	}
}

func TestUpdateContactsSendsOnlyConfirmedChangesOfExistingIDs(t *testing.T) {
	s, c, rec := writeClient(t, halotest.Demo())
	ids := s.ContactIDs()
	a, b := demoChange(t, s, ids[10]), demoChange(t, s, ids[11])
	mob := halo.ContactChange{ContactID: ids[11], Field: halo.ContactSurname, Old: "", New: "Okafor"}
	mob.Old, _ = s.ContactField(ids[11], "surname")
	w := confirmed(t, []halo.ContactChange{a, b, mob})
	ctx := context.Background()

	// Not confirmed, altered, or too many contacts: refused, nothing sent.
	forged := a
	forged.New = "+440000000000"
	other := halo.ContactChange{ContactID: ids[12], Field: halo.ContactPhone, Old: "x", New: "y"}
	var many []halo.ContactChange
	for i := range halo.UpdateBatchSize + 1 {
		many = append(many, halo.ContactChange{ContactID: 1000 + i, Field: halo.ContactPhone, Old: "a", New: "b"})
	}
	wMany := confirmed(t, many)
	for name, try := range map[string]func() error{
		"forged":    func() error { _, err := c.UpdateContacts(ctx, w, []halo.ContactChange{forged}, nil); return err },
		"other":     func() error { _, err := c.UpdateContacts(ctx, w, []halo.ContactChange{other}, nil); return err },
		"nil write": func() error { _, err := c.UpdateContacts(ctx, nil, []halo.ContactChange{a}, nil); return err },
		"zero": func() error {
			_, err := c.UpdateContacts(ctx, &halo.ConfirmedWrite{}, []halo.ContactChange{a}, nil)
			return err
		},
		"51": func() error { _, err := c.UpdateContacts(ctx, wMany, many, nil); return err },
		"twice in one batch": func() error {
			_, err := c.UpdateContacts(ctx, w, []halo.ContactChange{a, a}, nil)
			return err
		},
	} {
		if err := try(); err == nil {
			t.Errorf("%s: sent", name)
		}
	}
	if n := s.WritePOSTs(); n != 0 {
		t.Fatalf("%d POSTs after refusals", n)
	}

	var hooked []halo.ContactChange
	out, err := c.UpdateContacts(ctx, w, []halo.ContactChange{a, b, mob}, func(batch []halo.ContactChange) error {
		hooked = batch
		if s.WritePOSTs() != 0 {
			t.Error("the request left before the hook returned")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(hooked) != 3 || len(out) != 3 {
		t.Fatalf("hook saw %d, outcomes %d", len(hooked), len(out))
	}
	for _, o := range out {
		if !o.Written {
			t.Errorf("%+v not written", o)
		}
	}
	bodies := rec.bodies()
	if len(bodies) != 1 {
		t.Fatalf("%d POSTs", len(bodies))
	}
	// Exactly the ids and the changed fields, one entry per contact.
	var sent []map[string]any
	if err := json.Unmarshal(bodies[0], &sent); err != nil {
		t.Fatalf("body %s: %v", bodies[0], err)
	}
	if len(sent) != 2 || len(sent[0]) != 2 || len(sent[1]) != 3 || sent[0]["id"] != float64(ids[10]) || sent[1]["surname"] != "Okafor" {
		t.Fatalf("body %s", bodies[0])
	}
	if v, _ := s.ContactField(ids[10], "phonenumber"); v != a.New {
		t.Fatalf("Halo holds %q", v)
	}
	if s.CreatedUsers() != 0 {
		t.Fatal("a user was created")
	}
	// Each change leaves once.
	if _, err := c.UpdateContacts(ctx, w, []halo.ContactChange{a}, nil); err == nil {
		t.Fatal("a change was sent twice")
	}
	if s.WritePOSTs() != 1 {
		t.Fatalf("%d POSTs", s.WritePOSTs())
	}
}

func TestUpdateContactsHookFailureSendsNothing(t *testing.T) {
	s, c, _ := writeClient(t, halotest.Demo())
	a := demoChange(t, s, s.ContactIDs()[10])
	w := confirmed(t, []halo.ContactChange{a})
	boom := errors.New("disk full")
	if _, err := c.UpdateContacts(context.Background(), w, []halo.ContactChange{a}, func([]halo.ContactChange) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	if s.WritePOSTs() != 0 {
		t.Fatal("sent although the hook failed")
	}
	// Not sent, so it may still be sent.
	if out, err := c.UpdateContacts(context.Background(), w, []halo.ContactChange{a}, nil); err != nil || !out[0].Written {
		t.Fatalf("after the failed hook: %v, %v", out, err)
	}
}

func TestUpdateContactsWrittenOnlyWhenTheAnswerShowsIt(t *testing.T) {
	s, c, rec := writeClient(t, halotest.Demo())
	ids := s.ContactIDs()
	a, b := demoChange(t, s, ids[10]), demoChange(t, s, ids[11])
	// Halo saves one number its own way and leaves the other contact out.
	rec.rewrite = func(body []byte) []byte {
		var recs []map[string]any
		_ = json.Unmarshal(body, &recs)
		recs[0]["phonenumber"] = "0" + a.New[3:]
		out, _ := json.Marshal(recs[:1])
		return out
	}
	out, err := c.UpdateContacts(context.Background(), confirmed(t, []halo.ContactChange{a, b}), []halo.ContactChange{a, b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Written || out[1].Written || out[0].Reason == "" || out[1].Reason == "" {
		t.Fatalf("outcomes %+v", out)
	}
	if strings.Contains(out[0].Reason+out[1].Reason, a.New[3:]) {
		t.Fatal("a reason carries a number")
	}
	// A single object answer counts too.
	c2 := demoChange(t, s, ids[12])
	rec.rewrite = func(body []byte) []byte { return bytes.TrimSuffix(bytes.TrimPrefix(body, []byte("[")), []byte("]")) }
	out, err = c.UpdateContacts(context.Background(), confirmed(t, []halo.ContactChange{c2}), []halo.ContactChange{c2}, nil)
	if err != nil || !out[0].Written {
		t.Fatalf("single-object answer: %+v, %v", out, err)
	}
}

func TestUpdateContactsForbiddenNamesTheFeatureAccessRow(t *testing.T) {
	s, c, _ := writeClient(t, halotest.Scenario{WriteForbidden: true})
	a := demoChange(t, s, s.ContactIDs()[10])
	out, err := c.UpdateContacts(context.Background(), confirmed(t, []halo.ContactChange{a}), []halo.ContactChange{a}, nil)
	he := wantError(t, err, halo.KindForbidden, "agent-perm-users")
	if out != nil || !strings.Contains(he.Message, "Users Access Level: Read and Modify") || !strings.Contains(he.Fix, "Users Access Level") {
		t.Fatalf("%+v %v", out, he)
	}
	if v, _ := s.ContactField(a.ContactID, "phonenumber"); v != a.Old || s.ChangedFields() != 0 {
		t.Fatal("Halo changed")
	}
}

// A batch answered 503 is sent again (setting fields is idempotent); one
// answered 500 is not, and fails.
func TestUpdateContactsRetryPolicy(t *testing.T) {
	clock := newFakeClock()
	var mu sync.Mutex
	answers := []int{http.StatusServiceUnavailable, 0, http.StatusInternalServerError}
	s, cfg := start(t, halotest.Scenario{OnWrite: func([]int) int {
		mu.Lock()
		defer mu.Unlock()
		st := answers[0]
		answers = answers[1:]
		return st
	}})
	cfg.Now, cfg.Sleep = clock.Now, clock.Sleep
	c := newClient(t, cfg)
	ids := s.ContactIDs()
	a, b := demoChange(t, s, ids[10]), demoChange(t, s, ids[11])
	w := confirmed(t, []halo.ContactChange{a, b})
	if out, err := c.UpdateContacts(context.Background(), w, []halo.ContactChange{a}, nil); err != nil || !out[0].Written {
		t.Fatalf("503 then 200: %+v %v", out, err)
	}
	if s.WritePOSTs() != 2 {
		t.Fatalf("%d POSTs for a 503 and its repeat", s.WritePOSTs())
	}
	_, err := c.UpdateContacts(context.Background(), w, []halo.ContactChange{b}, nil)
	if halo.KindOf(err) != halo.KindServer || s.WritePOSTs() != 3 {
		t.Fatalf("500: %v after %d POSTs", err, s.WritePOSTs())
	}
}

// 429 on a write waits as long as Retry-After says, then sends again.
func TestUpdateContactsHonoursRetryAfter(t *testing.T) {
	clock := newFakeClock()
	s, cfg := start(t, halotest.Scenario{RateLimit: 3, RateLimitRetryAfter: true, Now: clock.Now})
	cfg.Now, cfg.Sleep, cfg.RateLimit, cfg.MaxRetryWait = clock.Now, clock.Sleep, -1, 10*time.Minute // only Halo limits
	c := newClient(t, cfg)
	ids := s.ContactIDs()
	var changes []halo.ContactChange
	for _, id := range ids[10:14] {
		changes = append(changes, demoChange(t, s, id))
	}
	w := confirmed(t, changes)
	for _, ch := range changes {
		if out, err := c.UpdateContacts(context.Background(), w, []halo.ContactChange{ch}, nil); err != nil || !out[0].Written {
			t.Fatalf("%v %v", out, err)
		}
	}
	if s.Rejected() == 0 {
		t.Fatal("Halo's limit was never reached")
	}
	var waited bool
	for _, d := range clock.Sleeps() {
		waited = waited || d >= 4*time.Minute
	}
	if !waited {
		t.Fatalf("no wait for Retry-After: %v", clock.Sleeps())
	}
}

// Bulk work takes at most its share of the limit in any window; a single
// read is not held to it.
func TestRateShareHoldsBulkWorkOnly(t *testing.T) {
	clock := newFakeClock()
	const limit, window = 20, time.Minute
	s, cfg := start(t, halotest.Scenario{RateLimit: limit, RateWindow: window, Now: clock.Now,
		Contacts: halotest.ContactScenario{Count: 2500, Seed: 3}})
	var mu sync.Mutex
	var waits []halo.ErrorKind
	cfg.Now, cfg.Sleep, cfg.RateLimit, cfg.RateWindow = clock.Now, clock.Sleep, limit, window
	cfg.OnWait = func(k halo.ErrorKind, _ time.Duration) {
		mu.Lock()
		waits = append(waits, k)
		mu.Unlock()
	}
	cfg.RateShare = 50
	c := newClient(t, cfg)
	ctx := context.Background()
	if err := c.Authenticate(ctx); err != nil {
		t.Fatal(err)
	}
	t0 := clock.Now()
	all, err := c.Contacts(ctx, nil)
	if err != nil || len(all) != s.ContactsVisible() {
		t.Fatalf("%d contacts, %v", len(all), err)
	}
	// 24 pages at 10 a window: at least two full windows of waiting.
	if took := clock.Now().Sub(t0); took < 2*window {
		t.Fatalf("the pull took %v of fake time: not held to its share", took)
	}
	if s.Rejected() != 0 {
		t.Fatalf("%d requests refused", s.Rejected())
	}
	mu.Lock()
	sawShare := false
	for _, k := range waits {
		sawShare = sawShare || k == halo.KindRateShare
	}
	mu.Unlock()
	if !sawShare {
		t.Fatalf("no rate-share wait reported: %v", waits)
	}
	if !strings.Contains(halo.WaitMessage(halo.KindRateShare, time.Minute), "1stream") {
		t.Fatal("the wait message does not say why")
	}
	// The share is spent in this window; a lookup still goes at once.
	before := len(clock.Sleeps())
	if _, err := c.SearchContactsByPhone(ctx, "+442030000001"); err != nil {
		t.Fatal(err)
	}
	if len(clock.Sleeps()) != before {
		t.Fatalf("the lookup waited: %v", clock.Sleeps()[before:])
	}
	if eta := c.BulkETA(10); eta <= 0 {
		t.Fatalf("BulkETA(10) = %v with the share spent", eta)
	}

	for _, bad := range []int{-1, 10, 24, 101} {
		cfg.RateShare = bad
		if _, err := halo.NewClient(cfg); halo.KindOf(err) != halo.KindConfig {
			t.Errorf("RateShare %d: %v", bad, err)
		}
	}
}
