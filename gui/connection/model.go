// Package connection is the Connection screen's model: what the screen
// knows (the saved profile, its stored secret, the CRM Company found) and
// the work it does (load, validate, save, the secret's destination, the
// six values 1stream asks for), without Fyne, so it is tested without a
// window. The screen (gui/connection*.go) draws what View decides and runs
// the work off the UI goroutine.
package connection

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// Form is what the admin typed, as typed.
type Form = halo.ConnectionValues

// FormOf is the form showing a saved profile.
func FormOf(p storage.Profile) Form {
	return Form{URL: p.HaloURL, ClientID: p.ClientID, Tenant: p.Tenant, AuthURL: p.AuthURL, Scope: p.Scope, CAFile: p.CAFile}
}

// Store is where the model reads and writes: the database and the
// keyring (the app's tracked one).
type Store struct {
	DB      *storage.DB
	Secrets storage.Secrets
}

// SecretState is what is known about the saved profile's Client Secret.
type SecretState struct {
	Known  bool  // the keyring was asked
	Stored bool  // a Client Secret is stored
	Err    error // the keyring could not be read
	// Bound: the saved settings still lead where the stored secret was
	// entered for (storage.Profile.SecretGoesTo).
	Bound bool
}

// Model is the Connection screen's state. Its methods run on the UI
// goroutine; the work they hand out (Loader, Save, …) runs off it and
// comes back through the matching method, which drops a result that
// belongs to an earlier profile (Gen).
type Model struct {
	store    Store
	demo     bool
	saved    storage.Profile // as stored; ID 0: no profile shown
	secret   SecretState
	detected string // CRM Company from Detect or the last check
	saving   bool
	unbound  bool // "Save without it" answered, for the next Save
	// found are the last Save's findings that needed the disk (the CA
	// file), shown while the CA file typed is still caFound.
	found   halo.FieldErrors
	caFound string
	gen     int
}

// New is a model without a profile.
func New(store Store, demo bool) *Model { return &Model{store: store, demo: demo} }

// Gen changes whenever the saved profile does (another profile shown, a
// save, a reload): work started under an older Gen is stale.
func (m *Model) Gen() int { return m.gen }

// Saved is the profile as stored.
func (m *Model) Saved() storage.Profile { return m.saved }

// Secret is what is known about the stored secret.
func (m *Model) Secret() SecretState { return m.secret }

// Saving reports a Save running.
func (m *Model) Saving() bool { return m.saving }

// Detected is the CRM Company found by Detect or the last check.
func (m *Model) Detected() string { return m.detected }

// Show makes p the saved profile, forgetting what was known about the
// previous one; Loader then finds out about p's secret.
func (m *Model) Show(p storage.Profile) {
	m.gen++
	m.saved = p
	m.secret, m.detected, m.unbound, m.found, m.caFound = SecretState{}, "", false, nil, ""
}

// Reread takes p, the shown profile read again, as the saved one while
// the form keeps unsaved edits; what is known about its secret stays.
func (m *Model) Reread(p storage.Profile) {
	m.gen++
	m.saved = p
}

// Dirty reports unsaved edits.
func (m *Model) Dirty(f Form) bool {
	if m.saved.ID == 0 {
		return false
	}
	return trimmed(f) != FormOf(m.saved)
}

// trimmed is f without the spaces a paste adds, as Dirty compares it.
func trimmed(f Form) Form {
	for _, s := range []*string{&f.URL, &f.ClientID, &f.Secret, &f.Tenant, &f.AuthURL, &f.Scope, &f.CAFile} {
		*s = strings.TrimSpace(*s)
	}
	return f
}

// Loaded is what a load found out.
type Loaded struct {
	gen      int
	secret   SecretState
	detected string
}

// Loader is the work of finding out, off the UI goroutine, whether the
// saved profile has a stored secret (the secret itself is dropped), whether
// it is still bound to the saved settings, and what the last check reported
// as CRM Company. Loaded takes its result.
func (m *Model) Loader() func(ctx context.Context) Loaded {
	p, gen, st := m.saved, m.gen, m.store
	return func(ctx context.Context) Loaded {
		l := Loaded{gen: gen, secret: SecretState{Known: true}}
		_, err := st.Secrets.Get(ctx, p.ID)
		switch {
		case err == nil:
			l.secret.Stored = true
			_, l.secret.Bound = p.SecretGoesTo()
		case !errors.Is(err, storage.ErrSecretNotFound):
			l.secret.Err = err
		}
		if run, ok, err := st.DB.LatestRun(ctx, p.ID, storage.RunCheck); err == nil && ok {
			var rep halo.Report
			if json.Unmarshal(run.Report, &rep) == nil {
				l.detected = rep.OneStream.CRMCompany
			}
		}
		return l
	}
}

// Loaded takes a load's result; false when it belongs to an earlier Gen.
func (m *Model) Loaded(l Loaded) bool {
	if l.gen != m.gen {
		return false
	}
	m.secret = l.secret
	if m.detected == "" {
		m.detected = l.detected
	}
	return true
}

// Forget is the work of removing the stored secret (and auditing it).
func (m *Model) Forget() (gen int, work func(ctx context.Context) error) {
	p, st := m.saved, m.store
	return m.gen, func(ctx context.Context) error {
		if err := st.Secrets.Delete(ctx, p.ID); err != nil && !errors.Is(err, storage.ErrSecretNotFound) {
			return err
		}
		return st.DB.AppendAudit(ctx, storage.AuditEvent{ProfileID: p.ID, Action: storage.ActionSecretRemoved,
			Detail: "Client Secret removed from the system keyring"})
	}
}

// Forgotten notes that the secret of Gen gen was removed; false when
// another profile is shown now.
func (m *Model) Forgotten(gen int) bool {
	if gen != m.gen {
		return false
	}
	m.secret.Stored, m.secret.Bound = false, false
	return true
}

// SetDetected records the tenant Detect found for the form f; it counts as
// the saved profile's CRM Company only while f leads to the saved URL.
func (m *Model) SetDetected(f Form, tenant string) {
	if v, _ := halo.ValidateConnectionAsTyped(f); v.URL == m.saved.HaloURL {
		m.detected = tenant
	}
}

// CheckFinished forgets the CRM Company known, so the next load reads the
// one the check just found.
func (m *Model) CheckFinished() { m.detected = "" }
