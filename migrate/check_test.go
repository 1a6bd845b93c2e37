package migrate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
)

func checkIAM(t *testing.T, conn *pgx.Conn, s *schema.Schema) *migrate.Report {
	t.Helper()
	r, err := migrate.Check(context.Background(), conn, s, migrate.WithMigrations(migrate.Default()))
	require.NoError(t, err)
	return r
}

func TestCheck_FreshlyMigratedDatabaseHasNoDrift(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	r := checkIAM(t, conn, schema.IAM())
	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.True(t, r.OK(), text.String())
	require.Equal(t, 39, r.Tables)
	require.Equal(t, 39, r.Found)
	require.Equal(t, migrate.Default().Latest(), r.Migration.Applied)
	require.Contains(t, r.Summary, "no drift")
}

// TestCheck_ReportsEachKindOfLiveDrift changes one thing in a migrated
// database and expects exactly that one difference.
func TestCheck_ReportsEachKindOfLiveDrift(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		sql  string
		want migrate.Drift
	}{
		{"dropped index", `DROP INDEX member_user_id_idx`,
			migrate.Drift{Table: "iam_member", Kind: migrate.KindIndex, Name: "member_user_id_idx", Problem: migrate.Missing, Want: "(user_id)"}},
		{"changed default", `ALTER TABLE shared_user ALTER COLUMN email_verified SET DEFAULT true`,
			migrate.Drift{Table: "shared_user", Kind: migrate.KindColumn, Name: "email_verified", Problem: migrate.Changed, Field: "default", Want: "false", Got: "true"}},
		{"added NOT NULL column", `ALTER TABLE iam_member ADD COLUMN tenant text NOT NULL DEFAULT 'x'`,
			migrate.Drift{Table: "iam_member", Kind: migrate.KindColumn, Name: "tenant", Problem: migrate.Unexpected, Got: "text NOT NULL DEFAULT 'x'::text"}},
		{"added enum value", `ALTER TYPE member_status_enum ADD VALUE 'archived'`,
			migrate.Drift{Kind: migrate.KindEnum, Name: "member_status_enum", Problem: migrate.Changed, Field: "values",
				Want: "active, inactive, offline, suspended, deleted, invited", Got: "active, inactive, offline, suspended, deleted, invited, archived"}},
		{"disabled RLS", `ALTER TABLE iam_member DISABLE ROW LEVEL SECURITY`,
			migrate.Drift{Table: "iam_member", Kind: migrate.KindRLS, Name: "iam_member", Problem: migrate.Changed, Field: "enabled", Want: "true", Got: "false"}},
		{"dropped NOT NULL", `ALTER TABLE shared_session ALTER COLUMN token DROP NOT NULL`,
			migrate.Drift{Table: "shared_session", Kind: migrate.KindColumn, Name: "token", Problem: migrate.Changed, Field: "nullable", Want: "NOT NULL", Got: "NULL"}},
		{"changed foreign key action", `ALTER TABLE iam_member DROP CONSTRAINT iam_member_invited_by_fkey,
			ADD CONSTRAINT iam_member_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES shared_user (id) ON DELETE CASCADE ON UPDATE CASCADE`,
			migrate.Drift{Table: "iam_member", Kind: migrate.KindForeignKey, Name: "iam_member_invited_by_fkey", Problem: migrate.Changed, Field: "on_delete", Want: "SET NULL", Got: "CASCADE"}},
		{"dropped trigger", `DROP TRIGGER iam_touch_row ON iam_account`,
			migrate.Drift{Table: "iam_account", Kind: migrate.KindTrigger, Name: "iam_touch_row", Problem: migrate.Missing,
				Want: "CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_account FOR EACH ROW EXECUTE FUNCTION iam_touch_row()"}},
		{"dropped check", `ALTER TABLE iam_passkey DROP CONSTRAINT passkey_counter_non_negative_check`,
			migrate.Drift{Table: "iam_passkey", Kind: migrate.KindCheck, Name: "passkey_counter_non_negative_check", Problem: migrate.Missing, Want: "(counter >= 0)"}},
		{"changed policy", `ALTER POLICY tenant_isolation ON shared_team USING (true)`,
			migrate.Drift{Table: "shared_team", Kind: migrate.KindPolicy, Name: "tenant_isolation", Problem: migrate.Changed, Field: "using",
				Want: "organization_id = current_setting('app.current_org_id'::text, true)", Got: "true"}},
		{"changed column type", `ALTER TABLE iam_rate_limit ALTER COLUMN last_request TYPE numeric`,
			migrate.Drift{Table: "iam_rate_limit", Kind: migrate.KindColumn, Name: "last_request", Problem: migrate.Changed, Field: "type", Want: "bigint", Got: "numeric"}},
		{"partial index predicate changed", `DROP INDEX user_role_idx; CREATE INDEX user_role_idx ON shared_user (role)`,
			migrate.Drift{Table: "shared_user", Kind: migrate.KindIndex, Name: "user_role_idx", Problem: migrate.Changed, Field: "predicate", Want: "(role IS NOT NULL)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn := pgtest.NewConn(t)
			_, err := conn.Exec(context.Background(), tc.sql)
			require.NoError(t, err)
			r := checkIAM(t, conn, schema.IAM())
			require.False(t, r.OK())
			require.Equal(t, []migrate.Drift{tc.want}, r.Drifts)
		})
	}
}

// TestCheck_ChangedDeclarationIsReportedExactly checks the checker from the
// other side: a copy of the declaration with one thing changed, against a
// correctly migrated database.
func TestCheck_ChangedDeclarationIsReportedExactly(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(s *schema.Schema)
		want   migrate.Drift
	}{
		{"column renamed", func(s *schema.Schema) { s.Table("iam_jwks").Column("alg").Name = "algorithm" },
			// the declared column is missing and the live one unexpected
			migrate.Drift{Table: "iam_jwks", Kind: migrate.KindColumn, Name: "algorithm", Problem: migrate.Missing, Want: "text NULL"}},
		{"column type", func(s *schema.Schema) { s.Table("iam_passkey").Column("counter").Type = schema.TypeBigInt },
			migrate.Drift{Table: "iam_passkey", Kind: migrate.KindColumn, Name: "counter", Problem: migrate.Changed, Field: "type", Want: "bigint", Got: "integer"}},
		{"default", func(s *schema.Schema) { s.Table("iam_member").Column("role").DefaultText("owner") },
			migrate.Drift{Table: "iam_member", Kind: migrate.KindColumn, Name: "role", Problem: migrate.Changed, Field: "default", Want: "'owner'::text", Got: "'member'::text"}},
		{"index columns", func(s *schema.Schema) {
			s.Table("iam_verification").Index("verification_active_idx").Columns = []string{"identifier"}
		},
			migrate.Drift{Table: "iam_verification", Kind: migrate.KindIndex, Name: "verification_active_idx", Problem: migrate.Changed, Field: "columns", Want: "identifier", Got: "identifier, expires_at"}},
		{"enum value", func(s *schema.Schema) {
			for i := range s.Enums {
				if s.Enums[i].Name == "invitation_status_enum" {
					s.Enums[i].Values[3] = "cancelled"
				}
			}
		}, migrate.Drift{Kind: migrate.KindEnum, Name: "invitation_status_enum", Problem: migrate.Changed, Field: "values",
			Want: "pending, accepted, rejected, cancelled", Got: "pending, accepted, rejected, canceled"}},
	}
	conn := pgtest.NewConn(t)
	for _, tc := range cases {
		s := schema.IAM().Clone()
		tc.change(s)
		r := checkIAM(t, conn, s)
		require.NotEmpty(t, r.Drifts, tc.name)
		require.Equal(t, tc.want, r.Drifts[0], tc.name)
		if tc.name == "column renamed" {
			require.Len(t, r.Drifts, 2, tc.name)
			require.Equal(t, migrate.Drift{Table: "iam_jwks", Kind: migrate.KindColumn, Name: "alg", Problem: migrate.Unexpected, Got: "text NULL"}, r.Drifts[1])
		} else {
			require.Len(t, r.Drifts, 1, tc.name)
		}
	}
	// The original declaration was not touched by the copies.
	require.True(t, checkIAM(t, conn, schema.IAM()).OK())
}

func TestCheck_EmptyDatabaseIsAClearReportWithoutWrites(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t, pgtest.Empty())
	r := checkIAM(t, conn, schema.IAM())
	require.False(t, r.OK())
	require.Equal(t, 0, r.Found)
	require.Contains(t, r.Summary, "none of the 39 declared tables exist")
	require.Contains(t, r.Summary, "iam migrate up")
	require.Len(t, r.Find("", migrate.KindTable, ""), 39)
	require.Equal(t, 0, r.Migration.Applied)

	var objects int
	require.NoError(t, conn.QueryRow(context.Background(),
		`SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()`).Scan(&objects))
	require.Zero(t, objects, "check must not create anything (not even the version table)")
}

func TestCheck_OtherApplicationsDatabaseIsReportedNotCrashed(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t, pgtest.Empty())
	_, err := conn.Exec(context.Background(), `CREATE TABLE orders (id serial PRIMARY KEY, total numeric NOT NULL);
		CREATE TYPE order_state AS ENUM ('open', 'paid')`)
	require.NoError(t, err)
	r := checkIAM(t, conn, schema.IAM())
	require.False(t, r.OK())
	require.Equal(t, 0, r.Found)
	require.Contains(t, r.Summary, "another application's")
	require.Empty(t, r.Find("orders", "", ""), "undeclared tables are not iam's business")
}

func TestCheck_NewerMigrationThanTheBinaryIsReported(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	_, err := conn.Exec(context.Background(),
		`INSERT INTO iam_schema_migrations (version, name, checksum) VALUES (99, 'from_the_future', 'x')`)
	require.NoError(t, err)
	r := checkIAM(t, conn, schema.IAM())
	require.False(t, r.OK())
	require.Equal(t, 99, r.Migration.Applied)
	require.Equal(t, migrate.Drift{Kind: migrate.KindMigration, Name: migrate.DefaultTable, Problem: migrate.Changed,
		Field: "version", Want: strconv.Itoa(migrate.Default().Latest()), Got: "99"}, r.Drifts[0])
	require.Len(t, r.Drifts, 1)
	require.Contains(t, r.Summary, "database is at migration 99")
}

func TestCheck_JSONReportListsDrifts(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	_, err := conn.Exec(context.Background(), `DROP INDEX session_token_idx`)
	require.NoError(t, err)
	r := checkIAM(t, conn, schema.IAM())
	var buf bytes.Buffer
	require.NoError(t, r.WriteJSON(&buf))
	var got struct {
		Drifts []migrate.Drift `json:"drifts"`
		Found  int             `json:"found"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	require.Equal(t, 39, got.Found)
	require.Equal(t, r.Drifts, got.Drifts)

	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.Contains(t, text.String(), "shared_session:\n  index session_token_idx: missing: want (token), got (none)\n")
}

func TestCheck_PendingMigrationsAreReported(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	_, err := conn.Exec(context.Background(), `DELETE FROM iam_schema_migrations WHERE version = (SELECT max(version) FROM iam_schema_migrations)`)
	require.NoError(t, err)
	r := checkIAM(t, conn, schema.IAM())
	require.Len(t, r.Drifts, 1)
	latest := migrate.Default().Latest()
	require.Equal(t, migrate.Drift{Kind: migrate.KindMigration, Name: migrate.DefaultTable, Problem: migrate.Missing, Field: "version",
		Want: strconv.Itoa(latest), Got: strconv.Itoa(latest - 1)}, r.Drifts[0])
	require.Contains(t, r.Drifts[0].String(), "run `iam migrate up`")
}

// TestCheck_FunctionSecurityAndSearchPath: every declared function must run
// with the caller's rights and a search_path of the schema then pg_temp;
// any SECURITY DEFINER function or procedure of the schema, declared or
// not, must pin its search_path with pg_temp last.
func TestCheck_FunctionSecurityAndSearchPath(t *testing.T) {
	t.Parallel()
	insecure := func(kind, name, got string) migrate.Drift {
		return migrate.Drift{Kind: kind, Name: name, Problem: migrate.Insecure, Field: "search_path", Want: "public, pg_temp", Got: got}
	}
	cases := []struct {
		name string
		sql  string
		want []migrate.Drift // nil: no drift
	}{
		{"declared function loses its search_path", `ALTER FUNCTION iam_touch_row() RESET search_path`,
			[]migrate.Drift{{Kind: migrate.KindFunction, Name: "iam_touch_row", Problem: migrate.Changed, Field: "search_path", Want: "public, pg_temp"}}},
		{"declared function without pg_temp last", `ALTER FUNCTION iam_same_tenant() SET search_path = public`,
			[]migrate.Drift{{Kind: migrate.KindFunction, Name: "iam_same_tenant", Problem: migrate.Changed, Field: "search_path", Want: "public, pg_temp", Got: "public"}}},
		{"declared function with another schema first", `ALTER FUNCTION iam_tenant_guard() SET search_path = pg_catalog, pg_temp`,
			[]migrate.Drift{{Kind: migrate.KindFunction, Name: "iam_tenant_guard", Problem: migrate.Changed, Field: "search_path", Want: "public, pg_temp", Got: "pg_catalog, pg_temp"}}},
		{"declared function pinned with quoted names", `ALTER FUNCTION iam_tenant_guard() SET search_path = "public", 'pg_temp'`, nil},
		// One string is one schema name, "public,pg_temp": nothing is pinned.
		{"declared function with the path as one string", `ALTER FUNCTION iam_tenant_guard() SET search_path = 'public,pg_temp'`,
			[]migrate.Drift{{Kind: migrate.KindFunction, Name: "iam_tenant_guard", Problem: migrate.Changed, Field: "search_path", Want: "public, pg_temp", Got: `"public,pg_temp"`}}},
		{"declared function with a schema before its own", `ALTER FUNCTION iam_touch_row() SET search_path = "$user", public, pg_temp`,
			[]migrate.Drift{{Kind: migrate.KindFunction, Name: "iam_touch_row", Problem: migrate.Changed, Field: "search_path", Want: "public, pg_temp", Got: `"$user", public, pg_temp`}}},
		{"declared function becomes security definer", `ALTER FUNCTION iam_apikey_derive_owner() SECURITY DEFINER`,
			[]migrate.Drift{{Kind: migrate.KindFunction, Name: "iam_apikey_derive_owner", Problem: migrate.Changed, Field: "security", Want: "invoker", Got: "definer"}}},
		{"user security definer function without search_path",
			`CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'`,
			[]migrate.Drift{insecure(migrate.KindFunction, "f()", "")}},
		{"user security definer function with arguments and an unpinned search_path",
			`CREATE FUNCTION lookup(p_id text, p_at timestamptz) RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = public AS 'SELECT 1'`,
			[]migrate.Drift{insecure(migrate.KindFunction, "lookup(p_id text, p_at timestamp with time zone)", "public")}},
		{"user security definer function with pg_temp first",
			`CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_temp, public AS 'SELECT 1'`,
			[]migrate.Drift{insecure(migrate.KindFunction, "f()", "pg_temp, public")}},
		{"user security definer procedure", `CREATE PROCEDURE p() LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'`,
			[]migrate.Drift{insecure(migrate.KindProcedure, "p()", "")}},
		{"user security definer function with a pinned search_path",
			`CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS 'SELECT 1'`, nil},
		{"user security definer function pinned to pg_catalog",
			`CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS 'SELECT 1'`, nil},
		{"user security invoker function without search_path", `CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'SELECT 1'`, nil},
		{"security definer function of another schema", `CREATE SCHEMA other; CREATE FUNCTION other.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			conn := pgtest.NewConn(t)
			_, err := conn.Exec(context.Background(), tc.sql)
			require.NoError(t, err)
			r := checkIAM(t, conn, schema.IAM())
			require.Equal(t, tc.want, r.Drifts)
		})
	}
}

func TestCheck_InsecureFunctionIsExplainedInText(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	_, err := conn.Exec(context.Background(), `CREATE FUNCTION whoami(p text) RETURNS text LANGUAGE sql SECURITY DEFINER AS 'SELECT current_user::text'`)
	require.NoError(t, err)
	r := checkIAM(t, conn, schema.IAM())
	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.Contains(t, text.String(), "(schema):\n  function whoami(p text): security definer without a pinned search_path (got (none)): "+
		"a caller's temporary objects can shadow the tables and types it uses and run code with its owner's rights; "+
		"make it SECURITY INVOKER or pin it: ALTER FUNCTION whoami(p text) SET search_path = public, pg_temp\n")
	require.Contains(t, r.Summary, "1 difference(s)")

	// The advice works.
	_, err = conn.Exec(context.Background(), `ALTER FUNCTION whoami(p text) SET search_path = public, pg_temp`)
	require.NoError(t, err)
	require.True(t, checkIAM(t, conn, schema.IAM()).OK())
}

func TestIntrospect_ReadsRoutineSecurityAndSettings(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	db, err := migrate.Introspect(context.Background(), conn)
	require.NoError(t, err)
	for _, f := range schema.IAM().Functions {
		fn := db.Routine(f.Name, 0)
		require.NotNil(t, fn, f.Name)
		require.False(t, fn.SecurityDefiner, f.Name)
		path, ok := fn.SearchPath()
		require.True(t, ok, f.Name)
		require.Equal(t, "public, pg_temp", path, f.Name)
		require.True(t, fn.PinnedSearchPath(), f.Name)
	}
	verify := db.Routine("iam_verify_api_key", 3)
	require.NotNil(t, verify)
	require.False(t, verify.SecurityDefiner, "0003 makes it SECURITY INVOKER")
	require.Equal(t, "iam_verify_api_key(p_hash text, p_config_id text, p_now timestamp with time zone, "+
		"OUT outcome text, OUT try_again_ms bigint, OUT apikey iam_apikey)", verify.Signature)
	require.Nil(t, db.Routine("iam_verify_api_key", 0))
}

func TestCheck_InsecureProcedureAdviceNamesAProcedure(t *testing.T) {
	t.Parallel()
	d := migrate.Drift{Kind: migrate.KindProcedure, Name: "p()", Problem: migrate.Insecure, Field: "search_path", Want: "public, pg_temp"}
	require.Contains(t, d.String(), "ALTER PROCEDURE p() SET search_path = public, pg_temp")
}
