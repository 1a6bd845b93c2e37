package domain

// OAuthApplicationID is the public id of an OAuthApplication.
type OAuthApplicationID = ID[OAuthApplication]

// OAuthApplication is an OAuth client of the oidcProvider/mcp plugins
// (iam_oauth_application, optional tenant; the Better Auth ≤ 1.6 shape).
// Columns Better Auth 1.6 requires (name, client_id, redirect_urls, type) are
// required here although the seed left them nullable: Better Auth reads them
// without null checks. The client secret is left out of JSON.
type OAuthApplication struct {
	Audit[OAuthApplication]
	OrganizationID *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	Name           string          `db:"name" json:"name"`
	Icon           *string         `db:"icon" json:"icon,omitempty"`
	Metadata       *string         `db:"metadata" json:"metadata,omitempty"` // JSON as text
	ClientID       string          `db:"client_id" json:"clientId"`
	ClientSecret   *Secret         `db:"client_secret" json:"-"` // absent for public clients
	// RedirectURLs is comma-separated; the column is redirect_urls (the seed's
	// mechanical snake-casing gave redirect_u_r_ls).
	RedirectURLs string  `db:"redirect_urls" json:"redirectUrls"`
	Type         string  `db:"type" json:"type"` // web, native, user-agent-based, public
	Disabled     bool    `db:"disabled" json:"disabled"`
	UserID       *UserID `db:"user_id" json:"userId,omitempty"`
}

// TableName implements Entity.
func (OAuthApplication) TableName() string { return TableOAuthApplication }
