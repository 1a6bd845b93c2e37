package migrate_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
)

// TestDraft_TakesTheMigratedDatabaseToTheDeclarationsAndBack: change the
// declarations (two columns, one of them NOT NULL without a default, an
// index, a check, a changed check, a policy), draft the next migration from the Check of a
// database that went through every migration, apply its up file: the
// database checks clean against the new declarations; apply its down file:
// clean against the old ones.
func TestDraft_TakesTheMigratedDatabaseToTheDeclarationsAndBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := pgtest.NewConn(t)

	next := schema.IAM().Clone()
	user := next.Table(domain.TableUser)
	user.Add(
		schema.Text("nickname"),
		schema.Int("login_count").Required(),
		schema.Idx("user_nickname_idx", "nickname"),
		schema.Chk("user_login_count_check", "(login_count >= 0)"),
	)
	for _, c := range user.Checks {
		if c.Name == "shared_user_version_check" {
			c.Expr = "version >= 0" // a changed check: the down file must drop before it adds back
		}
	}
	org := next.Table(domain.TableOrganization)
	org.Add(schema.ExtraPolicy("organization_draft", "SELECT", "(name <> ''::text)", ""))

	r, err := migrate.Check(ctx, conn, next)
	require.NoError(t, err)
	require.False(t, r.OK())
	up, down := migrate.Draft(next, r)
	require.Contains(t, up, "ALTER TABLE shared_user ADD COLUMN nickname text;")
	require.Contains(t, up, "-- REVIEW: backfill shared_user.login_count")
	require.Contains(t, down, "DROP COLUMN login_count; -- DROPS DATA")

	_, err = conn.Exec(ctx, "BEGIN;\n"+up+"COMMIT;")
	require.NoError(t, err, "up:\n%s", up)
	r, err = migrate.Check(ctx, conn, next)
	require.NoError(t, err)
	require.True(t, r.OK(), "after the drafted up: %v\n%s", r.Drifts, up)

	_, err = conn.Exec(ctx, "BEGIN;\n"+down+"COMMIT;")
	require.NoError(t, err, "down:\n%s", down)
	r, err = migrate.Check(ctx, conn, schema.IAM())
	require.NoError(t, err)
	require.True(t, r.OK(), "after the drafted down: %v\n%s", r.Drifts, down)
}

// TestDraft_NothingToDoOnAFreshDatabase: the declarations and the
// migrations agree, so the draft is empty.
func TestDraft_NothingToDoOnAFreshDatabase(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	r, err := migrate.Check(context.Background(), conn, schema.IAM())
	require.NoError(t, err)
	up, down := migrate.Draft(schema.IAM(), r)
	require.Empty(t, up)
	require.Empty(t, down)
}
