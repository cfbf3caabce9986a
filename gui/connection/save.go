package connection

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
	"github.com/halo-assistant/halo-assistant/storage/applog"
)

// SaveRequest is one Save: the form as it was when Save was pressed and
// the profile it was shown for.
type SaveRequest struct {
	form    Form // trimmed
	caFile  string
	before  storage.Profile
	unbound bool
}

// Secret is the Client Secret this Save stores ("" keeps the stored one).
func (r SaveRequest) Secret() string { return r.form.Secret }

// SaveResult is what a Save stored.
type SaveResult struct {
	Profile storage.Profile
	Bound   bool // the stored secret goes where the saved settings lead
}

// Outcome is what became of a Save.
type Outcome int

// Save outcomes.
const (
	Refused         Outcome = iota // a value was refused (the CA file): nothing saved
	NeedSecret                     // the connection moves away from its secret: ask for it
	Failed                         // nothing saved
	SavedForAnother                // saved, but another profile is shown now
	Saved                          // saved; the form shows what was saved
	SavedButEdited                 // saved; edits made while saving are still unsaved
)

// Refusal is the status line of a refused Save: each value's label and
// what is wrong with it.
func Refusal(fe halo.FieldErrors) string {
	msgs := make([]string, 0, len(fe))
	for _, e := range fe.Refusals() {
		msgs = append(msgs, Labels[e.Field]+": "+e.Message)
	}
	return "Not saved. " + strings.Join(msgs, " ")
}

// SaveUnbound is the admin's "Save without it": the next Save leaves the
// stored secret behind, unsent, instead of asking for it.
func (m *Model) SaveUnbound() { m.unbound = true }

// PlanSave starts a Save of the form f. Values refused without I/O stop
// it (nothing starts); otherwise the model is saving until Finish.
func (m *Model) PlanSave(f Form) (SaveRequest, halo.FieldErrors) {
	norm, fe := halo.ValidateConnectionAsTyped(f)
	if r := fe.Refusals(); len(r) > 0 {
		return SaveRequest{}, r
	}
	req := SaveRequest{form: trimmed(f), caFile: norm.CAFile, before: m.saved, unbound: m.unbound}
	m.unbound, m.saving = false, true
	return req, nil
}

// Save is the work of a Save, off the UI goroutine: the values checked in
// full (the CA file is read); a Save that moves the connection away from
// its stored secret, without giving a new one or "Save without it", stops
// with a *halo.DestinationChangedError (storage.SecretLeftBehind, the
// CLI's rule too); the secret into the keyring, bound to the new settings;
// the settings into the database. Nothing is saved when the secret
// cannot be stored.
func (m *Model) Save(req SaveRequest) func(ctx context.Context) (SaveResult, error) {
	st := m.store
	return func(ctx context.Context) (SaveResult, error) {
		v, fe := halo.ValidateConnection(req.form)
		if err := fe.Err(); err != nil {
			return SaveResult{}, err
		}
		p := req.before
		p.HaloURL, p.ClientID, p.Tenant, p.AuthURL, p.Scope, p.CAFile = v.URL, v.ClientID, v.Tenant, v.AuthURL, v.Scope, v.CAFile
		if secret := req.Secret(); secret != "" {
			applog.AddSecret(secret)
			if err := storage.StoreSecret(ctx, st.DB, st.Secrets, p, secret, ""); err != nil {
				return SaveResult{}, fmt.Errorf("storing the Client Secret in the system keyring failed, so the connection settings were not saved either: %w", err)
			}
		} else if !req.unbound {
			left, err := storage.SecretLeftBehind(ctx, st.DB, req.before, p)
			if err != nil {
				return SaveResult{}, err
			}
			if left != nil {
				return SaveResult{}, left
			}
		}
		if err := st.DB.UpdateConnection(ctx, p); err != nil {
			return SaveResult{}, err
		}
		saved, err := st.DB.Profile(ctx, p.ID)
		if err != nil {
			return SaveResult{}, err
		}
		_, bound := saved.SecretGoesTo()
		return SaveResult{Profile: saved, Bound: bound}, nil
	}
}

// Finish takes a Save's result; now is the form as it is when the result
// arrives (the admin may have typed on).
func (m *Model) Finish(req SaveRequest, r SaveResult, err error, now Form) Outcome {
	m.saving = false
	var fe halo.FieldErrors
	var moved *halo.DestinationChangedError
	switch {
	case errors.As(err, &fe):
		m.found, m.caFound = fe, req.caFile
		return Refused
	case errors.As(err, &moved):
		return NeedSecret
	case err != nil:
		return Failed
	case r.Profile.ID != m.saved.ID:
		return SavedForAnother
	}
	m.gen++
	m.saved = r.Profile
	m.secret.Bound = r.Bound
	if req.Secret() != "" {
		m.secret = SecretState{Known: true, Stored: true, Bound: r.Bound}
	}
	if trimmed(now) != req.form {
		return SavedButEdited
	}
	return Saved
}

// DetectProfile is the unsaved profile Detect asks about: the form's
// address, authorisation server, CA file and scope.
func (m *Model) DetectProfile(f Form) storage.Profile {
	v, _ := halo.ValidateConnectionAsTyped(f)
	return storage.Profile{HaloURL: v.URL, AuthURL: v.AuthURL, CAFile: v.CAFile, Scope: v.Scope}
}

// errChangedElsewhere: the saved profile was changed by another window or
// the command line since the screen read it.
var errChangedElsewhere = errors.New("the connection was changed elsewhere (another window or the command line) since this screen read it: " +
	"select the profile again, then copy")

// CopySecret is the work of reading the stored secret for the clipboard,
// when the screen may offer it for the form f (View's CopyStoredSecret);
// ok is false otherwise. The work checks the profile as stored right now:
// the same settings as shown, and the secret sealed to them by the
// binding stored now (a check may have recorded the authorisation server
// since; an edited database or a secret entered for another address is
// refused, naming both places). Copied then tells whether it still
// belongs on screen.
func (m *Model) CopySecret(f Form) (gen int, work func(ctx context.Context) (string, error), ok bool) {
	if _, ok := m.values(m.Dirty(f)); !ok {
		return m.gen, nil, false
	}
	p, st := m.saved, m.store
	return m.gen, func(ctx context.Context) (string, error) {
		cur, err := st.DB.Profile(ctx, p.ID)
		if err != nil {
			return "", err
		}
		if FormOf(cur) != FormOf(p) {
			return "", errChangedElsewhere
		}
		secret, err := st.Secrets.Get(ctx, p.ID)
		if err != nil {
			return "", err
		}
		applog.AddSecret(secret)
		if now, ok := cur.SecretSealedTo(secret); !ok {
			was, _ := halo.ParseDestination(cur.SecretDest)
			return "", &halo.DestinationChangedError{Was: was, Now: now}
		}
		return secret, nil
	}, true
}

// Copied reports whether a copy started under gen still belongs to the
// profile shown: one that finishes after a profile switch (or a save) is
// dropped.
func (m *Model) Copied(gen int) bool { return gen == m.gen }
