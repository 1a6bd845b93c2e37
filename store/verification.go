package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByIdentifier returns the newest live verification for identifier
// (expired ones included; check ExpiresAt). The identifier is not secret,
// the value is.
func (r VerificationRepo) GetByIdentifier(ctx context.Context, identifier string) (domain.Verification, error) {
	out, err := scanOne[domain.Verification](r.db.QueryRow(ctx,
		r.t.selectSQL+" WHERE identifier = $1 AND deleted_at IS NULL ORDER BY created_at DESC, _row_id DESC LIMIT 1", identifier))
	return out, wrap(err, r.t.name, "get", "")
}
