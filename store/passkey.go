package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByCredentialID returns the passkey with the WebAuthn credential id.
func (r PasskeyRepo) GetByCredentialID(ctx context.Context, credentialID string) (domain.Passkey, error) {
	return r.t.getBy(ctx, r.db, "", "credential_id = $1", "", credentialID)
}

// ListByUser returns the user's passkeys.
func (r PasskeyRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.Passkey, string, error) {
	return r.t.list(ctx, r.db, "", page, "user_id = $1", userID.String())
}
