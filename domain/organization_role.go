package domain

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
)

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

// Validate checks every rule of an organization role row: the role name is a
// single role (no commas or spaces), not a built-in name, and the permission is
// a JSON object mapping resources to lists of actions.
func (o OrganizationRole) Validate() error {
	v := NewValidator(TableOrganizationRole)
	v.requiredID("organizationId", o.OrganizationID)
	switch {
	case strings.TrimSpace(o.Role) == "":
		v.Add("role", "required", "role is required")
	case !validRoleName(o.Role):
		v.Add("role", "role_name", "role must be one name of at most %d characters without commas or spaces", maxRoleLength)
	case slices.Contains(OrganizationRoleValues, o.Role):
		v.Add("role", "builtin", "role must not be a built-in role (%s)", strings.Join(OrganizationRoleValues, ", "))
	}
	var perm map[string][]string
	if o.Permission == "" {
		v.Add("permission", "required", "permission is required")
	} else if err := json.Unmarshal([]byte(o.Permission), &perm); err != nil || perm == nil {
		v.Add("permission", "permission", `permission must be a JSON object like {"resource": ["action"]}`)
	}
	return v.Err()
}

// OrganizationRoleParams is the input that creates an OrganizationRole.
type OrganizationRoleParams struct {
	OrganizationID OrganizationID `json:"organizationId"`
	Role           string         `json:"role"`
	Permission     string         `json:"permission"`
}

// NewOrganizationRole validates p and returns a new custom role.
func NewOrganizationRole(p OrganizationRoleParams) (OrganizationRole, error) {
	o := OrganizationRole{Audit: NewAudit[OrganizationRole](), OrganizationID: p.OrganizationID,
		Role: strings.TrimSpace(p.Role), Permission: p.Permission}
	if err := o.Validate(); err != nil {
		return OrganizationRole{}, err
	}
	return o, nil
}

// DecodeOrganizationRoleParams decodes and validates a JSON
// OrganizationRoleParams.
func DecodeOrganizationRoleParams(r io.Reader) (OrganizationRoleParams, error) {
	return decodeParams(TableOrganizationRole, r, NewOrganizationRole)
}

// OrganizationRolePatch lists what an update of a custom role may change.
type OrganizationRolePatch struct {
	Role       *string `json:"role"`
	Permission *string `json:"permission"`
}

// Apply applies the patch to o when the result is valid; on error o is
// unchanged.
func (p OrganizationRolePatch) Apply(o *OrganizationRole) error {
	next := *o
	set(&next.Role, trimPtr(p.Role))
	set(&next.Permission, p.Permission)
	if err := next.Validate(); err != nil {
		return err
	}
	*o = next
	return nil
}
