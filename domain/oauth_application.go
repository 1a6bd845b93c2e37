package domain

import (
	"io"
	"slices"
	"strings"
)

// OAuthApplicationID is the public id of an OAuthApplication.
type OAuthApplicationID = ID[OAuthApplication]

// OAuthApplication is an OAuth client of the oidcProvider/mcp plugins
// (iam_oauth_application, optional tenant; the Better Auth ≤ 1.6 shape).
// The columns keep the seed's nullability (the schema's decision), but the
// ones Better Auth 1.6 requires (name, client_id, redirect_urls, type) are
// required by Validate: Better Auth reads them without null checks. The
// client secret is left out of JSON.
type OAuthApplication struct {
	Audit[OAuthApplication]
	OrganizationID *OrganizationID `db:"organization_id" json:"organizationId,omitempty"`
	Name           *string         `db:"name" json:"name,omitempty"`
	Icon           *string         `db:"icon" json:"icon,omitempty"`
	Metadata       *string         `db:"metadata" json:"metadata,omitempty"` // JSON as text
	ClientID       *string         `db:"client_id" json:"clientId,omitempty"`
	ClientSecret   *Secret         `db:"client_secret" json:"-"` // absent for public clients
	// RedirectURLs is comma-separated; the column is redirect_urls (the seed's
	// mechanical snake-casing gave redirect_u_r_ls).
	RedirectURLs *string `db:"redirect_urls" json:"redirectUrls,omitempty"`
	Type         *string `db:"type" json:"type,omitempty"` // web, native, user-agent-based, public
	Disabled     bool    `db:"disabled" json:"disabled"`
	UserID       *UserID `db:"user_id" json:"userId,omitempty"`
}

// TableName implements Entity.
func (OAuthApplication) TableName() string { return TableOAuthApplication }

// OAuth application types of the oidcProvider plugin.
const (
	OAuthTypeWeb            = "web"
	OAuthTypeNative         = "native"
	OAuthTypeUserAgentBased = "user-agent-based"
	OAuthTypePublic         = "public"
)

// OAuthApplicationTypeValues lists the OAuth application types.
var OAuthApplicationTypeValues = []string{OAuthTypeWeb, OAuthTypeNative, OAuthTypeUserAgentBased, OAuthTypePublic}

// RedirectURLList returns the comma-separated redirect URLs as a list.
func (a OAuthApplication) RedirectURLList() []string {
	var out []string
	if a.RedirectURLs == nil {
		return nil
	}
	for _, u := range strings.Split(*a.RedirectURLs, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, u)
		}
	}
	return out
}

// Validate checks every rule of an OAuth application row and reports all
// failures. Confidential clients (every type but public) need a secret.
func (a OAuthApplication) Validate() error {
	v := NewValidator(TableOAuthApplication)
	v.text("name", or(a.Name, ""), 1, MaxNameLength)
	v.httpURL("icon", a.Icon)
	v.jsonText("metadata", a.Metadata)
	v.text("clientId", or(a.ClientID, ""), 1, MaxNameLength)
	urls := a.RedirectURLList()
	v.Check(len(urls) > 0, "redirectUrls", "required", "redirectUrls needs at least one URL")
	for _, u := range urls {
		if err := validateAbsoluteURL(u); err != nil {
			v.Add("redirectUrls", "url", "each of redirectUrls %s", err)
			break
		}
	}
	if !slices.Contains(OAuthApplicationTypeValues, or(a.Type, "")) {
		v.Add("type", "enum", "type must be one of %s", strings.Join(OAuthApplicationTypeValues, ", "))
	}
	if or(a.Type, "") != OAuthTypePublic {
		v.Check(a.ClientSecret != nil && !a.ClientSecret.IsEmpty(), "clientSecret", "required",
			"clientSecret is required for a confidential (non-public) client")
	}
	return v.Err()
}

// OAuthApplicationParams is the input that creates an OAuthApplication.
// ClientSecret is the stored form of the secret (hashed or encrypted as the
// plugin is configured).
type OAuthApplicationParams struct {
	OrganizationID *OrganizationID `json:"organizationId"`
	Name           string          `json:"name"`
	Icon           *string         `json:"icon"`
	Metadata       *string         `json:"metadata"`
	ClientID       string          `json:"clientId"`
	ClientSecret   *Secret         `json:"clientSecret"`
	RedirectURLs   []string        `json:"redirectUrls"`
	Type           *string         `json:"type"` // default web
	UserID         *UserID         `json:"userId"`
}

// NewOAuthApplication validates p and returns a new, enabled application.
func NewOAuthApplication(p OAuthApplicationParams) (OAuthApplication, error) {
	urls := make([]string, 0, len(p.RedirectURLs))
	for _, u := range p.RedirectURLs {
		urls = append(urls, strings.TrimSpace(u))
	}
	a := OAuthApplication{
		Audit:          NewAudit[OAuthApplication](),
		OrganizationID: p.OrganizationID,
		Name:           ptr(strings.TrimSpace(p.Name)),
		Icon:           trimPtr(p.Icon),
		Metadata:       p.Metadata,
		ClientID:       ptr(strings.TrimSpace(p.ClientID)),
		ClientSecret:   p.ClientSecret,
		RedirectURLs:   ptr(strings.Join(urls, ",")),
		Type:           ptr(or(p.Type, OAuthTypeWeb)),
		UserID:         p.UserID,
	}
	v := NewValidator(TableOAuthApplication)
	v.Merge("", a.Validate())
	for _, u := range urls {
		v.Check(!strings.Contains(u, ","), "redirectUrls", "comma", "redirectUrls must not contain commas (they are stored comma-separated)")
	}
	if err := v.Err(); err != nil {
		return OAuthApplication{}, err
	}
	return a, nil
}

// DecodeOAuthApplicationParams decodes and validates a JSON
// OAuthApplicationParams.
func DecodeOAuthApplicationParams(r io.Reader) (OAuthApplicationParams, error) {
	return decodeParams(TableOAuthApplication, r, NewOAuthApplication)
}

// OAuthApplicationPatch lists what an update of an application may change.
type OAuthApplicationPatch struct {
	Name         *string  `json:"name"`
	Icon         *string  `json:"icon"`
	Metadata     *string  `json:"metadata"`
	ClientSecret *Secret  `json:"clientSecret"`
	RedirectURLs []string `json:"redirectUrls"`
	Disabled     *bool    `json:"disabled"`
}

// Apply applies the patch to a when the result is valid; on error a is
// unchanged.
func (p OAuthApplicationPatch) Apply(a *OAuthApplication) error {
	next := *a
	setOpt(&next.Name, trimPtr(p.Name))
	setOpt(&next.Icon, trimPtr(p.Icon))
	setOpt(&next.Metadata, p.Metadata)
	setOpt(&next.ClientSecret, p.ClientSecret)
	if p.RedirectURLs != nil {
		next.RedirectURLs = ptr(strings.Join(p.RedirectURLs, ","))
	}
	set(&next.Disabled, p.Disabled)
	if err := next.Validate(); err != nil {
		return err
	}
	*a = next
	return nil
}
