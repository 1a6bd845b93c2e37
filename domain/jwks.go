package domain

import (
	"io"
	"time"
)

// JWKSID is the public id of a JWKS row.
type JWKSID = ID[JWKS]

// JWKS is one signing key pair of the jwt plugin (iam_jwks). The private key
// (encrypted by Better Auth by default) is a secret left out of JSON. The
// public key is published at the JWKS endpoint anyway, so it is plain text
// (the seed's redaction of it protected nothing).
type JWKS struct {
	Audit[JWKS]
	PublicKey  string     `db:"public_key" json:"publicKey"`
	PrivateKey Secret     `db:"private_key" json:"-"`
	ExpiresAt  *time.Time `db:"expires_at" json:"expiresAt,omitempty"`
	Alg        *string    `db:"alg" json:"alg,omitempty"`
	Crv        *string    `db:"crv" json:"crv,omitempty"`
}

// TableName implements Entity.
func (JWKS) TableName() string { return TableJWKS }

// Validate checks every rule of a JWKS row and reports all failures.
func (j JWKS) Validate() error {
	v := NewValidator(TableJWKS)
	v.text("publicKey", j.PublicKey, 1, 65536)
	v.secret("privateKey", j.PrivateKey)
	v.optExpiresAfter("expiresAt", j.ExpiresAt, j.CreatedAt)
	v.optText("alg", j.Alg, 16)
	v.optText("crv", j.Crv, 16)
	return v.Err()
}

// JWKSParams is the input that creates a JWKS row.
type JWKSParams struct {
	PublicKey  string     `json:"publicKey"`
	PrivateKey Secret     `json:"privateKey"`
	ExpiresAt  *time.Time `json:"expiresAt"`
	Alg        *string    `json:"alg"`
	Crv        *string    `json:"crv"`
}

// NewJWKS validates p and returns a new key pair row.
func NewJWKS(p JWKSParams) (JWKS, error) {
	j := JWKS{Audit: NewAudit[JWKS](), PublicKey: p.PublicKey, PrivateKey: p.PrivateKey, ExpiresAt: p.ExpiresAt, Alg: p.Alg, Crv: p.Crv}
	if err := j.Validate(); err != nil {
		return JWKS{}, err
	}
	return j, nil
}

// DecodeJWKSParams decodes and validates a JSON JWKSParams.
func DecodeJWKSParams(r io.Reader) (JWKSParams, error) {
	return decodeParams(TableJWKS, r, NewJWKS)
}

// JWKSPatch lists what an update of a key pair may change: its expiry (key
// rotation retires a key by expiring it).
type JWKSPatch struct {
	ExpiresAt *time.Time `json:"expiresAt"`
}

// Apply applies the patch to j when the result is valid; on error j is
// unchanged.
func (p JWKSPatch) Apply(j *JWKS) error {
	next := *j
	setOpt(&next.ExpiresAt, p.ExpiresAt)
	if err := next.Validate(); err != nil {
		return err
	}
	*j = next
	return nil
}
