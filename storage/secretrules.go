package storage

import (
	"github.com/halo-assistant/halo-assistant/halo"

	"context"
	"errors"
	"fmt"
)

// StoreSecret stores a profile's Client Secret in the keyring and audits
// it: the one rule for both front-ends (the Connection screen, a copied
// profile, `profile add/set`). detail says how it came ("" for the usual
// "Client Secret stored in the system keyring"). Nothing is audited when
// the keyring refused the secret.
//
// The secret is bound to p's destination (its connection settings as
// given, which the caller saves alongside): it will be sent nowhere else.
// A CA file that cannot be read stops it before anything is stored; a
// profile without a usable URL yet gets its secret unbound (it is sent
// nowhere until confirmed for a URL).
func StoreSecret(ctx context.Context, db *DB, secrets Secrets, p Profile, secret, detail string) error {
	dest, err := destinationToBind(p)
	if err != nil {
		return err
	}
	if err := secrets.Set(ctx, p.ID, secret); err != nil {
		return err
	}
	if err := db.bindSecret(ctx, p.ID, dest, secret); err != nil {
		if errors.Is(err, ErrNotFound) {
			// The profile was removed (another process) while the secret
			// was being written: take it back out, or nothing would ever
			// know the keyring entry is there.
			_ = secrets.Delete(ctx, p.ID)
		}
		return err
	}
	if detail == "" {
		detail = "Client Secret stored in the system keyring"
	}
	return db.AppendAudit(ctx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Actor: CurrentActor(),
		Action: ActionSecretStored, Detail: detail + ", for " + dest.Describe()})
}

// CopySecret stores from's Client Secret for to, a copy of from's
// settings (the Profiles screen's Duplicate); having none is fine. A
// secret not bound to from's settings is not copied: one left unsent
// after a change of address ("Save without it"), or under an edited
// record, would otherwise be bound afresh by the copying. The
// authorisation server recorded for from goes with it, so the copy trusts
// no other at its first use.
func CopySecret(ctx context.Context, db *DB, secrets Secrets, from, to Profile) error {
	secret, err := secrets.Get(ctx, from.ID)
	if errors.Is(err, ErrSecretNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	cur, err := db.Profile(ctx, from.ID) // the binding as stored now
	if err != nil {
		return err
	}
	now, err := destinationToBind(cur)
	if err != nil {
		return err
	}
	was, _ := halo.ParseDestination(cur.SecretDest)
	if now.Halo != "" && !(halo.SecretBinding{Dest: was, Seal: cur.SecretSeal}).Holds(now, secret) {
		return fmt.Errorf("it is not bound to the settings of %q (it was entered for %s): enter it for the copy on its Connection screen",
			from.Name, was.Describe())
	}
	if err := StoreSecret(ctx, db, secrets, to, secret, "Client Secret copied from "+from.Name); err != nil {
		return err
	}
	if dest, err := to.Destination(); err == nil && was.Found != "" && dest == now {
		dest.Found = was.Found
		return db.bindSecret(ctx, to.ID, dest, secret)
	}
	return nil
}

// destinationToBind is where a secret stored for p may go: its settings'
// destination, or none (the zero Destination) while it has no valid URL.
func destinationToBind(p Profile) (halo.Destination, error) {
	dest, err := p.Destination()
	if err != nil && halo.KindOf(err) == halo.KindURL {
		return halo.Destination{}, nil
	}
	return dest, err
}

// KeepSecret confirms that the profile's stored secret may go to its
// current destination (CLI: profile set --keep-secret): the explicit
// alternative to entering the secret again after the URL, authorisation
// server or CA file changed. It reads the secret from the keyring, since
// the binding is sealed with it.
func KeepSecret(ctx context.Context, db *DB, secrets Secrets, p Profile) (halo.Destination, error) {
	dest, err := p.Destination()
	if err != nil {
		return dest, err
	}
	if dest.Halo == "" {
		return dest, errorf(ErrInvalid, "the profile has no valid Halo URL to send the secret to")
	}
	secret, err := secrets.Get(ctx, p.ID)
	if err != nil {
		return dest, err
	}
	if err := db.bindSecret(ctx, p.ID, dest, secret); err != nil {
		return dest, err
	}
	return dest, db.AppendAudit(ctx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Actor: CurrentActor(),
		Action: ActionSecretKept, Detail: "stored Client Secret confirmed for " + dest.Describe()})
}

// BindSecret binds secret to the profile's current destination without
// storing it anywhere (demo mode keeps its public secret in memory).
func (db *DB) BindSecret(ctx context.Context, p Profile, secret string) error {
	dest, err := destinationToBind(p)
	if err != nil {
		return err
	}
	return db.bindSecret(ctx, p.ID, dest, secret)
}

func (db *DB) bindSecret(ctx context.Context, id int64, dest halo.Destination, secret string) error {
	seal := ""
	if dest.Halo != "" {
		seal = dest.Seal(secret)
	}
	res, err := db.db.ExecContext(ctx, "UPDATE profiles SET secret_dest = ?, secret_seal = ? WHERE id = ?",
		dest.String(), seal, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errorf(ErrNotFound, "profile %d not found", id)
	}
	return nil
}

// SecretGoesTo reports whether the profile's stored binding still matches
// its settings, judged without the secret (the seal needs it): false when
// the URL, authorisation server or CA file changed since the secret was
// entered, or nothing was recorded. Front-ends use it to ask for the
// secret again before the check would refuse to send it. What discovery
// finds later is not known here (the login checks it).
func (p Profile) SecretGoesTo() (halo.Destination, bool) {
	now, err := p.Destination()
	if err != nil {
		return now, false
	}
	was, ok := halo.ParseDestination(p.SecretDest)
	return now, ok && was.Settings() == now
}

// SecretSealedTo reports whether secret is the one bound to the profile's
// current settings: SecretGoesTo checked with the seal, so an edited
// record does not pass. The Connection screen asks it before the stored
// secret goes onto the clipboard beside the profile's Endpoint.
func (p Profile) SecretSealedTo(secret string) (halo.Destination, bool) {
	now, err := p.Destination()
	if err != nil {
		return now, false
	}
	was, ok := halo.ParseDestination(p.SecretDest)
	return now, ok && was.Settings() == now && halo.SecretBinding{Dest: was, Seal: p.SecretSeal}.Holds(now, secret)
}

// SecretLeftBehind is the one answer of both front-ends to "does this
// change move the connection away from its stored secret?": changing the
// stored profile before to after (its new settings, same binding) leaves
// the secret behind when one is stored (or may be), after's settings no
// longer lead where it was entered for, and before's did lead elsewhere
// than after's (a change that does not move it is not asked about: an
// older change already unbound it, and the check says so). The result
// names both places; nil otherwise. It reads the CA files.
func SecretLeftBehind(ctx context.Context, db *DB, before, after Profile) (*halo.DestinationChangedError, error) {
	if st, err := db.SecretState(ctx, after.ID); err != nil || st == SecretNone {
		return nil, err
	}
	now, ok := after.SecretGoesTo()
	if ok {
		return nil, nil
	}
	if was, err := before.Destination(); err == nil && was == now {
		return nil, nil
	}
	was, _ := halo.ParseDestination(after.SecretDest)
	return &halo.DestinationChangedError{Was: was, Now: now}, nil
}

// ActionSecretAuthRecorded: the authorisation server discovery named at a
// secret's first use was recorded in its binding.
const ActionSecretAuthRecorded = "secret.auth_recorded"

// recordBinding stores now, the binding with the discovered authorisation
// server, in place of the one sealed as was (halo.SecretBinding.Record).
// When the stored one is another (a check in another window recorded it,
// or a new secret was stored or confirmed meanwhile), nothing is replaced
// and the stored one is returned for the login to decide with.
func (db *DB) recordBinding(ctx context.Context, p Profile, was string, now halo.SecretBinding) (*halo.SecretBinding, error) {
	res, err := db.db.ExecContext(ctx, "UPDATE profiles SET secret_dest = ?, secret_seal = ? WHERE id = ? AND secret_seal = ?",
		now.Dest.String(), now.Seal, p.ID, was)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		cur, err := db.Profile(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		dest, _ := halo.ParseDestination(cur.SecretDest)
		return &halo.SecretBinding{Dest: dest, Seal: cur.SecretSeal}, nil
	}
	return nil, db.AppendAudit(ctx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Actor: CurrentActor(),
		Action: ActionSecretAuthRecorded, Detail: "Client Secret bound to the authorisation server " + now.Dest.Found + " found by Halo's login discovery at its first use"})
}

// DeleteProfileWithSecret removes a profile's Client Secret from the
// keyring, then the profile: the one rule for both front-ends. The secret
// goes first, because once the row is gone nothing remembers which keyring
// entry belonged to it. When the keyring cannot remove it, secretErr says
// why and nothing is deleted, unless force: then the profile goes and the
// secret stays. The audit records the secret's fate only when the profile
// had (or may have had) one: "Client Secret removed" for a profile that
// never stored a secret would be a false entry in the log the admin
// reads to know where secrets went.
func DeleteProfileWithSecret(ctx context.Context, db *DB, secrets Secrets, p Profile, force bool) (secretErr, err error) {
	state, err := db.SecretState(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	if secretErr = secrets.Delete(ctx, p.ID); errors.Is(secretErr, ErrSecretNotFound) {
		secretErr = nil
	}
	if secretErr != nil && !force {
		return secretErr, nil
	}
	last, err := db.deleteProfile(ctx, p.ID)
	if err != nil {
		return secretErr, err
	}
	if secretErr == nil && (state != SecretNone || last != SecretNone) {
		// Once more now that the row is gone: a Save in another process
		// may have stored a secret between the first delete and the row's
		// removal (its own store finds the row gone afterwards and takes
		// its secret back out). Either way no entry is left behind. Only
		// when the keyring was (or now had to be) asked: a profile that
		// never had a secret is removed without it.
		if err := secrets.Delete(ctx, p.ID); err != nil && !errors.Is(err, ErrSecretNotFound) {
			secretErr = err
		}
	}
	if state == SecretNone && secretErr == nil {
		return nil, nil
	}
	ev := AuditEvent{ProfileName: p.Name, Actor: CurrentActor(),
		Action: ActionSecretRemoved, Detail: "Client Secret removed with the profile"}
	if secretErr != nil {
		ev.Action = ActionSecretLeft
		ev.Detail = fmt.Sprintf("Client Secret left in the keyring (account %d): %v", p.ID, secretErr)
	}
	_ = db.AppendAudit(ctx, ev) // the profile is gone; a failed audit must not report the deletion failed
	return secretErr, nil
}
