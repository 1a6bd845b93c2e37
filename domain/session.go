package domain

import (
	"io"
	"time"
)

// SessionID is the public id of a Session.
type SessionID = ID[Session]

// Session is a signed-in browser or device (shared_session).
//
// Token is the plain session token Better Auth signs into its cookie: it is
// left out of JSON. IP address and user agent are personal data the seed
// marks sensitive: present in JSON but redacted.
type Session struct {
	Audit[Session]
	ExpiresAt time.Time `db:"expires_at" json:"expiresAt"`
	Token     Secret    `db:"token" json:"-"`
	IPAddress *Secret   `db:"ip_address" json:"ipAddress,omitempty"`
	UserAgent *Secret   `db:"user_agent" json:"userAgent,omitempty"`
	UserID    UserID    `db:"user_id" json:"userId"`
	// ImpersonatedBy is the admin who started an impersonation session.
	ImpersonatedBy *UserID `db:"impersonated_by" json:"impersonatedBy,omitempty"`
	// ActiveOrganizationID is nullable (ON DELETE SET NULL; the seed's NOT
	// NULL contradicted its own foreign key).
	ActiveOrganizationID *OrganizationID `db:"active_organization_id" json:"activeOrganizationId,omitempty"`
	ActiveTeamID         *TeamID         `db:"active_team_id" json:"activeTeamId,omitempty"`
}

// TableName implements Entity.
func (Session) TableName() string { return TableSession }

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

// SessionParams is the input that creates a Session. The token is generated
// by the caller (Better Auth's format: 32 random characters).
type SessionParams struct {
	ExpiresAt            time.Time       `json:"expiresAt"`
	Token                Secret          `json:"token"`
	IPAddress            *Secret         `json:"ipAddress"`
	UserAgent            *Secret         `json:"userAgent"`
	UserID               UserID          `json:"userId"`
	ImpersonatedBy       *UserID         `json:"impersonatedBy"`
	ActiveOrganizationID *OrganizationID `json:"activeOrganizationId"`
	ActiveTeamID         *TeamID         `json:"activeTeamId"`
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

// DecodeSessionParams decodes and validates a JSON SessionParams.
func DecodeSessionParams(r io.Reader) (SessionParams, error) {
	return decodeParams(TableSession, r, NewSession)
}

// SessionPatch lists what an update of a session may change: its expiry
// (refresh) and the active organization and team.
type SessionPatch struct {
	ExpiresAt            *time.Time      `json:"expiresAt"`
	ActiveOrganizationID *OrganizationID `json:"activeOrganizationId"`
	ActiveTeamID         *TeamID         `json:"activeTeamId"`
}

// Apply applies the patch to s when the result is valid; on error s is
// unchanged.
func (p SessionPatch) Apply(s *Session) error {
	next := *s
	set(&next.ExpiresAt, p.ExpiresAt)
	setOpt(&next.ActiveOrganizationID, p.ActiveOrganizationID)
	setOpt(&next.ActiveTeamID, p.ActiveTeamID)
	if err := next.Validate(); err != nil {
		return err
	}
	*s = next
	return nil
}
