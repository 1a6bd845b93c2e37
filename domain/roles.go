package domain

import (
	"fmt"
	"slices"
	"strings"
)

// Built-in role names. Organization members are owner, admin or member (or a
// custom role of their organization); users are admin or user (Better Auth's
// admin plugin).
const (
	RoleOwner  = "owner"
	RoleAdmin  = "admin"
	RoleMember = "member"
	RoleUser   = "user"
)

// OrganizationRoleValues lists the built-in organization roles.
var OrganizationRoleValues = []string{RoleOwner, RoleAdmin, RoleMember}

// UserRoleValues lists the built-in user roles.
var UserRoleValues = []string{RoleAdmin, RoleUser}

// maxRoleLength bounds one role name; Better Auth sets no limit, 64 is far
// above any real role and keeps error messages and indexes small.
const maxRoleLength = 64

// Roles is a comma-separated list of role names, the form Better Auth stores in
// member.role, user.role and invitation.role ("admin,member"). It is text in
// Postgres, not an enum, because custom roles of an organization must fit.
// Build it with ParseOrganizationRoles, ParseUserRoles or NewRoles.
type Roles string

// NewRoles joins role names without validating them.
func NewRoles(roles ...string) Roles { return Roles(strings.Join(roles, ",")) }

// List returns the role names in order.
func (r Roles) List() []string {
	if r == "" {
		return nil
	}
	parts := strings.Split(string(r), ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

// Has reports whether role is one of r's roles.
func (r Roles) Has(role string) bool { return slices.Contains(r.List(), role) }

// String returns the stored form.
func (r Roles) String() string { return string(r) }

// ParseRoles parses a comma-separated role list: every role must be one of
// builtin or custom, non-empty, at most 64 characters, and appear once. Spaces
// around commas are removed. The error names the offending role and the
// allowed values.
func ParseRoles(s string, builtin []string, custom []string) (Roles, error) {
	allowed := allowedRoles(builtin, custom)
	return parseRoles(s, allowed, func(p string) error {
		if !slices.Contains(builtin, p) && !slices.Contains(custom, p) {
			return fmt.Errorf("unknown role %q: must be one of %s", truncate(p, 40), allowed)
		}
		return nil
	})
}

// parseRoles splits s and checks the rules every role list shares (no empty
// entry, at most maxRoleLength characters each, no role twice), then check on
// each role.
func parseRoles(s, allowed string, check func(role string) error) (Roles, error) {
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("roles are empty: want one or more of %s", allowed)
	}
	parts := strings.Split(s, ",")
	seen := make([]string, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
			return "", fmt.Errorf("role %d is empty: roles are comma-separated names without empty entries", i+1)
		case len(p) > maxRoleLength:
			return "", fmt.Errorf("role %d is longer than %d characters", i+1, maxRoleLength)
		case slices.Contains(seen, p):
			return "", fmt.Errorf("role %q appears twice: each role may be listed once", truncate(p, 40))
		}
		if err := check(p); err != nil {
			return "", err
		}
		seen = append(seen, p)
	}
	return Roles(strings.Join(seen, ",")), nil
}

// ParseMemberRoles parses an organization member's roles against a list the
// caller holds: owner, admin, member, or one of customRoles. The store does
// not use it: what it writes to a member or an invitation is checked by form
// (ParseOrganizationRoles) and then against the organization's own
// iam_organization_role rows, in the transaction that writes it.
func ParseMemberRoles(s string, customRoles ...string) (Roles, error) {
	return ParseRoles(s, OrganizationRoleValues, customRoles)
}

// ParseOrganizationRoles parses the roles of a member or an invitation by
// form: comma-separated, each listed once, each a built-in role (owner,
// admin, member) or a well-formed custom role name (at most 64 characters,
// no spaces). It cannot know which custom roles the organization has: the
// store checks every custom name (Roles.Custom) against the organization's
// iam_organization_role rows inside the transaction that writes the role.
func ParseOrganizationRoles(s string) (Roles, error) {
	return parseRoles(s, strings.Join(OrganizationRoleValues, ", ")+" or a custom role of the organization", func(p string) error {
		if !slices.Contains(OrganizationRoleValues, p) && !validRoleName(p) {
			return fmt.Errorf("role %q is not a role name: a custom role is one name of at most %d characters without spaces", truncate(p, 40), maxRoleLength)
		}
		return nil
	})
}

// validRoleName reports whether name can be a custom role of an
// organization: non-empty, at most maxRoleLength bytes, no comma (the list
// separator) and no white space. OrganizationRole.Validate applies the same
// rule, so every role that can be created can be assigned.
func validRoleName(name string) bool {
	return name != "" && len(name) <= maxRoleLength && !strings.ContainsAny(name, ", \t\r\n")
}

// Custom returns the roles of r that are not built-in organization roles
// (owner, admin, member), in order: the names that must be custom roles of
// the member's or the invitation's organization.
func (r Roles) Custom() []string {
	var out []string
	for _, p := range r.List() {
		if !slices.Contains(OrganizationRoleValues, p) {
			out = append(out, p)
		}
	}
	return out
}

// ParseUserRoles parses a user's roles: admin and/or user.
func ParseUserRoles(s string) (Roles, error) {
	return ParseRoles(s, UserRoleValues, nil)
}

func allowedRoles(builtin, custom []string) string {
	all := append(slices.Clone(builtin), custom...)
	if len(all) > 12 {
		return strings.Join(all[:12], ", ") + ", …"
	}
	return strings.Join(all, ", ")
}

// canonical returns r with spaces around the commas removed (the stored form).
func (r Roles) canonical() Roles { return NewRoles(r.List()...) }

func canonRolesPtr(r *Roles) *Roles {
	if r == nil {
		return nil
	}
	c := r.canonical()
	return &c
}
