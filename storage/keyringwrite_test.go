package storage

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// fakeKeyring stands in for go-keyring: a map, and writes that can be held
// back like a keyring waiting behind an unlock prompt.
type fakeKeyring struct {
	mu   sync.Mutex
	m    map[string]string
	hold chan struct{} // when non-nil, the next write waits for it to close
	// beforeGet, when set, runs (once) before the next read.
	beforeGet func()
}

func installFakeKeyring(t *testing.T) *fakeKeyring {
	return &fakeKeyring{m: map[string]string{}}
}

func (f *fakeKeyring) Get(service, user string) (string, error) {
	f.mu.Lock()
	before := f.beforeGet
	f.beforeGet = nil
	f.mu.Unlock()
	if before != nil {
		before()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.m[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (f *fakeKeyring) write(service, user, v string, del bool) error {
	f.mu.Lock()
	hold := f.hold
	f.hold = nil
	f.mu.Unlock()
	if hold != nil {
		<-hold
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if del {
		delete(f.m, service+"/"+user)
	} else {
		f.m[service+"/"+user] = v
	}
	return nil
}

func (f *fakeKeyring) Set(service, user, v string) error { return f.write(service, user, v, false) }
func (f *fakeKeyring) Delete(service, user string) error { return f.write(service, user, "", true) }

func (f *fakeKeyring) holdNextWrite() chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hold = make(chan struct{})
	return f.hold
}

func (f *fakeKeyring) onNextGet(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.beforeGet = fn
}

func (f *fakeKeyring) value(k Keyring, id int64) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.m[k.Service+"/"+account(id)]
}

// A write that times out and completes later never lands over a newer
// one, and the timeout reports what the keyring really holds.
func TestKeyringWritesAreSerialisedAndTimeoutsReportTheRealState(t *testing.T) {
	f := installFakeKeyring(t)
	ctx := context.Background()
	k := Keyring{Service: "test.serialise", Timeout: 50 * time.Millisecond, backend: f}
	if err := k.Set(ctx, 7, "old"); err != nil {
		t.Fatal(err)
	}

	release := f.holdNextWrite()
	err := k.Set(ctx, 7, "stale")
	var kue *KeyringUnavailableError
	if !errors.As(err, &kue) || kue.Write != WriteNotApplied {
		t.Fatalf("timed-out write: %v, want WriteNotApplied", err)
	}

	// A newer write queues behind the hung one instead of racing it.
	newer := make(chan error, 1)
	go func() { newer <- Keyring{Service: k.Service, Timeout: 5 * time.Second, backend: f}.Set(ctx, 7, "new") }()
	time.Sleep(20 * time.Millisecond)
	close(release) // the stale write lands now …
	if err := <-newer; err != nil {
		t.Fatal(err)
	}
	if got := f.value(k, 7); got != "new" { // … and the newer one after it
		t.Fatalf("keyring holds %q, want the newest value", got)
	}

	// A write that only waits for a hung one is never issued once it gives up.
	release = f.holdNextWrite()
	if err := k.Set(ctx, 7, "hung"); !errors.As(err, &kue) {
		t.Fatalf("hung write: %v", err)
	}
	if err := k.Set(ctx, 7, "abandoned"); !errors.As(err, &kue) || kue.Write != WriteNotApplied {
		t.Fatalf("write behind a hung one: %v", err)
	}
	close(release)
	if err := k.Set(ctx, 7, "last"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(20 * time.Millisecond)
	if got := f.value(k, 7); got != "last" {
		t.Fatalf("keyring holds %q, want %q", got, "last")
	}
}

// A write that lands just after the timeout, before the read-back, is
// reported as saved; a read-back that hangs too says the state is unknown.
func TestKeyringReadBackAfterATimeout(t *testing.T) {
	f := installFakeKeyring(t)
	ctx := context.Background()
	k := Keyring{Service: "test.readback", Timeout: 50 * time.Millisecond, backend: f}
	release := f.holdNextWrite()
	f.onNextGet(func() {
		close(release)
		time.Sleep(5 * time.Millisecond) // let the released write finish
	})
	if err := k.Set(ctx, 8, "landed"); err != nil {
		t.Fatalf("a write that landed was reported as failed: %v", err)
	}

	release = f.holdNextWrite()
	block := make(chan struct{})
	defer close(block)
	f.onNextGet(func() { <-block })
	err := k.Delete(ctx, 8)
	var kue *KeyringUnavailableError
	if !errors.As(err, &kue) || kue.Write != WriteUnknown || !strings.Contains(err.Error(), "unknown") {
		t.Fatalf("unanswered read-back: %v", err)
	}
	close(release)
}
