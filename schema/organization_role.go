package schema

import "github.com/beep/iam/domain"

// OrganizationRole is iam_organization_role, a custom role of an organization
// (Better Auth dynamic access control).
var OrganizationRole = NewOrgTable(domain.TableOrganizationRole,
	Field(ColOrganizationID, "organizationId"), Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("role").Required().BA("role").Input().Norm(NormTrim),
	Text("permission").Required().BA("permission").Describe("JSON text {resource: [actions]} written by Better Auth").
		GoComment("Permission is JSON as text: {\"resource\": [\"action\", ...]}.").Input(),

	UniqueIdx("organization_role_org_role_unique_idx", ColOrganizationID, "role"),
	Idx("organization_role_role_idx", "role"),

	One("organization", domain.TableOrganization, ColOrganizationID),
).Model("organizationRole").GoPlural("Roles").Describe("Custom roles of an organization (Better Auth organizationRole).").
	GoDoc("is a custom role of one organization with its permission statement (iam_organization_role, OrgTable; Better Auth's dynamic access control).").
	GoInputDocs("is the input that creates an OrganizationRole.", "lists what an update of a custom role may change.")
