package storage

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zalando/go-keyring"
)

// Keyring service names (the app ID; demo mode keeps its secrets apart).
const (
	KeyringService     = "com.halointegration.assistant"
	DemoKeyringService = "com.halointegration.assistant.demo"
)

// DefaultKeyringTimeout bounds every keyring call when Keyring.Timeout is 0.
const DefaultKeyringTimeout = 10 * time.Second

// probeAccount is looked up by Probe; no profile ever uses it (profile
// accounts are decimal IDs).
const probeAccount = "availability-probe"

// ErrSecretNotFound: no Client Secret is stored for the profile.
var ErrSecretNotFound = errors.New("no client secret stored")

// ErrSecretTooLarge: the OS keyring refused the secret's size.
var ErrSecretTooLarge = errors.New("client secret too large for the OS keyring")

// Secrets stores each profile's Halo Client Secret. There is deliberately no
// implementation that writes secrets to disk.
type Secrets interface {
	Get(ctx context.Context, profileID int64) (string, error)
	Set(ctx context.Context, profileID int64, secret string) error
	Delete(ctx context.Context, profileID int64) error
}

// Keyring keeps secrets in the OS keyring (Secret Service on Linux, Keychain
// on macOS, Credential Manager on Windows) via zalando/go-keyring, under
// Service with the profile ID as account.
//
// Every call runs on its own goroutine and gives up after Timeout (default
// 10 s) or when ctx ends, because a locked keyring can block indefinitely
// behind an unlock prompt. A call that timed out may still complete in the
// background; its goroutine ends when the keyring answers. Writes (Set,
// Delete) to one account are serialised across the process, so such a late
// write can never land over a newer one: a later write waits for it, within
// its own timeout, and is never issued if the wait times out. After a write
// times out the account is read back, and the error says what the keyring
// really holds.
type Keyring struct {
	Service string
	Timeout time.Duration
	// backend is the OS keyring; nil is go-keyring's (tests hand in one
	// that hangs like a keyring behind an unlock prompt).
	backend keyringBackend
}

var _ Secrets = Keyring{}

// KeyringUnavailableError: the OS keyring cannot be used. Error() says what
// to install or start on this OS. The secret is never part of it.
type KeyringUnavailableError struct {
	Cause error
	// Write is what reading the account back found after a write timed
	// out; zero for every other failure.
	Write WriteOutcome
}

// WriteOutcome is the real state after a keyring write timed out.
type WriteOutcome int

const (
	// WriteNotApplied: the keyring still holds what it held before (the
	// write may still land once the keyring answers, unless a newer write
	// to the account follows it).
	WriteNotApplied WriteOutcome = iota + 1
	// WriteUnknown: the read-back did not answer either.
	WriteUnknown
)

func (e *KeyringUnavailableError) Error() string {
	msg := "the OS keyring is not available (" + e.Reason() + "), so the Halo Client Secret cannot be stored or read; " + e.Hint()
	switch e.Write {
	case WriteNotApplied:
		msg += ". Reading it back shows the keyring still holds the previous state: the change is not saved " +
			"(it may still be applied once the keyring answers)"
	case WriteUnknown:
		msg += ". Whether the change was saved is unknown: the keyring did not answer a read-back either " +
			"(try again once it is unlocked)"
	}
	if e.Cause != nil {
		msg += " (details: " + e.Cause.Error() + ")"
	}
	return msg
}

func (e *KeyringUnavailableError) Unwrap() error { return e.Cause }

// Reason is a short diagnosis of Cause.
func (e *KeyringUnavailableError) Reason() string {
	var te *keyringTimeoutError
	switch {
	case e.Cause == nil:
		return "unknown reason"
	case errors.As(e.Cause, &te):
		return fmt.Sprintf("it did not answer within %s; it may be locked and waiting for an unlock prompt", te.after)
	case errors.Is(e.Cause, context.DeadlineExceeded):
		return "it did not answer in time; it may be locked and waiting for an unlock prompt"
	case errors.Is(e.Cause, keyring.ErrUnsupportedPlatform):
		return "this operating system has no supported keyring"
	}
	msg := e.Cause.Error()
	switch {
	case strings.Contains(msg, "dbus-launch"), strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"):
		return "no D-Bus session bus is running"
	case strings.Contains(msg, "no such file or directory"), strings.Contains(msg, "connection refused"),
		strings.Contains(msg, "dial unix"):
		return "the D-Bus session bus cannot be reached"
	case strings.Contains(msg, "org.freedesktop.secrets"), strings.Contains(msg, "ServiceUnknown"):
		return "no Secret Service (keyring daemon) is running"
	case strings.Contains(msg, "failed to unlock"), strings.Contains(msg, "Prompt"), strings.Contains(msg, "prompt"):
		return "the keyring is locked and could not be unlocked"
	case strings.Contains(msg, "No such interface"), strings.Contains(msg, "collection"):
		return "the keyring has no usable default collection"
	}
	return "the keyring reported an error"
}

// Hint says what the user should install, start or unlock on this OS.
func (e *KeyringUnavailableError) Hint() string {
	switch runtime.GOOS {
	case "linux", "freebsd", "openbsd", "netbsd", "dragonfly":
		return "install and start a Secret Service such as GNOME Keyring " +
			"(Debian/Ubuntu: sudo apt install gnome-keyring) and unlock it, e.g. by logging into a desktop session"
	case "darwin":
		return "allow Halo Integration Assistant to access your login Keychain " +
			"(open Keychain Access, make sure the login keychain is unlocked, and click Allow when macOS asks)"
	case "windows":
		return "make sure Windows Credential Manager is available " +
			"(the Credential Manager service is running and you are signed in with a normal user profile)"
	}
	return "this operating system is not supported for storing secrets; use Linux, macOS or Windows"
}

// keyringTimeoutError is the Cause when Keyring.Timeout elapsed.
type keyringTimeoutError struct{ after time.Duration }

func (e *keyringTimeoutError) Error() string {
	return fmt.Sprintf("keyring call timed out after %s", e.after)
}

func (k Keyring) timeout() time.Duration {
	if k.Timeout <= 0 {
		return DefaultKeyringTimeout
	}
	return k.Timeout
}

func (k Keyring) check(profileID int64) error {
	if k.Service == "" {
		return errorf(ErrInvalid, "keyring: no service name configured")
	}
	if profileID <= 0 {
		return errorf(ErrInvalid, "keyring: invalid profile ID %d", profileID)
	}
	return nil
}

// keyringBackend is the calls of go-keyring that Keyring makes.
type keyringBackend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

type goKeyring struct{}

func (goKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (goKeyring) Set(service, user, v string) error        { return keyring.Set(service, user, v) }
func (goKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

func (k Keyring) api() keyringBackend {
	if k.backend == nil {
		return goKeyring{}
	}
	return k.backend
}

// writeLocks holds one lock (a one-slot channel) per service and account.
var writeLocks sync.Map

func (k Keyring) writeLock(profileID int64) chan struct{} {
	l, _ := writeLocks.LoadOrStore(k.Service+"\x00"+account(profileID), make(chan struct{}, 1))
	return l.(chan struct{})
}

// call runs op bounded by the timeout and ctx. With a lock, op runs only
// once the lock is taken (within the same timeout) and releases it when op
// really returns, however late.
func (k Keyring) call(ctx context.Context, lock chan struct{}, op func() (string, error)) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	type result struct {
		s   string
		err error
	}
	d := k.timeout()
	timer := time.NewTimer(d)
	defer timer.Stop()
	if lock != nil {
		select {
		case lock <- struct{}{}:
		case <-timer.C:
			return "", &KeyringUnavailableError{Cause: &keyringTimeoutError{after: d}}
		case <-ctx.Done():
			return "", ctxFailure(ctx)
		}
	}
	done := make(chan result, 1) // buffered: a late answer must not block the goroutine forever
	go func() {
		if lock != nil {
			defer func() { <-lock }()
		}
		s, err := op()
		done <- result{s, err}
	}()
	select {
	case r := <-done:
		return r.s, r.err
	case <-timer.C:
		return "", &KeyringUnavailableError{Cause: &keyringTimeoutError{after: d}}
	case <-ctx.Done():
		return "", ctxFailure(ctx)
	}
}

func ctxFailure(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return &KeyringUnavailableError{Cause: ctx.Err()}
	}
	return ctx.Err()
}

// timedOut reports a call that gave up waiting (not one the keyring refused).
func timedOut(err error) bool {
	var kue *KeyringUnavailableError
	var te *keyringTimeoutError
	return errors.As(err, &kue) && (errors.As(kue.Cause, &te) || errors.Is(kue.Cause, context.DeadlineExceeded))
}

// readBack reports, after a write to the account timed out, what the
// keyring really holds: nil when want (the secret, or "" for deleted) is
// there after all, else err marked WriteNotApplied or WriteUnknown. It
// gets half the timeout, so a hung keyring costs at most 1.5 times it.
func (k Keyring) readBack(ctx context.Context, profileID int64, want string, err error) error {
	rk := k
	rk.Timeout = k.timeout() / 2
	got, gerr := rk.Get(ctx, profileID)
	var kue *KeyringUnavailableError
	if !errors.As(err, &kue) {
		return err
	}
	out := *kue
	switch {
	case gerr == nil && want != "" && got == want, errors.Is(gerr, ErrSecretNotFound) && want == "":
		return nil
	case gerr == nil, errors.Is(gerr, ErrSecretNotFound):
		out.Write = WriteNotApplied
	default:
		out.Write = WriteUnknown
	}
	return &out
}

// unavailable wraps a go-keyring failure, first removing the secret from the
// cause's text in case a backend ever echoed it.
func unavailable(err error, secret string) error {
	var kue *KeyringUnavailableError
	if errors.As(err, &kue) {
		return err
	}
	if secret != "" && strings.Contains(err.Error(), secret) {
		err = errors.New(strings.ReplaceAll(err.Error(), secret, "[redacted]"))
	}
	return &KeyringUnavailableError{Cause: err}
}

func account(profileID int64) string { return strconv.FormatInt(profileID, 10) }

// Get returns the profile's secret, an error wrapping ErrSecretNotFound if
// none is stored, or *KeyringUnavailableError.
func (k Keyring) Get(ctx context.Context, profileID int64) (string, error) {
	if err := k.check(profileID); err != nil {
		return "", err
	}
	s, err := k.call(ctx, nil, func() (string, error) { return k.api().Get(k.Service, account(profileID)) })
	switch {
	case err == nil:
		return s, nil
	case errors.Is(err, keyring.ErrNotFound):
		return "", errorf(ErrSecretNotFound, "no Client Secret is stored for profile %d", profileID)
	case errors.Is(err, context.Canceled):
		return "", err
	}
	return "", unavailable(err, "")
}

// Set stores (or replaces) the profile's secret. After a timeout it
// returns nil if reading back shows the secret landed after all.
func (k Keyring) Set(ctx context.Context, profileID int64, secret string) error {
	if err := k.check(profileID); err != nil {
		return err
	}
	if secret == "" {
		return errorf(ErrInvalid, "the Client Secret is empty")
	}
	_, err := k.call(ctx, k.writeLock(profileID), func() (string, error) {
		return "", k.api().Set(k.Service, account(profileID), secret)
	})
	switch {
	case err == nil:
		return nil
	case timedOut(err):
		return k.readBack(ctx, profileID, secret, err)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return errorf(ErrSecretTooLarge, "the Client Secret (%d bytes) is too large for the OS keyring", len(secret))
	case errors.Is(err, context.Canceled):
		return err
	}
	return unavailable(err, secret)
}

// Delete removes the profile's secret; deleting a missing secret succeeds.
// After a timeout it returns nil if reading back finds no secret.
func (k Keyring) Delete(ctx context.Context, profileID int64) error {
	if err := k.check(profileID); err != nil {
		return err
	}
	_, err := k.call(ctx, k.writeLock(profileID), func() (string, error) {
		return "", k.api().Delete(k.Service, account(profileID))
	})
	switch {
	case err == nil, errors.Is(err, keyring.ErrNotFound):
		return nil
	case timedOut(err):
		return k.readBack(ctx, profileID, "", err)
	case errors.Is(err, context.Canceled):
		return err
	}
	return unavailable(err, "")
}

// Probe checks cheaply that the keyring can be used: it looks up an account
// that never exists, so "not found" means available. It returns nil or
// *KeyringUnavailableError (or ctx's error).
func (k Keyring) Probe(ctx context.Context) error {
	if k.Service == "" {
		return errorf(ErrInvalid, "keyring: no service name configured")
	}
	_, err := k.call(ctx, nil, func() (string, error) { return k.api().Get(k.Service, probeAccount) })
	switch {
	case err == nil, errors.Is(err, keyring.ErrNotFound):
		return nil
	case errors.Is(err, context.Canceled):
		return err
	}
	return unavailable(err, "")
}
