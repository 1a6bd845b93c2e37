package domain

import "time"

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
