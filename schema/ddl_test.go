package schema_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
)

// The tests in this file run the rendered DDL (migration 0001, applied by
// pgtest) on a real PostgreSQL and check its behaviour: defaults, triggers,
// row level security and roles.

func TestMain(m *testing.M) { pgtest.Main(m) }

func pgCode(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code
	}
	return ""
}

type fixture struct {
	user, user2, orgA, orgB, teamA string
}

// seed inserts two users, two organizations and a team of the first, the
// way psql would: ids from the database default.
func seed(t *testing.T, conn *pgx.Conn) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	q := func(dst *string, sql string, args ...any) {
		t.Helper()
		require.NoError(t, conn.QueryRow(ctx, sql, args...).Scan(dst))
	}
	q(&f.user, `INSERT INTO shared_user (name, email) VALUES ('Ada', 'ada@example.com') RETURNING id`)
	q(&f.user2, `INSERT INTO shared_user (name, email) VALUES ('Bob', 'bob@example.com') RETURNING id`)
	q(&f.orgA, `INSERT INTO shared_organization (name, slug, owner_user_id) VALUES ('A', 'a', $1) RETURNING id`, f.user)
	q(&f.orgB, `INSERT INTO shared_organization (name, slug) VALUES ('B', 'b') RETURNING id`)
	q(&f.teamA, `INSERT INTO shared_team (organization_id, name) VALUES ($1, 'core') RETURNING id`, f.orgA)
	return f
}

func TestDDL_IDDefaultAndFormatCheck(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	f := seed(t, conn)
	_, err := domain.ParseID[domain.User](f.user)
	require.NoError(t, err, "the database default makes ids the domain accepts")

	id := domain.NewID[domain.User]().String()
	_, err = conn.Exec(ctx, `INSERT INTO shared_user (id, name, email) VALUES ($1, 'Go', 'go@example.com')`, id)
	require.NoError(t, err, "Go's UUIDv7 ids are accepted")

	_, err = conn.Exec(ctx, `INSERT INTO shared_user (id, name, email) VALUES ('abcdefghijklmnopqrstuvwxyz012345', 'BA', 'ba@example.com')`)
	require.Equal(t, pgerrcode.CheckViolation, pgCode(err), "a Better Auth default id is refused: %v", err)
	_, err = conn.Exec(ctx, `INSERT INTO shared_user (id, name, email) VALUES ($1, 'X', 'x@example.com')`,
		"iam_member__"+domain.NewID[domain.User]().UUID().String())
	require.Equal(t, pgerrcode.CheckViolation, pgCode(err), "an id of another table is refused")
}

func TestDDL_TouchTriggerKeepsUpdatedAtAndVersion(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	f := seed(t, conn)
	_, err := conn.Exec(ctx, `UPDATE shared_user SET created_at = '2000-01-01', updated_at = '2000-01-01' WHERE id = $1`, f.user)
	require.NoError(t, err)
	var version int
	var updatedAfterCreated bool
	require.NoError(t, conn.QueryRow(ctx, `UPDATE shared_user SET name = 'Ada L.', version = 42, updated_at = '1999-01-01'
		WHERE id = $1 AND version = 2 RETURNING version, updated_at > created_at`, f.user).Scan(&version, &updatedAfterCreated))
	require.Equal(t, 3, version, "version = OLD.version + 1 whatever the writer sets")
	require.True(t, updatedAfterCreated, "updated_at = now() whatever the writer sets")

	tag, err := conn.Exec(ctx, `UPDATE shared_user SET name = 'stale' WHERE id = $1 AND version = 2`, f.user)
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected(), "optimistic locking: a stale version matches nothing")
}

func TestDDL_TeamMemberOrganizationIsDerivedFromItsTeam(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	f := seed(t, conn)
	// Better Auth writes team_id and user_id only.
	var org string
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO iam_team_member (team_id, user_id) VALUES ($1, $2) RETURNING organization_id`,
		f.teamA, f.user).Scan(&org))
	require.Equal(t, f.orgA, org)

	_, err := conn.Exec(ctx, `INSERT INTO iam_team_member (organization_id, team_id, user_id) VALUES ($1, $2, $3)`, f.orgB, f.teamA, f.user2)
	require.Equal(t, pgerrcode.CheckViolation, pgCode(err), "another organization than the team's is refused: %v", err)

	_, err = conn.Exec(ctx, `INSERT INTO iam_team_member (team_id, user_id) VALUES ('shared_team__00000000-0000-0000-0000-000000000000', $1)`, f.user2)
	require.Equal(t, pgerrcode.ForeignKeyViolation, pgCode(err), "an unknown team is a foreign key violation: %v", err)
}

func TestDDL_APIKeyOwnerIsDerivedFromReferenceID(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	f := seed(t, conn)
	var user, org, ref *string
	// Better Auth: reference_id only.
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO iam_apikey (key, reference_id) VALUES ('h1', $1) RETURNING user_id, organization_id`,
		f.user).Scan(&user, &org))
	require.Equal(t, f.user, *user)
	require.Nil(t, org)
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO iam_apikey (key, reference_id) VALUES ('h2', $1) RETURNING user_id, organization_id`,
		f.orgA).Scan(&user, &org))
	require.Nil(t, user)
	require.Equal(t, f.orgA, *org)
	// Go: owner columns, no reference_id.
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO iam_apikey (key, organization_id, user_id) VALUES ('h3', $1, $2) RETURNING reference_id`,
		f.orgB, f.user2).Scan(&ref))
	require.Equal(t, f.orgB, *ref)

	var subOrg *string
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO iam_subscription (plan, reference_id) VALUES ('pro', $1) RETURNING organization_id`,
		f.orgA).Scan(&subOrg))
	require.Equal(t, f.orgA, *subOrg)
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO iam_subscription (plan, reference_id) VALUES ('pro', $1) RETURNING organization_id`,
		f.user).Scan(&subOrg))
	require.Nil(t, subOrg, "a user's subscription belongs to no organization")
}

func TestDDL_RowLevelSecurityIsolatesOrganizations(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	f := seed(t, conn)
	_, err := conn.Exec(ctx, `INSERT INTO iam_member (organization_id, user_id, role) VALUES ($1, $2, 'owner'), ($3, $4, 'owner')`,
		f.orgA, f.user, f.orgB, f.user2)
	require.NoError(t, err)
	_, err = conn.Exec(ctx, `INSERT INTO iam_apikey (key, reference_id) VALUES ('user-key', $1), ('org-b-key', $2)`, f.user, f.orgB)
	require.NoError(t, err)

	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SET LOCAL ROLE `+schema.AppRole)
	require.NoError(t, err)

	count := func(sql string) int {
		var n int
		require.NoError(t, tx.QueryRow(ctx, sql).Scan(&n))
		return n
	}
	require.Zero(t, count(`SELECT count(*) FROM iam_member`), "no organization set: no rows (fails closed)")

	_, err = tx.Exec(ctx, `SELECT set_config('app.current_org_id', $1, true)`, f.orgA)
	require.NoError(t, err)
	require.Equal(t, 1, count(`SELECT count(*) FROM iam_member`))
	require.Equal(t, 1, count(`SELECT count(*) FROM iam_member WHERE organization_id = '`+f.orgA+`'`))
	require.Zero(t, count(`SELECT count(*) FROM iam_apikey`), "optional tenant: neither the user's key (NULL organization) nor org B's is visible to org A")
	require.Equal(t, 1, count(`SELECT count(*) FROM shared_organization WHERE id = '`+f.orgB+`'`), "organizations are readable")
	require.Zero(t, count(`WITH d AS (DELETE FROM shared_organization WHERE id = '`+f.orgB+`' RETURNING 1) SELECT count(*) FROM d`), "org A cannot delete org B")
	require.Zero(t, count(`WITH u AS (UPDATE shared_organization SET name = 'x' WHERE id = '`+f.orgB+`' RETURNING 1) SELECT count(*) FROM u`), "org A cannot update org B")
	require.Equal(t, 1, count(`WITH u AS (UPDATE shared_organization SET name = 'A2' WHERE id = '`+f.orgA+`' RETURNING 1) SELECT count(*) FROM u`), "org A updates itself")
	_, err = tx.Exec(ctx, `SELECT set_config('app.current_org_id', '', true)`)
	require.NoError(t, err)
	require.Equal(t, 1, count(`SELECT count(*) FROM iam_apikey`), "no tenant (the global handle): the user's key is visible, org B's is not")
	_, err = tx.Exec(ctx, `SELECT set_config('app.current_org_id', $1, true)`, f.orgA)
	require.NoError(t, err)
	require.Equal(t, 1, count(`SELECT count(*) FROM shared_team`))

	_, err = tx.Exec(ctx, `SAVEPOINT s`)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `INSERT INTO iam_member (organization_id, user_id) VALUES ($1, $2)`, f.orgB, f.user)
	require.Equal(t, pgerrcode.InsufficientPrivilege, pgCode(err), "writing another organization's row is refused: %v", err)
	_, err = tx.Exec(ctx, `ROLLBACK TO SAVEPOINT s`)
	require.NoError(t, err)
	tag, err := tx.Exec(ctx, `UPDATE iam_member SET role = 'admin' WHERE organization_id = $1`, f.orgB)
	require.NoError(t, err)
	require.Zero(t, tag.RowsAffected(), "another organization's rows cannot be changed")
}

func TestDDL_RolesAreCreatedWithTheirPrivileges(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	for _, tc := range []struct {
		role   string
		bypass bool
	}{{schema.AppRole, false}, {schema.AuthRole, true}} {
		var login, bypass, canWrite bool
		require.NoError(t, conn.QueryRow(ctx, `SELECT rolcanlogin, rolbypassrls, has_table_privilege($1, 'iam_member', 'INSERT,UPDATE,DELETE,SELECT')
			FROM pg_roles WHERE rolname = $1`, tc.role).Scan(&login, &bypass, &canWrite))
		require.False(t, login, tc.role)
		require.Equal(t, tc.bypass, bypass, tc.role)
		require.True(t, canWrite, tc.role)
	}
	// Better Auth's role sees every organization.
	f := seed(t, conn)
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SET LOCAL ROLE `+schema.AuthRole)
	require.NoError(t, err)
	var teams int
	require.NoError(t, tx.QueryRow(ctx, `INSERT INTO iam_member (organization_id, user_id) VALUES ($1, $2) RETURNING (SELECT count(*) FROM shared_team)`,
		f.orgB, f.user).Scan(&teams))
	require.Equal(t, 1, teams)
}

func TestDDL_DownRemovesEverythingButRolesAndUpRestoresIt(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	m := migrate.Default()
	_, err := m.DownTo(ctx, conn, 0)
	require.NoError(t, err)

	var objects, roles int
	require.NoError(t, conn.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relname <> $1 AND c.relname NOT LIKE $1 || '%')
		+ (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema() AND t.typtype = 'e')
		+ (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema())`,
		migrate.DefaultTable).Scan(&objects))
	require.Zero(t, objects, "down leaves no table, index, sequence, enum or function behind")
	require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM pg_roles WHERE rolname IN ($1, $2)`, schema.AppRole, schema.AuthRole).Scan(&roles))
	require.Equal(t, 2, roles, "roles are cluster-wide and stay")

	_, err = m.Up(ctx, conn)
	require.NoError(t, err)
	r, err := migrate.Check(ctx, conn, schema.IAM(), migrate.WithMigrations(m))
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
}

// TestDDL_RoleCreationWithoutSuperuserIsANotice: a migrating role that may
// not create BYPASSRLS roles gets a NOTICE, not a failed migration.
func TestDDL_RoleCreationWithoutSuperuserIsANotice(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t, pgtest.Empty())
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer func() { _ = admin.Close(ctx) }()
	suffix := strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))[len("testddl_"):]
	migrator, bypass := "mig_"+suffix, "bypass_"+suffix
	_, err = admin.Exec(ctx, `CREATE ROLE `+migrator+` LOGIN CREATEROLE`)
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), `DROP ROLE IF EXISTS `+migrator) })

	s := schema.MustNew("roles", nil, schema.WithRoles(&schema.Role{Name: bypass, BypassRLS: true, Doc: "test"}))
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	cfg.User = migrator
	var notices []string
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { notices = append(notices, n.Message) }
	conn, err := pgx.ConnectConfig(ctx, cfg)
	require.NoError(t, err)
	defer func() { _ = conn.Close(ctx) }()

	_, err = conn.Exec(ctx, s.SQLUp(""))
	require.NoError(t, err, "the migration goes on")
	require.Len(t, notices, 1)
	require.Contains(t, notices[0], "not permitted to create role "+bypass)
	var exists bool
	require.NoError(t, admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)`, bypass).Scan(&exists))
	require.False(t, exists)
}

// TestDDL_BetterAuthMinimalInsertsSucceed writes one row into every Better
// Auth table the way Better Auth does at the least — only the fields it
// requires, no id, as its own role iam_auth — and expects the database to
// fill everything else (defaults, identity, triggers).
func TestDDL_BetterAuthMinimalInsertsSucceed(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	f := seed(t, conn)
	ba := loadBAFields(t)
	known := map[string]string{ // "table.column" -> a value that exists
		"shared_user.id": f.user, "shared_organization.id": f.orgA, "shared_team.id": f.teamA,
	}
	tx, err := conn.Begin(ctx)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback(ctx) }()
	_, err = tx.Exec(ctx, `SET LOCAL ROLE `+schema.AuthRole)
	require.NoError(t, err)

	for _, table := range schema.Tables() {
		if table.BetterAuthModel == "" {
			continue
		}
		fields := ba.Models[table.BetterAuthModel].Fields
		var cols, exprs []string
		var args []any
		for _, c := range table.Columns {
			if c.BetterAuth == nil || c.BetterAuth.Name == "id" || !fields[c.BetterAuth.Name].Required {
				continue
			}
			var v any
			switch {
			case c.Ref != nil:
				v = known[c.Ref.Table+"."+c.Ref.Column]
				require.NotEmpty(t, v, "%s.%s: no row of %s inserted before", table.Name, c.Name, c.Ref.Table)
			case c.Name == "reference_id":
				v = f.user
			case c.Enum != nil:
				v = c.Enum.Values[0]
			case c.Type == schema.TypeText:
				v = "x-" + table.Name + "-" + c.Name
			case c.Type == schema.TypeInteger || c.Type == schema.TypeBigInt:
				v = 1
			case c.Type == schema.TypeBoolean:
				v = false
			case c.Type == schema.TypeTimestamptz:
				v = time.Now().Add(24 * time.Hour)
			case c.Type == schema.TypeJSONB && c.BetterAuth.Type == schema.BAStringArray:
				v = `["x"]`
			case c.Type == schema.TypeJSONB:
				v = "{}"
			}
			cols = append(cols, c.Name)
			args = append(args, v)
			exprs = append(exprs, fmt.Sprintf("$%d", len(args)))
			if c.Unique {
				known[table.Name+"."+c.Name] = fmt.Sprint(v)
			}
		}
		sql := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) RETURNING id, version", table.Name, strings.Join(cols, ", "), strings.Join(exprs, ", "))
		var id string
		var version int
		require.NoError(t, tx.QueryRow(ctx, sql, args...).Scan(&id, &version), "%s: %s", table.Name, sql)
		require.True(t, strings.HasPrefix(id, table.Name+"__"), id)
		require.Equal(t, 1, version)
		known[table.Name+".id"] = id
	}
}
