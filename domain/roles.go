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
// Build it with ParseMemberRoles, ParseUserRoles or NewRoles.
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
	if strings.TrimSpace(s) == "" {
		return "", fmt.Errorf("roles are empty: want one or more of %s", allowedRoles(builtin, custom))
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
		case !slices.Contains(builtin, p) && !slices.Contains(custom, p):
			return "", fmt.Errorf("unknown role %q: must be one of %s", truncate(p, 40), allowedRoles(builtin, custom))
		}
		seen = append(seen, p)
	}
	return Roles(strings.Join(seen, ",")), nil
}

// ParseMemberRoles parses an organization member's roles: owner, admin,
// member, or one of customRoles, the names of the organization's
// OrganizationRole rows that the caller loaded.
func ParseMemberRoles(s string, customRoles ...string) (Roles, error) {
	return ParseRoles(s, OrganizationRoleValues, customRoles)
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
