package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetBySlug returns the live organization with slug.
func (r OrganizationRepo) GetBySlug(ctx context.Context, slug string) (domain.Organization, error) {
	return r.t.getBy(ctx, r.db, "", "slug = $1", slug, slug)
}

// List returns one page of live organizations in creation order.
func (r OrganizationRepo) List(ctx context.Context, page Page) ([]domain.Organization, string, error) {
	return r.t.list(ctx, r.db, "", page, "")
}

// ListByIDs returns the live organizations with the given ids, in creation
// order (ids with no live organization are left out).
func (r OrganizationRepo) ListByIDs(ctx context.Context, ids []domain.OrganizationID) ([]domain.Organization, error) {
	strs := make([]string, len(ids))
	for i, id := range ids {
		strs[i] = id.String()
	}
	rows, err := scanAll[domain.Organization](r.db.Query(ctx, r.t.selectSQL+" WHERE id = ANY($1) AND deleted_at IS NULL ORDER BY _row_id", strs))
	return rows, wrap(err, r.t.name, "list", "")
}
