package store

import (
	"context"
	"time"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
)

// ListActive returns the signing keys that have not expired, newest first
// is the caller's choice: they come in creation order.
func (r JWKSRepo) ListActive(ctx context.Context) ([]domain.JWKS, error) {
	rows, err := scanAll[domain.JWKS](r.db.Query(ctx, r.t.selectSQL+" WHERE deleted_at IS NULL AND (expires_at IS NULL OR expires_at > now()) ORDER BY _row_id"))
	return rows, wrap(err, r.t.name, "list", "")
}

// JWKSPublicKey is the public part of a jwks row: what a JWKS endpoint
// publishes.
type JWKSPublicKey struct {
	ID        domain.JWKSID
	PublicKey string // the public JWK as JSON text
	CreatedAt time.Time
	ExpiresAt *time.Time
	Alg, Crv  *string
}

// ListPublicKeys returns the public part of every signing key that is not
// soft-deleted, expired ones included (a JWKS endpoint keeps publishing a
// key for a grace period after its expiry: betterauth.BuildJWKS), in
// creation order. The private keys are not read.
func (r JWKSRepo) ListPublicKeys(ctx context.Context) ([]JWKSPublicKey, error) {
	rows, err := r.db.Query(ctx, `SELECT id, public_key, created_at, expires_at, alg, crv FROM `+domain.TableJWKS+` WHERE deleted_at IS NULL ORDER BY _row_id`)
	if err != nil {
		return nil, wrap(err, domain.TableJWKS, "list", "")
	}
	keys, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (JWKSPublicKey, error) {
		var k JWKSPublicKey
		err := row.Scan(&k.ID, &k.PublicKey, &k.CreatedAt, &k.ExpiresAt, &k.Alg, &k.Crv)
		return k, err
	})
	return keys, wrap(err, domain.TableJWKS, "list", "")
}
