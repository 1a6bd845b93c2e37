package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// Repo is the CRUD every global entity has. Get the typed repositories from
// a *Store (each call its own statement) or a *Tx (inside the transaction).
type Repo[E domain.Entity] struct {
	s  *Store
	db DB
	t  *table[E]
}

// Create inserts e, built by the domain's New<Entity> constructor, and
// returns the stored row (with database defaults filled in). The acting user
// of ctx is recorded in created_by and updated_by.
func (r Repo[E]) Create(ctx context.Context, e E) (E, error) {
	return r.t.create(ctx, r.s, r.db, "", e)
}

// Get returns the live row with id; ErrNotFound when there is none or it is
// soft-deleted.
func (r Repo[E]) Get(ctx context.Context, id domain.ID[E]) (E, error) {
	return r.t.get(ctx, r.db, "", id.String())
}

// Update writes e's mutable columns if the row still has e's version
// (optimistic locking): ErrConflict when someone else changed it first. The
// database bumps version and updated_at.
func (r Repo[E]) Update(ctx context.Context, e E) (E, error) {
	return r.t.update(ctx, r.s, r.db, "", e)
}

// Delete soft-deletes the row (deleted_at, deleted_by).
func (r Repo[E]) Delete(ctx context.Context, id domain.ID[E]) error {
	return r.t.softDelete(ctx, r.s, r.db, "", id.String())
}

// Restore undoes a soft delete.
func (r Repo[E]) Restore(ctx context.Context, id domain.ID[E]) (E, error) {
	return r.t.restore(ctx, r.s, r.db, "", id.String())
}

// Purge removes a soft-deleted row for good.
func (r Repo[E]) Purge(ctx context.Context, id domain.ID[E]) error {
	return r.t.purge(ctx, r.db, "", id.String())
}

// OrgRepo is the CRUD of an organization-scoped entity, bound to one
// organization: every statement includes organization_id = the handle's id,
// and runs with app.current_org_id set for row-level security. A row of
// another organization is ErrNotFound for every method.
type OrgRepo[E domain.Entity] struct {
	o  *Org
	db DB
	t  *table[E]
}

// Create inserts e into the bound organization (its organization_id is set
// to the handle's, whatever e carried).
func (r OrgRepo[E]) Create(ctx context.Context, e E) (E, error) {
	return r.t.create(ctx, r.o.s, r.db, r.o.id, e)
}

// Get returns the live row with id in the bound organization.
func (r OrgRepo[E]) Get(ctx context.Context, id domain.ID[E]) (E, error) {
	return r.t.get(ctx, r.db, r.o.id, id.String())
}

// Update writes e's mutable columns with optimistic locking (ErrConflict
// when the version moved).
func (r OrgRepo[E]) Update(ctx context.Context, e E) (E, error) {
	return r.t.update(ctx, r.o.s, r.db, r.o.id, e)
}

// Delete soft-deletes the row.
func (r OrgRepo[E]) Delete(ctx context.Context, id domain.ID[E]) error {
	return r.t.softDelete(ctx, r.o.s, r.db, r.o.id, id.String())
}

// Restore undoes a soft delete.
func (r OrgRepo[E]) Restore(ctx context.Context, id domain.ID[E]) (E, error) {
	return r.t.restore(ctx, r.o.s, r.db, r.o.id, id.String())
}

// Purge removes a soft-deleted row for good.
func (r OrgRepo[E]) Purge(ctx context.Context, id domain.ID[E]) error {
	return r.t.purge(ctx, r.db, r.o.id, id.String())
}

// List returns one page of the organization's live rows in insertion order.
func (r OrgRepo[E]) List(ctx context.Context, page Page) ([]E, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "")
}
