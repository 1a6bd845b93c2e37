package domain

import (
	"io"
	"time"
)

// TwoFactorID is the public id of a TwoFactor.
type TwoFactorID = ID[TwoFactor]

// TwoFactor is a user's TOTP second factor (iam_two_factor). It belongs to the
// user, not to an organization (a deliberate fix of the seed's OrgTable: one
// second factor serves all of a user's organizations). Secret and backup codes
// are encrypted by Better Auth and left out of JSON.
type TwoFactor struct {
	Audit[TwoFactor]
	Secret      Secret `db:"secret" json:"-"`
	BackupCodes Secret `db:"backup_codes" json:"-"`
	UserID      UserID `db:"user_id" json:"userId"`
	// Verified, FailedVerificationCount and LockedUntil are Better Auth 1.7
	// fields, nullable there (app defaults true and 0).
	Verified                *bool      `db:"verified" json:"verified,omitempty"`
	FailedVerificationCount *int32     `db:"failed_verification_count" json:"failedVerificationCount,omitempty"`
	LockedUntil             *time.Time `db:"locked_until" json:"lockedUntil,omitempty"`
}

// TableName implements Entity.
func (TwoFactor) TableName() string { return TableTwoFactor }

// Validate checks every rule of a two-factor row and reports all failures.
func (t TwoFactor) Validate() error {
	v := NewValidator(TableTwoFactor)
	v.secret("secret", t.Secret)
	v.secret("backupCodes", t.BackupCodes)
	v.requiredID("userId", t.UserID)
	v.optNonNegative("failedVerificationCount", t.FailedVerificationCount)
	return v.Err()
}

// TwoFactorParams is the input that creates a TwoFactor. Secret and backup
// codes are stored as Better Auth encrypts them.
type TwoFactorParams struct {
	Secret      Secret `json:"secret"`
	BackupCodes Secret `json:"backupCodes"`
	UserID      UserID `json:"userId"`
	Verified    *bool  `json:"verified"` // default true, as Better Auth
}

// NewTwoFactor validates p and returns a new second factor, verified and with
// no failed attempts unless given.
func NewTwoFactor(p TwoFactorParams) (TwoFactor, error) {
	t := TwoFactor{
		Audit:                   NewAudit[TwoFactor](),
		Secret:                  p.Secret,
		BackupCodes:             p.BackupCodes,
		UserID:                  p.UserID,
		Verified:                ptr(or(p.Verified, true)),
		FailedVerificationCount: ptr(int32(0)),
	}
	if err := t.Validate(); err != nil {
		return TwoFactor{}, err
	}
	return t, nil
}

// DecodeTwoFactorParams decodes and validates a JSON TwoFactorParams.
func DecodeTwoFactorParams(r io.Reader) (TwoFactorParams, error) {
	return decodeParams(TableTwoFactor, r, NewTwoFactor)
}

// TwoFactorPatch lists what an update of a second factor may change.
type TwoFactorPatch struct {
	Secret                  *Secret    `json:"secret"`
	BackupCodes             *Secret    `json:"backupCodes"`
	Verified                *bool      `json:"verified"`
	FailedVerificationCount *int32     `json:"failedVerificationCount"`
	LockedUntil             *time.Time `json:"lockedUntil"`
}

// Apply applies the patch to t when the result is valid; on error t is
// unchanged.
func (p TwoFactorPatch) Apply(t *TwoFactor) error {
	next := *t
	set(&next.Secret, p.Secret)
	set(&next.BackupCodes, p.BackupCodes)
	setOpt(&next.Verified, p.Verified)
	setOpt(&next.FailedVerificationCount, p.FailedVerificationCount)
	setOpt(&next.LockedUntil, p.LockedUntil)
	if err := next.Validate(); err != nil {
		return err
	}
	*t = next
	return nil
}
