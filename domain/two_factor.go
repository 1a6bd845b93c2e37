package domain

import "time"

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
