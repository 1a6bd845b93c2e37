package store_test

import (
	"context"
	"testing"

	"github.com/beep/iam/store"
	"github.com/stretchr/testify/require"
)

// TestRLS_StoreRoleSeesNoTenantRowsWithoutOrg runs raw SQL on the store's own
// connection (role iam_app): without app.current_org_id no tenant row is
// visible or changeable; with it, only that organization's rows.
func TestRLS_StoreRoleSeesNoTenantRowsWithoutOrg(t *testing.T) {
	t.Parallel()
	fx := newTenantFixture(t)
	ctx := context.Background()
	pool := fx.s.Pool()

	var role string
	require.NoError(t, pool.QueryRow(ctx, "SELECT current_user").Scan(&role))
	if viaPgBouncer() {
		// Behind a transaction pooler the login itself is the
		// application role: a member of iam_app, no SET ROLE.
		var member bool
		require.NoError(t, pool.QueryRow(ctx, "SELECT pg_has_role(current_user, $1, 'MEMBER')", store.AppRole).Scan(&member))
		require.True(t, member, "the pooled login %s must be a member of %s", role, store.AppRole)
	} else {
		require.Equal(t, store.AppRole, role)
	}
	var bypass bool
	require.NoError(t, pool.QueryRow(ctx, "SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user").Scan(&bypass))
	require.False(t, bypass, "the store's role must not bypass RLS")

	var n int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM iam_member").Scan(&n))
	require.Zero(t, n, "members visible without a tenant")
	tag, err := pool.Exec(ctx, "UPDATE iam_member SET role = 'admin'")
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected(), "members changed without a tenant")
	tag, err = pool.Exec(ctx, "DELETE FROM iam_member")
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected(), "members deleted without a tenant")

	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "SELECT set_config('app.current_org_id', $1, true)", fx.orgA.ID.String())
	require.NoError(t, err)
	var orgs []string
	rows, err := tx.Query(ctx, "SELECT DISTINCT organization_id FROM iam_member")
	require.NoError(t, err)
	for rows.Next() {
		var o string
		require.NoError(t, rows.Scan(&o))
		orgs = append(orgs, o)
	}
	require.NoError(t, rows.Err())
	require.Equal(t, []string{fx.orgA.ID.String()}, orgs)

	// Writing a row into another organization is refused by WITH CHECK.
	_, err = tx.Exec(ctx, "UPDATE iam_member SET organization_id = $1", fx.orgB.ID.String())
	require.Error(t, err)
}
