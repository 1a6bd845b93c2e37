package domain

import "time"

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
