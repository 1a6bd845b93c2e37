package domain

import (
	"slices"
	"strings"
)

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

// finish stores the redirect URLs comma-separated and validates the patched
// application.
func (p OAuthApplicationPatch) finish(_ OAuthApplication, next *OAuthApplication) error {
	if p.RedirectURLs != nil {
		next.RedirectURLs = ptr(strings.Join(p.RedirectURLs, ","))
	}
	return next.Validate()
}
