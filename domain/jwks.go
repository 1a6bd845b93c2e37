package domain

import "time"

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
