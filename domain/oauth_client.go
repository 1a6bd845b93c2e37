package domain

import (
	"encoding/json"
	"strings"
)

// Application types and token endpoint authentication methods of the
// oauth-provider plugin.
const (
	OAuthApplicationWeb    = "web"
	OAuthApplicationNative = "native"

	OAuthAuthNone              = "none"
	OAuthAuthClientSecretBasic = "client_secret_basic"
	OAuthAuthClientSecretPost  = "client_secret_post"
	OAuthAuthPrivateKeyJWT     = "private_key_jwt"
)

// IsPublic reports whether the client authenticates with no secret
// (token_endpoint_auth_method "none").
func (c OAuthClient) IsPublic() bool { return or(c.TokenEndpointAuthMethod, "") == OAuthAuthNone }

// Validate checks every rule of a client row and reports all failures. A
// client that authenticates with a shared secret (client_secret_basic, the
// default, or client_secret_post) needs one; a public client ("none") or a
// private_key_jwt client needs none.
func (c OAuthClient) Validate() error {
	v := NewValidator(TableOAuthClient)
	v.text("clientId", c.ClientID, 1, MaxNameLength)
	v.optSecret("clientSecret", c.ClientSecret)
	switch or(c.TokenEndpointAuthMethod, OAuthAuthClientSecretBasic) {
	case OAuthAuthClientSecretBasic, OAuthAuthClientSecretPost:
		v.Check(c.ClientSecret != nil && !c.ClientSecret.IsEmpty(), "clientSecret", "required",
			"clientSecret is required for a client that authenticates with a secret (tokenEndpointAuthMethod)")
	}
	v.optText("tokenEndpointAuthMethod", c.TokenEndpointAuthMethod, MaxNameLength)
	v.oneOf("applicationType", c.ApplicationType, OAuthApplicationWeb, OAuthApplicationNative)
	v.oneOf("subjectType", c.SubjectType, "public", "pairwise")
	v.urlList("redirectUris", c.RedirectURIs, true)
	v.urlList("postLogoutRedirectUris", c.PostLogoutRedirectURIs, false)
	v.scopeList("scopes", c.Scopes, false)
	v.scopeList("clientCredentialsScopes", c.ClientCredentialsScopes, false)
	v.stringList("grantTypes", c.GrantTypes, false, MaxNameLength)
	v.stringList("responseTypes", c.ResponseTypes, false, MaxNameLength)
	v.stringList("contacts", c.Contacts, false, MaxNameLength)
	v.optText("name", c.Name, MaxNameLength)
	v.httpURL("uri", c.URI)
	v.httpURL("icon", c.Icon)
	v.httpURL("tos", c.TOS)
	v.httpURL("policy", c.Policy)
	v.httpURL("jwksUri", c.JWKSURI)
	v.httpURL("backchannelLogoutUri", c.BackchannelLogoutURI)
	v.jsonText("jwks", c.JWKS)
	v.jsonRaw("metadata", c.Metadata)
	if c.ReferenceID != nil {
		v.text("referenceId", *c.ReferenceID, 1, MaxNameLength)
		if c.OrganizationID != nil && *c.ReferenceID != c.OrganizationID.String() {
			v.Add("referenceId", "owner", "referenceId of an organization's client must be that organization")
		}
	}
	return v.Err()
}

// NewOAuthClient validates p and returns a new, enabled client.
func NewOAuthClient(p OAuthClientParams) (OAuthClient, error) {
	grants := trimmedList(p.GrantTypes)
	if grants == nil {
		grants = []string{"authorization_code", "refresh_token"}
	}
	responses := trimmedList(p.ResponseTypes)
	if responses == nil {
		responses = []string{"code"}
	}
	redirects := trimmedList(p.RedirectURIs)
	if redirects == nil {
		redirects = []string{}
	}
	c := OAuthClient{
		Audit:                   NewAudit[OAuthClient](),
		OrganizationID:          p.OrganizationID,
		ClientID:                strings.TrimSpace(p.ClientID),
		ClientSecret:            p.ClientSecret,
		Name:                    trimPtr(p.Name),
		URI:                     trimPtr(p.URI),
		Icon:                    trimPtr(p.Icon),
		RedirectURIs:            StringListJSON(redirects),
		PostLogoutRedirectURIs:  StringListJSON(trimmedList(p.PostLogoutRedirectURIs)),
		Scopes:                  StringListJSON(trimmedList(p.Scopes)),
		ClientCredentialsScopes: json.RawMessage(`[]`),
		GrantTypes:              StringListJSON(grants),
		ResponseTypes:           StringListJSON(responses),
		TokenEndpointAuthMethod: trimPtr(p.TokenEndpointAuthMethod),
		ApplicationType:         ptr(or(p.ApplicationType, OAuthApplicationWeb)),
		SkipConsent:             p.SkipConsent,
		RequirePKCE:             p.RequirePKCE,
		DPoPBoundAccessTokens:   ptr(false),
		UserID:                  p.UserID,
		Metadata:                nullRaw(p.Metadata),
	}
	if p.OrganizationID != nil {
		c.ReferenceID = ptr(p.OrganizationID.String())
	}
	if err := c.Validate(); err != nil {
		return OAuthClient{}, err
	}
	return c, nil
}

// finish stores the patched redirect URIs and scopes as jsonb lists and
// validates the patched client.
func (p OAuthClientPatch) finish(_ OAuthClient, next *OAuthClient) error {
	if p.RedirectURIs != nil {
		next.RedirectURIs = StringListJSON(trimmedList(p.RedirectURIs))
	}
	if p.Scopes != nil {
		next.Scopes = StringListJSON(trimmedList(p.Scopes))
	}
	return next.Validate()
}
