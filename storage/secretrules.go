package storage

import (
	"context"
	"errors"
	"fmt"
)

// StoreSecret stores a profile's Client Secret in the keyring and audits
// it: the one rule for both front-ends (the Connection screen, a copied
// profile, `profile add/set`). detail says how it came ("" for the usual
// "Client Secret stored in the system keyring"). Nothing is audited when
// the keyring refused the secret.
func StoreSecret(ctx context.Context, db *DB, secrets Secrets, p Profile, secret, detail string) error {
	if err := secrets.Set(ctx, p.ID, secret); err != nil {
		return err
	}
	if detail == "" {
		detail = "Client Secret stored in the system keyring"
	}
	return db.AppendAudit(ctx, AuditEvent{ProfileID: p.ID, ProfileName: p.Name, Actor: CurrentActor(),
		Action: ActionSecretStored, Detail: detail})
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
	if err := db.DeleteProfile(ctx, p.ID); err != nil {
		return secretErr, err
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
