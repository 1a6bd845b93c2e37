package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByUser returns the user's second factor.
func (r TwoFactorRepo) GetByUser(ctx context.Context, userID domain.UserID) (domain.TwoFactor, error) {
	return r.t.getBy(ctx, r.db, "", "user_id = $1", userID.String(), userID.String())
}

// GetByCredentialID returns the passkey with the WebAuthn credential id.
func (r PasskeyRepo) GetByCredentialID(ctx context.Context, credentialID string) (domain.Passkey, error) {
	return r.t.getBy(ctx, r.db, "", "credential_id = $1", "", credentialID)
}

// ListByUser returns the user's passkeys.
func (r PasskeyRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.Passkey, string, error) {
	return r.t.list(ctx, r.db, "", page, "user_id = $1", userID.String())
}

// ListActive returns the signing keys that have not expired, newest first
// is the caller's choice: they come in creation order.
func (r JWKSRepo) ListActive(ctx context.Context) ([]domain.JWKS, error) {
	rows, err := scanAll[domain.JWKS](r.db.Query(ctx, r.t.selectSQL+" WHERE deleted_at IS NULL AND (expires_at IS NULL OR expires_at > now()) ORDER BY _row_id"))
	return rows, wrap(err, r.t.name, "list", "")
}

// GetByDeviceCode returns the device authorization with device code code.
func (r DeviceCodeRepo) GetByDeviceCode(ctx context.Context, code string) (domain.DeviceCode, error) {
	return r.t.getBy(ctx, r.db, "", "device_code = $1", "", code)
}

// GetByUserCode returns the device authorization with user code code.
func (r DeviceCodeRepo) GetByUserCode(ctx context.Context, code string) (domain.DeviceCode, error) {
	return r.t.getBy(ctx, r.db, "", "user_code = $1", "", code)
}

// ListByUser returns the user's wallet addresses.
func (r WalletAddressRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.WalletAddress, string, error) {
	return r.t.list(ctx, r.db, "", page, "user_id = $1", userID.String())
}

// GetByKey returns the rate-limit counter of key.
func (r RateLimitRepo) GetByKey(ctx context.Context, key string) (domain.RateLimit, error) {
	return r.t.getBy(ctx, r.db, "", "key = $1", key, key)
}

// ListByUser returns one page of the user's sessions (live or expired; the
// caller checks ExpiresAt), in creation order.
func (r SessionRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.Session, string, error) {
	return r.t.list(ctx, r.db, "", page, "user_id = $1", userID.String())
}

// GetByToken returns the session with the plain token (no user, no
// membership; see Store.LookupSession for the request path).
func (r SessionRepo) GetByToken(ctx context.Context, token domain.Secret) (domain.Session, error) {
	return r.t.getBy(ctx, r.db, "", "token = $1", "", token.Reveal())
}
