package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// rolesFixture: organizations A and B, each with its owner; A has the custom
// role "auditor", B the custom role "b-only".
type rolesFixture struct {
	s        *store.Store
	url      string
	a, b     *store.Org
	ownerA   domain.User
	auditor  domain.OrganizationRole
	bOnly    domain.OrganizationRole
	inviteeA domain.User
}

func newRolesFixture(t *testing.T) rolesFixture {
	t.Helper()
	ctx := context.Background()
	s, url := openStore(t)
	fx := rolesFixture{s: s, url: url, ownerA: newUser(t, s, "owner-a"), inviteeA: newUser(t, s, "invitee-a")}
	orgA, _ := newOrg(t, s, fx.ownerA, "roles-a")
	orgB, _ := newOrg(t, s, newUser(t, s, "owner-b"), "roles-b")
	fx.a, fx.b = s.Org(orgA.ID), s.Org(orgB.ID)
	mk := func(o *store.Org, name string) domain.OrganizationRole {
		r, err := domain.NewOrganizationRole(domain.OrganizationRoleParams{OrganizationID: o.ID(), Role: name, Permission: `{"member":["read"]}`})
		require.NoError(t, err)
		r, err = o.Roles().Create(ctx, r)
		require.NoError(t, err)
		return r
	}
	fx.auditor = mk(fx.a, "auditor")
	fx.bOnly = mk(fx.b, "b-only")
	return fx
}

// count counts every row of table in org, soft-deleted ones included, as the
// superuser (no RLS).
func (fx rolesFixture) count(t *testing.T, table string, org *store.Org) int {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, fx.url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var n int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+pgx.Identifier{table}.Sanitize()+" WHERE organization_id = $1", org.ID().String()).Scan(&n))
	return n
}

func (fx rolesFixture) invitation(role string) domain.InvitationParams {
	r := domain.Roles(role)
	return domain.InvitationParams{Email: fx.inviteeA.Email, Role: &r, ExpiresAt: time.Now().Add(time.Hour), InviterID: fx.ownerA.ID}
}

func (fx rolesFixture) member(t *testing.T, o *store.Org, role string) domain.Member {
	t.Helper()
	r := domain.Roles(role)
	m, err := domain.NewMember(domain.MemberParams{OrganizationID: o.ID(), UserID: newUser(t, fx.s, "m").ID, Role: &r})
	require.NoError(t, err)
	return m
}

// requireNotARole checks the error for a role that is not one of the
// organization's: a validation error naming field and rule, and the role.
func requireNotARole(t *testing.T, err error, entity, role string) {
	t.Helper()
	require.ErrorIs(t, err, domain.ErrValidation)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, entity, ve.Entity)
	require.True(t, ve.Has("role", "role"), "%v", err)
	require.Contains(t, err.Error(), `role: "`+role+`" is not a role of this organization`)
}

func TestRoles_InvitationWithACustomRoleIsAcceptedWithThatRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newRolesFixture(t)
	inv, err := fx.a.Invite(ctx, fx.invitation("admin, auditor"))
	require.NoError(t, err)
	require.Equal(t, domain.Roles("admin,auditor"), *inv.Role)

	m, err := fx.a.AcceptInvitation(ctx, inv.ID, fx.inviteeA.ID)
	require.NoError(t, err)
	require.Equal(t, domain.Roles("admin,auditor"), m.Role)
	stored, err := fx.a.Members().GetByUser(ctx, fx.inviteeA.ID)
	require.NoError(t, err)
	require.Equal(t, domain.Roles("admin,auditor"), stored.Role)
	require.True(t, stored.Role.Has("auditor"))
}

func TestRoles_UnknownCustomRoleIsRefusedAndNothingIsWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newRolesFixture(t)
	members, invitations := fx.count(t, domain.TableMember, fx.a), fx.count(t, domain.TableInvitation, fx.a)

	for _, role := range []string{"ghost", "admin,ghost", "b-only"} { // b-only is B's role, not A's
		missing := role
		if role == "admin,ghost" {
			missing = "ghost"
		}
		t.Run(role, func(t *testing.T) {
			_, err := fx.a.Invite(ctx, fx.invitation(role))
			requireNotARole(t, err, domain.TableInvitation, missing)

			_, err = fx.a.Members().Create(ctx, fx.member(t, fx.a, role))
			requireNotARole(t, err, domain.TableMember, missing)

			err = fx.a.InTx(ctx, func(tx *store.OrgTx) error {
				_, err := tx.Members().Create(ctx, fx.member(t, fx.a, role))
				return err
			})
			requireNotARole(t, err, domain.TableMember, missing)

			owner, err := fx.a.Members().GetByUser(ctx, fx.ownerA.ID)
			require.NoError(t, err)
			_, err = fx.a.ChangeRole(ctx, owner.ID, "owner,"+role)
			requireNotARole(t, err, domain.TableMember, missing)
			after, err := fx.a.Members().GetByUser(ctx, fx.ownerA.ID)
			require.NoError(t, err)
			require.Equal(t, owner.Role, after.Role)
			require.Equal(t, owner.Version, after.Version, "the refused change wrote the member")

			owner.Role = domain.Roles("owner," + role)
			_, err = fx.a.Members().Update(ctx, owner)
			requireNotARole(t, err, domain.TableMember, missing)
		})
	}
	require.Equal(t, members, fx.count(t, domain.TableMember, fx.a), "a refused member was written")
	require.Equal(t, invitations, fx.count(t, domain.TableInvitation, fx.a), "a refused invitation was written")

	// B's own role works in B, and A's auditor does not.
	_, err := fx.b.Members().Create(ctx, fx.member(t, fx.b, "b-only"))
	require.NoError(t, err)
	_, err = fx.b.Members().Create(ctx, fx.member(t, fx.b, "auditor"))
	requireNotARole(t, err, domain.TableMember, "auditor")
}

func TestRoles_ChangeRoleToACustomRole(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newRolesFixture(t)
	m, err := fx.a.Members().Create(ctx, fx.member(t, fx.a, "member"))
	require.NoError(t, err)
	m, err = fx.a.ChangeRole(ctx, m.ID, "member, auditor")
	require.NoError(t, err)
	require.Equal(t, domain.Roles("member,auditor"), m.Role)

	_, err = fx.a.ChangeRole(ctx, m.ID, "member,,auditor")
	require.ErrorIs(t, err, domain.ErrValidation)
	require.ErrorContains(t, err, "role: role 2 is empty")
	_, err = fx.a.ChangeRole(ctx, m.ID, " ")
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.True(t, ve.Has("role", "required"), "%v", err)
}

func TestRoles_RoleDeletedBetweenInviteAndAcceptIsRefusedAtAccept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, how := range []string{"soft delete", "row deleted (as Better Auth does)"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			fx := newRolesFixture(t)
			inv, err := fx.a.Invite(ctx, fx.invitation("auditor"))
			require.NoError(t, err)
			require.NoError(t, fx.a.Roles().Delete(ctx, fx.auditor.ID))
			if how != "soft delete" {
				require.NoError(t, fx.a.Roles().Purge(ctx, fx.auditor.ID))
			}

			_, err = fx.a.AcceptInvitation(ctx, inv.ID, fx.inviteeA.ID)
			requireNotARole(t, err, domain.TableMember, "auditor")
			_, err = fx.a.Members().GetByUser(ctx, fx.inviteeA.ID)
			require.ErrorIs(t, err, store.ErrNotFound, "a member was written")
			got, err := fx.a.Invitations().Get(ctx, inv.ID)
			require.NoError(t, err)
			require.Equal(t, domain.InvitationStatusPending, got.Status, "the invitation changed")
		})
	}
}

func TestRoles_UpdateKeepsARoleTheRowAlreadyHolds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newRolesFixture(t)
	m, err := fx.a.Members().Create(ctx, fx.member(t, fx.a, "auditor"))
	require.NoError(t, err)
	inv, err := fx.a.Invite(ctx, fx.invitation("auditor"))
	require.NoError(t, err)
	require.NoError(t, fx.a.Roles().Delete(ctx, fx.auditor.ID))

	// Changing something else keeps working for rows that hold the deleted role.
	status := domain.MemberStatusInactive
	require.NoError(t, domain.MemberPatch{Status: &status}.Apply(&m))
	m, err = fx.a.Members().Update(ctx, m)
	require.NoError(t, err)
	require.Equal(t, domain.MemberStatusInactive, m.Status)
	later := time.Now().Add(2 * time.Hour)
	require.NoError(t, domain.InvitationPatch{ExpiresAt: &later}.Apply(&inv))
	_, err = fx.a.Invitations().Update(ctx, inv)
	require.NoError(t, err)

	// Assigning it again, or to another row, does not.
	_, err = fx.a.ChangeRole(ctx, m.ID, "auditor")
	requireNotARole(t, err, domain.TableMember, "auditor")
	other, err := fx.a.Members().Create(ctx, fx.member(t, fx.a, "member"))
	require.NoError(t, err)
	other.Role = "auditor"
	_, err = fx.a.Members().Update(ctx, other)
	requireNotARole(t, err, domain.TableMember, "auditor")
}

// TestRoles_CheckedRoleIsLockedUntilTheWriteCommits: while a transaction
// that wrote a member with a custom role is open, the role row cannot be
// deleted or renamed (FOR SHARE), so no commit can leave a member with a role
// deleted in between.
func TestRoles_CheckedRoleIsLockedUntilTheWriteCommits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	fx := newRolesFixture(t)
	err := fx.a.InTx(ctx, func(tx *store.OrgTx) error {
		if _, err := tx.Members().Create(ctx, fx.member(t, fx.a, "auditor")); err != nil {
			return err
		}
		other, err := fx.s.Pool().Begin(ctx)
		require.NoError(t, err)
		defer func() { _ = other.Rollback(ctx) }()
		_, err = other.Exec(ctx, "SELECT set_config('app.current_org_id', $1, true)", fx.a.ID().String())
		require.NoError(t, err)
		_, err = other.Exec(ctx, "SELECT 1 FROM iam_organization_role WHERE id = $1 FOR UPDATE NOWAIT", fx.auditor.ID.String())
		var pgErr *pgconn.PgError
		require.ErrorAs(t, err, &pgErr)
		require.Equal(t, pgerrcode.LockNotAvailable, pgErr.Code, "the role row is not locked by the member's transaction")
		return nil
	})
	require.NoError(t, err)
}
