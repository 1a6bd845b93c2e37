package domain

// Validate checks every rule of a verification row and reports all failures.
func (x Verification) Validate() error {
	v := NewValidator(TableVerification)
	v.text("identifier", x.Identifier, 1, 1024)
	v.secret("value", x.Value)
	v.expiresAfter("expiresAt", x.ExpiresAt, x.CreatedAt)
	return v.Err()
}

// NewVerification validates p and returns a new verification; expiresAt must
// be in the future.
func NewVerification(p VerificationParams) (Verification, error) {
	x := Verification{Audit: NewAudit[Verification](), Identifier: p.Identifier, Value: p.Value, ExpiresAt: p.ExpiresAt}
	if err := x.Validate(); err != nil {
		return Verification{}, err
	}
	return x, nil
}
