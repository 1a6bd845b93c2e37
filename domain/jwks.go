package domain

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

// NewJWKS validates p and returns a new key pair row.
func NewJWKS(p JWKSParams) (JWKS, error) {
	j := JWKS{Audit: NewAudit[JWKS](), PublicKey: p.PublicKey, PrivateKey: p.PrivateKey, ExpiresAt: p.ExpiresAt, Alg: p.Alg, Crv: p.Crv}
	if err := j.Validate(); err != nil {
		return JWKS{}, err
	}
	return j, nil
}
