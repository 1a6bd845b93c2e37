package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// GetBySlug returns the team with slug (unique per organization).
func (r TeamRepo) GetBySlug(ctx context.Context, slug string) (domain.Team, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "slug = $1", slug, slug)
}
