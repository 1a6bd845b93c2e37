package schema

import "github.com/beep/iam/domain"

// SCIMProvider is iam_scim_provider, a SCIM provisioning endpoint (Better
// Auth scim ≤ 1.6 shape).
var SCIMProvider = NewOrgTable(domain.TableSCIMProvider,
	Field(ColOrganizationID, "organizationId"),
	Text("provider_id").Required().UniqueKey().BA("providerId"),
	Text("scim_token").Required().UniqueKey().BA("scimToken").Describe("base token: plain, hashed or encrypted per Better Auth's storage option"),
	Text("user_id").References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),

	Idx("scim_provider_user_id_idx", "user_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().Model("scimProvider").Describe("SCIM providers (Better Auth scimProvider, 1.6 shape).")
