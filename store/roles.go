package store

import (
	"context"
	"slices"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
)

// Roles of members and invitations. The domain checks their form; whether a
// custom role (a name other than owner, admin, member) belongs to the
// organization only the database knows, so every write of a role to
// iam_member or iam_invitation checks its custom names against the
// organization's live iam_organization_role rows in the transaction of the
// write, and locks those rows FOR SHARE until it commits: a concurrent delete
// or rename of the role waits, and then finds the member that holds it.
// Callers never supply the list of roles that are allowed. MemberRepo's
// and InvitationRepo's Create and Update (member.go, invitation.go) run
// their writes through withRoles.

// withRoles runs write after checking that every name in custom is a live
// custom role of the organization, both in one transaction: db's when it is
// one, a new one otherwise. heldBy, when not "", is the id of the row being
// updated in entity: roles it already holds are not refused.
func (o *Org) withRoles(ctx context.Context, db DB, entity string, custom []string, heldBy string, write func(DB) error) error {
	if len(custom) == 0 {
		return write(db)
	}
	run := func(db DB) error {
		if err := o.checkRoles(ctx, db, entity, custom, heldBy); err != nil {
			return err
		}
		return write(db)
	}
	if _, single := db.(orgDB); single {
		return o.InTx(ctx, func(tx *OrgTx) error { return run(tx.tx) })
	}
	return run(db)
}

// checkRoles refuses the custom role names that are not live roles of the
// organization (a *domain.ValidationError for field role naming each), and
// locks the ones that are FOR SHARE until the transaction ends. db must be a
// transaction with app.current_org_id set.
func (o *Org) checkRoles(ctx context.Context, db DB, entity string, custom []string, heldBy string) error {
	rows, err := db.Query(ctx, `SELECT role FROM `+domain.TableOrganizationRole+`
		WHERE organization_id = $1 AND role = ANY($2) AND deleted_at IS NULL
		ORDER BY role FOR SHARE`, o.id, custom)
	if err != nil {
		return wrap(err, domain.TableOrganizationRole, "check roles", "")
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return wrap(err, domain.TableOrganizationRole, "check roles", "")
	}
	var missing []string
	for _, name := range custom {
		if !slices.Contains(found, name) {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 && heldBy != "" {
		var held *string
		err := db.QueryRow(ctx, "SELECT role FROM "+pgx.Identifier{entity}.Sanitize()+
			" WHERE id = $1 AND organization_id = $2 AND deleted_at IS NULL", heldBy, o.id).Scan(&held)
		if err != nil && err != pgx.ErrNoRows { // a missing row is the update's ErrNotFound
			return wrap(err, entity, "check roles", heldBy)
		}
		if held != nil {
			stored := domain.Roles(*held)
			missing = slices.DeleteFunc(missing, stored.Has)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return unknownRoles(entity, missing)
}

// unknownRoles is the validation error for role names that are not roles of
// the organization.
func unknownRoles(entity string, names []string) error {
	v := domain.NewValidator(entity)
	for _, name := range names {
		v.Add("role", "role", "role: %q is not a role of this organization", truncateName(name))
	}
	return v.Err()
}

// truncateName shortens a role name for an error message (the domain bounds
// role names to 64 characters; this is a second guard).
func truncateName(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
