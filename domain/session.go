package domain

// Validate checks every rule of a session row and reports all failures.
func (s Session) Validate() error {
	v := NewValidator(TableSession)
	v.expiresAfter("expiresAt", s.ExpiresAt, s.CreatedAt)
	v.secret("token", s.Token)
	v.ipAddress("ipAddress", s.IPAddress)
	if s.UserAgent != nil {
		v.Check(len(s.UserAgent.Reveal()) <= MaxTextLength, "userAgent", "max_length",
			"userAgent must be at most %d bytes", MaxTextLength)
	}
	v.requiredID("userId", s.UserID)
	return v.Err()
}

// NewSession validates p and returns a new session; expiresAt must be in the
// future.
func NewSession(p SessionParams) (Session, error) {
	s := Session{
		Audit:                NewAudit[Session](),
		ExpiresAt:            p.ExpiresAt,
		Token:                p.Token,
		IPAddress:            p.IPAddress,
		UserAgent:            p.UserAgent,
		UserID:               p.UserID,
		ImpersonatedBy:       p.ImpersonatedBy,
		ActiveOrganizationID: p.ActiveOrganizationID,
		ActiveTeamID:         p.ActiveTeamID,
	}
	if err := s.Validate(); err != nil {
		return Session{}, err
	}
	return s, nil
}
