package domain

import (
	"io"
	"time"
)

// VerificationID is the public id of a Verification.
type VerificationID = ID[Verification]

// Verification is a one-time value (email verification, password reset,
// OTP...) Better Auth stores under an identifier (iam_verification). The
// value is a secret left out of JSON (the seed did not protect it).
type Verification struct {
	Audit[Verification]
	Identifier string    `db:"identifier" json:"identifier"`
	Value      Secret    `db:"value" json:"-"`
	ExpiresAt  time.Time `db:"expires_at" json:"expiresAt"`
}

// TableName implements Entity.
func (Verification) TableName() string { return TableVerification }

// Validate checks every rule of a verification row and reports all failures.
func (x Verification) Validate() error {
	v := NewValidator(TableVerification)
	v.text("identifier", x.Identifier, 1, 1024)
	v.secret("value", x.Value)
	v.expiresAfter("expiresAt", x.ExpiresAt, x.CreatedAt)
	return v.Err()
}

// VerificationParams is the input that creates a Verification.
type VerificationParams struct {
	Identifier string    `json:"identifier"`
	Value      Secret    `json:"value"`
	ExpiresAt  time.Time `json:"expiresAt"`
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

// DecodeVerificationParams decodes and validates a JSON VerificationParams.
func DecodeVerificationParams(r io.Reader) (VerificationParams, error) {
	return decodeParams(TableVerification, r, NewVerification)
}

// VerificationPatch lists what an update of a verification may change.
type VerificationPatch struct {
	Value     *Secret    `json:"value"`
	ExpiresAt *time.Time `json:"expiresAt"`
}

// Apply applies the patch to x when the result is valid; on error x is
// unchanged.
func (p VerificationPatch) Apply(x *Verification) error {
	next := *x
	set(&next.Value, p.Value)
	set(&next.ExpiresAt, p.ExpiresAt)
	if err := next.Validate(); err != nil {
		return err
	}
	*x = next
	return nil
}
