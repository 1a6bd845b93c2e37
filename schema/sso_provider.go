package schema

import "github.com/beep/iam/domain"

// SSOProvider is iam_sso_provider, an OIDC or SAML identity provider of a
// user or an organization.
var SSOProvider = NewOrgTable(domain.TableSSOProvider,
	Field(ColOrganizationID, "organizationId"),
	Text("issuer").Required().BA("issuer"),
	Text("oidc_config").BA("oidcConfig").Describe("JSON text written by Better Auth"),
	Text("saml_config").BA("samlConfig").Describe("JSON text written by Better Auth"),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).BA("userId"),
	Text("provider_id").Required().UniqueKey().BA("providerId"),
	Text("domain").Required().BA("domain"),
	Bool("domain_verified").BA("domainVerified"),

	Idx("sso_provider_user_id_idx", "user_id"),
	Idx("sso_provider_domain_idx", "domain"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().Model("ssoProvider").Describe("SSO identity providers (Better Auth ssoProvider).")
