package storage

import (
	"context"
	"sync"
)

// MemorySecrets keeps secrets in process memory only, gone at exit. Demo
// mode uses it (the simulated Halo's credentials are public), and so do
// tests whose subject is not the keyring. Real profiles never do: there is
// no fallback from the keyring to anything else.
type MemorySecrets struct {
	mu  sync.Mutex
	m   map[int64]string
	err error
}

// NewMemorySecrets returns an empty store.
func NewMemorySecrets() *MemorySecrets { return &MemorySecrets{m: map[int64]string{}} }

// FailWith makes every later call fail with err (nil restores), to stand
// in for an unavailable keyring.
func (s *MemorySecrets) FailWith(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

// Has reports whether a secret is stored for the profile.
func (s *MemorySecrets) Has(profileID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[profileID]
	return ok
}

// Probe reports the failure set by FailWith, like Keyring.Probe reports an
// unreachable keyring.
func (s *MemorySecrets) Probe(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *MemorySecrets) Get(_ context.Context, profileID int64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return "", s.err
	}
	v, ok := s.m[profileID]
	if !ok {
		return "", ErrSecretNotFound
	}
	return v, nil
}

func (s *MemorySecrets) Set(_ context.Context, profileID int64, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.m[profileID] = secret
	return nil
}

// Delete removes the secret; a missing one is not an error, as with Keyring.
func (s *MemorySecrets) Delete(_ context.Context, profileID int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	delete(s.m, profileID)
	return nil
}
