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

// VerificationReservationIDRule is the form of the ids Better Auth 1.7's
// reserveVerificationValue writes itself (forceAllowId): base64url without
// padding of SHA-256("reserve:" + identifier), 43 characters. The row is a
// lock or a one-time claim (an e-mail OTP or magic-link sign-in of a user
// whose e-mail is not verified yet, SIWE's e-mail claim); a second
// reservation of the same identifier fails on the id's uniqueness, which
// is the point. iam_verification admits these ids beside typed ids
// (migration 0007).
const VerificationReservationIDRule = "^[A-Za-z0-9_-]{43}$"

// AcceptsForeignID reports whether s is a reservation id of Better Auth
// (VerificationReservationIDRule), which ParseID[Verification] accepts
// beside typed ids.
func (Verification) AcceptsForeignID(s string) bool {
	if len(s) != 43 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
