package domain

// Validate checks every rule of a two-factor row and reports all failures.
func (t TwoFactor) Validate() error {
	v := NewValidator(TableTwoFactor)
	v.secret("secret", t.Secret)
	v.secret("backupCodes", t.BackupCodes)
	v.requiredID("userId", t.UserID)
	v.optNonNegative("failedVerificationCount", t.FailedVerificationCount)
	return v.Err()
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
