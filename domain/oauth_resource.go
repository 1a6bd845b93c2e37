package domain

import "strings"

// Validate checks every rule of a resource row and reports all failures.
func (r OAuthResource) Validate() error {
	v := NewValidator(TableOAuthResource)
	v.text("identifier", r.Identifier, 1, MaxURLLength)
	if strings.TrimSpace(r.Identifier) != "" {
		if err := validateAbsoluteURL(r.Identifier); err != nil {
			v.Add("identifier", "url", "identifier %s", err)
		}
	}
	v.text("name", r.Name, 1, MaxNameLength)
	v.optPositive("accessTokenTtl", r.AccessTokenTTL)
	v.optPositive("refreshTokenTtl", r.RefreshTokenTTL)
	v.optText("signingAlgorithm", r.SigningAlgorithm, 16)
	v.optText("signingKeyId", r.SigningKeyID, MaxNameLength)
	v.scopeList("allowedScopes", r.AllowedScopes, false)
	v.jsonRaw("customClaims", r.CustomClaims)
	v.optPositive("policyVersion", r.PolicyVersion)
	v.jsonRaw("metadata", r.Metadata)
	return v.Err()
}

// NewOAuthResource validates p and returns a new, enabled resource at policy
// version 1.
func NewOAuthResource(p OAuthResourceParams) (OAuthResource, error) {
	r := OAuthResource{Audit: NewAudit[OAuthResource](), Identifier: strings.TrimSpace(p.Identifier), Name: strings.TrimSpace(p.Name),
		AccessTokenTTL: p.AccessTokenTTL, RefreshTokenTTL: p.RefreshTokenTTL, AllowedScopes: StringListJSON(trimmedList(p.AllowedScopes)),
		CustomClaims: nullRaw(p.CustomClaims), DPoPBoundAccessTokensRequired: ptr(false), Disabled: ptr(false),
		PolicyVersion: ptr(int32(1)), Metadata: nullRaw(p.Metadata)}
	if err := r.Validate(); err != nil {
		return OAuthResource{}, err
	}
	return r, nil
}

// Validate checks every rule of a client-resource row and reports all failures.
func (c OAuthClientResource) Validate() error {
	v := NewValidator(TableOAuthClientResource)
	v.text("clientId", c.ClientID, 1, MaxNameLength)
	v.text("resourceId", c.ResourceID, 1, MaxURLLength)
	v.jsonRaw("metadata", c.Metadata)
	return v.Err()
}

// NewOAuthClientResource validates p and returns a new link.
func NewOAuthClientResource(p OAuthClientResourceParams) (OAuthClientResource, error) {
	c := OAuthClientResource{Audit: NewAudit[OAuthClientResource](), OrganizationID: p.OrganizationID,
		ClientID: strings.TrimSpace(p.ClientID), ResourceID: strings.TrimSpace(p.ResourceID), Metadata: nullRaw(p.Metadata)}
	if err := c.Validate(); err != nil {
		return OAuthClientResource{}, err
	}
	return c, nil
}

// finish stores the patched allowed scopes as a jsonb list and validates
// the patched resource.
func (p OAuthResourcePatch) finish(_ OAuthResource, next *OAuthResource) error {
	if p.AllowedScopes != nil {
		next.AllowedScopes = StringListJSON(trimmedList(p.AllowedScopes))
	}
	return next.Validate()
}
