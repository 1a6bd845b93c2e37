package schema

import "github.com/beep/iam/domain"

// OrganizationRole is iam_organization_role, a custom role of an organization
// (Better Auth dynamic access control).
var OrganizationRole = NewOrgTable(domain.TableOrganizationRole,
	Field(ColOrganizationID, "organizationId"), Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("role").Required().BA("role"),
	Text("permission").Required().BA("permission").Describe("JSON text {resource: [actions]} written by Better Auth"),

	UniqueIdx("organization_role_org_role_unique_idx", ColOrganizationID, "role"),
	Idx("organization_role_role_idx", "role"),

	One("organization", domain.TableOrganization, ColOrganizationID),
).Model("organizationRole").GoPlural("Roles").Describe("Custom roles of an organization (Better Auth organizationRole).")
