package gui

import (
	"context"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// Background work runs inline in tests: Fyne's test driver runs fyne.Do on
// the calling goroutine, so several screens loading at once would race
// inside Fyne.
func init() { runInline = true }

// memSecrets is an in-memory storage.Secrets for GUI tests; the real
// keyring is exercised by the storage package's tests.
type memSecrets struct {
	mu  sync.Mutex
	m   map[int64]string
	err error // when set, every call fails with it (keyring unavailable)
}

func newMemSecrets() *memSecrets { return &memSecrets{m: map[int64]string{}} }

func (s *memSecrets) Get(_ context.Context, id int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return "", s.err
	}
	v, ok := s.m[id]
	if !ok {
		return "", storage.ErrSecretNotFound
	}
	return v, nil
}

func (s *memSecrets) Set(_ context.Context, id int64, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.m[id] = v
	return nil
}

func (s *memSecrets) Delete(_ context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	delete(s.m, id)
	return nil
}

func (s *memSecrets) has(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[id]
	return ok
}

type testEnv struct {
	u       *UI
	db      *storage.DB
	secrets *memSecrets
	dir     string
	win     fyne.Window
}

// newTestUI builds the real UI around a real SQLite file in dir (a fresh
// temp dir when empty) and an in-memory secret store.
func newTestUI(t *testing.T, dir string) *testEnv {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	a := test.NewTempApp(t)
	db, err := storage.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	sec := newMemSecrets()
	env := &Env{DB: db, Secrets: sec, Log: applog.Discard(), closers: []func(){func() { db.Close() }}}
	w := a.NewWindow("test")
	u := NewUI(a, w, env)
	w.Resize(fyne.NewSize(1180, 760))
	u.Start()
	u.pending.Wait()
	te := &testEnv{u: u, db: db, secrets: sec, dir: dir, win: w}
	t.Cleanup(func() {
		u.Close()
		w.Close()
	})
	return te
}

// wait blocks until background work (and the work it started) is done.
func (te *testEnv) wait() { te.u.pending.Wait() }
