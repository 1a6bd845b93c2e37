package schema

import "github.com/beep/iam/domain"

// SCIMProvider is iam_scim_provider, a SCIM provisioning endpoint (Better
// Auth scim ≤ 1.6 shape).
var SCIMProvider = NewOrgTable(domain.TableSCIMProvider,
	Field(ColOrganizationID, "organizationId"),
	Text("provider_id").Required().UniqueKey().BA("providerId").Param(),
	Text("scim_token").Required().UniqueKey().BA("scimToken").Describe("base token: plain, hashed or encrypted per Better Auth's storage option").
		Secret().Input(),
	Text("user_id").References(domain.TableUser, ColID, Cascade, Cascade).BA("userId").
		GoComment("only with providerOwnership").Param(),

	Idx("scim_provider_user_id_idx", "user_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().Model("scimProvider").Describe("SCIM providers (Better Auth scimProvider, 1.6 shape).").
	GoDoc("is a SCIM provisioning endpoint (iam_scim_provider, optional tenant; the @better-auth/scim ≤ 1.6 shape). The SCIM token is a bearer secret left out of JSON.").
	GoInputDocs("is the input that creates a SCIMProvider. SCIMToken is the stored form of the base token (plain, hashed or encrypted, as the scim plugin is configured).", "lists what an update of a SCIM provider may change: its token (rotation).")
