package store

import (
	"context"
	"strings"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
)

// lockOwners locks every owner membership of the organization and returns
// their ids, so concurrent demotions and removals of owners serialize.
func (tx *OrgTx) lockOwners(ctx context.Context) (map[string]bool, error) {
	rows, err := tx.tx.Query(ctx, `SELECT id FROM `+domain.TableMember+` WHERE organization_id = $1 AND deleted_at IS NULL
		AND 'owner' = ANY(string_to_array(role, ',')) ORDER BY _row_id FOR UPDATE`, tx.o.id)
	if err != nil {
		return nil, wrap(err, domain.TableMember, "lock owners", "")
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, wrap(err, domain.TableMember, "lock owners", "")
	}
	out := make(map[string]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// parseRoles checks the form of a role list for ChangeRole.
func parseRoles(roles string) (domain.Roles, error) {
	r, err := domain.ParseOrganizationRoles(roles)
	if err != nil {
		rule := "role"
		if strings.TrimSpace(roles) == "" {
			rule = "required"
		}
		v := domain.NewValidator(domain.TableMember)
		v.Add("role", rule, "role: %s", err)
		return r, v.Err()
	}
	return r, nil
}

// ChangeRole sets a member's roles: "admin" or a comma-separated list such
// as "admin,auditor". Every role other than owner, admin and member must be
// a custom role of the organization, checked in the transaction (a
// *domain.ValidationError for field role otherwise, also for a malformed
// list). The last owner cannot be demoted (ErrConflict). It is
// OrgTx.ChangeRole in a transaction of its own.
func (o *Org) ChangeRole(ctx context.Context, id domain.MemberID, roles string) (domain.Member, error) {
	r, err := parseRoles(roles)
	if err != nil {
		return domain.Member{}, err
	}
	var out domain.Member
	err = o.InTx(ctx, func(tx *OrgTx) error {
		var err error
		out, err = tx.changeRole(ctx, id, r)
		return err
	})
	return out, err
}

// ChangeRole is Org.ChangeRole in the caller's transaction.
func (tx *OrgTx) ChangeRole(ctx context.Context, id domain.MemberID, roles string) (domain.Member, error) {
	r, err := parseRoles(roles)
	if err != nil {
		return domain.Member{}, err
	}
	return tx.changeRole(ctx, id, r)
}

func (tx *OrgTx) changeRole(ctx context.Context, id domain.MemberID, r domain.Roles) (domain.Member, error) {
	if err := tx.o.checkRoles(ctx, tx.tx, domain.TableMember, r.Custom(), ""); err != nil {
		return domain.Member{}, err
	}
	owners, err := tx.lockOwners(ctx)
	if err != nil {
		return domain.Member{}, err
	}
	m, err := tx.Members().Get(ctx, id)
	if err != nil {
		return domain.Member{}, err
	}
	if owners[m.ID.String()] && len(owners) == 1 && !r.Has("owner") {
		return domain.Member{}, conflict(domain.TableMember, "change role", id.String(), "the last owner of an organization cannot be demoted")
	}
	m.Role = r
	out, err := tMember.update(ctx, tx.o.s, tx.tx, tx.o.id, m) // roles checked above
	if err != nil {
		return domain.Member{}, err
	}
	return out, tx.o.s.step("change role: member updated")
}

// RemoveMember removes a membership and the user's team memberships in the
// organization. The rows are deleted, not soft-deleted: Better Auth, which
// reads the same tables, does not know deleted_at. The last owner cannot be
// removed (ErrConflict). It is OrgTx.RemoveMember in a transaction of its
// own.
func (o *Org) RemoveMember(ctx context.Context, id domain.MemberID) error {
	return o.InTx(ctx, func(tx *OrgTx) error { return tx.RemoveMember(ctx, id) })
}

// RemoveMember is Org.RemoveMember in the caller's transaction.
func (tx *OrgTx) RemoveMember(ctx context.Context, id domain.MemberID) error {
	owners, err := tx.lockOwners(ctx)
	if err != nil {
		return err
	}
	m, err := tx.Members().Get(ctx, id)
	if err != nil {
		return err
	}
	if owners[m.ID.String()] && len(owners) == 1 {
		return conflict(domain.TableMember, "remove", id.String(), "the last owner of an organization cannot be removed")
	}
	if _, err := tx.tx.Exec(ctx, "DELETE FROM "+domain.TableTeamMember+" WHERE organization_id = $1 AND user_id = $2", tx.o.id, m.UserID.String()); err != nil {
		return wrap(err, domain.TableTeamMember, "remove", "")
	}
	if err := tx.o.s.step("remove member: team memberships removed"); err != nil {
		return err
	}
	if _, err = tx.tx.Exec(ctx, "DELETE FROM "+domain.TableMember+" WHERE organization_id = $1 AND id = $2", tx.o.id, id.String()); err != nil {
		return wrap(err, domain.TableMember, "remove", id.String())
	}
	return tx.o.s.step("remove member: member removed")
}
