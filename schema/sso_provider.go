package schema

import "github.com/beep/iam/domain"

// SSOProvider is iam_sso_provider, an OIDC or SAML identity provider of a
// user or an organization.
var SSOProvider = NewOrgTable(domain.TableSSOProvider,
	Field(ColOrganizationID, "organizationId"),
	Text("issuer").Required().BA("issuer").Input().Norm(NormTrim),
	Text("oidc_config").BA("oidcConfig").Describe("JSON text written by Better Auth").
		GoComment("JSON as text").Input(),
	Text("saml_config").BA("samlConfig").Describe("JSON text written by Better Auth").
		GoComment("JSON as text").Input(),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").Param(),
	Text("provider_id").Required().UniqueKey().BA("providerId").Param(),
	Text("domain").Required().BA("domain").Param().PatchCustom(""),
	Bool("domain_verified").BA("domainVerified").Patch(),

	Idx("sso_provider_user_id_idx", "user_id"),
	Idx("sso_provider_domain_idx", "domain"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().Model("ssoProvider").Describe("SSO identity providers (Better Auth ssoProvider).").
	GoFinish().
	GoDoc("is an OIDC or SAML identity provider (iam_sso_provider, optional tenant). UserID is nullable as in the seed (the schema keeps the seed's nullability), but Better Auth always writes it and NewSSOProvider requires it.").
	GoInputDocs("is the input that creates an SSOProvider.", "lists what an update of an SSO provider may change.")
