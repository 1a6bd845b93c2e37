package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetByRole returns the custom role named role.
func (r OrganizationRoleRepo) GetByRole(ctx context.Context, role string) (domain.OrganizationRole, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "role = $1", role, role)
}
