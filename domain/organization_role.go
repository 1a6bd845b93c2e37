package domain

import (
	"encoding/json"
	"slices"
	"strings"
)

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

// NewOrganizationRole validates p and returns a new custom role.
func NewOrganizationRole(p OrganizationRoleParams) (OrganizationRole, error) {
	o := OrganizationRole{Audit: NewAudit[OrganizationRole](), OrganizationID: p.OrganizationID,
		Role: strings.TrimSpace(p.Role), Permission: p.Permission}
	if err := o.Validate(); err != nil {
		return OrganizationRole{}, err
	}
	return o, nil
}
