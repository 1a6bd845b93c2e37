package domain

// OrganizationRoleID is the public id of an OrganizationRole.
type OrganizationRoleID = ID[OrganizationRole]

// OrganizationRole is a custom role of one organization with its permission
// statement (iam_organization_role, OrgTable; Better Auth's dynamic access
// control).
type OrganizationRole struct {
	Audit[OrganizationRole]
	OrganizationID OrganizationID `db:"organization_id" json:"organizationId"`
	Role           string         `db:"role" json:"role"`
	// Permission is JSON as text: {"resource": ["action", ...]}.
	Permission string `db:"permission" json:"permission"`
}

// TableName implements Entity.
func (OrganizationRole) TableName() string { return TableOrganizationRole }
