package migrate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
)

func citusCheck(t *testing.T, conn *pgx.Conn) *migrate.CitusReport {
	t.Helper()
	r, err := migrate.CitusCheck(context.Background(), conn)
	require.NoError(t, err)
	return r
}

// requireFinding asserts one finding of table, kind and object with the
// severity, whose message contains each of contains.
func requireFinding(t *testing.T, r *migrate.CitusReport, severity, table, kind, object string, contains ...string) {
	t.Helper()
	for _, f := range r.Find(table, kind) {
		if f.Object == object {
			require.Equal(t, severity, f.Severity, "%s", f)
			for _, c := range contains {
				require.Contains(t, f.Message, c, "%s", f)
			}
			return
		}
	}
	var all []string
	for _, f := range r.Find(table, "") {
		all = append(all, f.String())
	}
	t.Fatalf("no %s finding %s.%s; %s has:\n%s", kind, table, object, table, strings.Join(all, "\n"))
}

// The migrated IAM schema, checked against the Citus layout: the
// classification, and one known finding of each kind the schema has.
func TestCitusCheck_MigratedSchemaReportsWhatCitusWouldRefuse(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	r := citusCheck(t, conn)

	class := func(table string) string {
		c := r.Table(table)
		require.NotNil(t, c, table)
		if c.Column != "" {
			return c.Class + " by " + c.Column
		}
		return c.Class
	}
	require.Equal(t, "distributed by id", class("shared_organization"))
	for _, tbl := range []string{"iam_member", "iam_invitation", "iam_team_member", "shared_team", "shared_file", "shared_folder", "iam_organization_role", "iam_apikey"} {
		require.Equal(t, "distributed by organization_id", class(tbl), tbl)
	}
	require.Equal(t, "reference", class("shared_user"), "members reference users")
	for _, tbl := range []string{"shared_session", "iam_rate_limit", "iam_verification", "iam_account", "iam_jwks"} {
		require.Equal(t, "local", class(tbl), tbl)
	}

	// Keys without the distribution column.
	requireFinding(t, r, migrate.CitusRefuse, "iam_member", "primary_key", "iam_member_pkey", "(_row_id)", "(organization_id, _row_id)")
	requireFinding(t, r, migrate.CitusRefuse, "iam_member", "unique_index", "iam_member_id_key", "(id)")
	requireFinding(t, r, migrate.CitusRefuse, "iam_apikey", "unique_index", "apikey_key_unique_idx", "(organization_id, key)", "no longer keeps the value unique across organizations")
	requireFinding(t, r, migrate.CitusRefuse, "shared_organization", "unique_index", "shared_organization_slug_key", "lacks the distribution column id")
	// Optional tenancy.
	requireFinding(t, r, migrate.CitusRefuse, "iam_apikey", "nullable_distribution_column", "organization_id")
	require.Empty(t, r.Find("iam_member", "nullable_distribution_column"), "member.organization_id is NOT NULL")
	// Foreign keys.
	requireFinding(t, r, migrate.CitusRefuse, "iam_team_member", "foreign_key", "iam_team_member_team_id_fkey",
		"(team_id) → shared_team(id)", "(organization_id, team_id) → shared_team(organization_id, id)")
	requireFinding(t, r, migrate.CitusRefuse, "shared_session", "foreign_key_to_distributed", "shared_session_active_organization_id_fkey", "from a local table")
	for _, f := range r.Find("iam_member", "foreign_key") {
		require.NotContains(t, f.Message, "(organization_id) → shared_organization(id)", "organization_id → organization id is co-located")
	}
	require.Empty(t, r.Find("iam_member", "foreign_key_to_local"), "member → user goes to a reference table")
	// Triggers, RLS, identity.
	requireFinding(t, r, migrate.CitusChange, "iam_member", "trigger", "iam_tenant_guard", "citus.enable_unsafe_triggers")
	requireFinding(t, r, migrate.CitusChange, "shared_user", "trigger", "iam_touch_row", "reference table")
	requireFinding(t, r, migrate.CitusChange, "iam_member", "rls_setting", "app.current_org_id", "set_config() is not")
	requireFinding(t, r, migrate.CitusChange, "iam_member", "identity", "_row_id", "bigint identity")
	require.Empty(t, r.Find("shared_session", "trigger"), "local tables keep their triggers")
	// Fan-out, with the Better Auth query named.
	requireFinding(t, r, migrate.CitusFanOut, "iam_member", "fan_out", "member_user_id_idx", "listOrganizations")
	requireFinding(t, r, migrate.CitusFanOut, "iam_invitation", "fan_out", "invitation_email_idx", "listUserInvitations")
	requireFinding(t, r, migrate.CitusFanOut, "shared_organization", "fan_out", "shared_organization_slug_key", "checkSlug")
	requireFinding(t, r, migrate.CitusFanOut, "iam_apikey", "fan_out", "apikey_key_unique_idx", "verifyApiKey")
	requireFinding(t, r, migrate.CitusFanOut, "iam_member", "fan_out", "iam_member_id_key", "by id")
	require.False(t, r.OK())

	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.Contains(t, text.String(), "shared_user                  reference")
	require.Contains(t, text.String(), "Citus would refuse (")
	var js struct {
		Refused  int                    `json:"refused"`
		OK       bool                   `json:"ok"`
		Tables   []migrate.CitusTable   `json:"tables"`
		Findings []migrate.CitusFinding `json:"findings"`
	}
	var buf bytes.Buffer
	require.NoError(t, r.WriteJSON(&buf))
	require.NoError(t, json.Unmarshal(buf.Bytes(), &js))
	require.Equal(t, r.Count(migrate.CitusRefuse), js.Refused)
	require.False(t, js.OK)
	require.Len(t, js.Findings, len(r.Findings))
}

// A toy schema laid out the way Citus wants it reports nothing; each thing
// then broken in it is reported, one finding for one change.
func TestCitusCheck_ToySchemaFitsAndEachBreakIsReported(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t, pgtest.Empty())
	ctx := context.Background()
	_, err := conn.Exec(ctx, `
CREATE TABLE plan (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE app_user (id uuid PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE org (id uuid PRIMARY KEY, plan_id text NOT NULL REFERENCES plan (id), owner uuid NOT NULL REFERENCES app_user (id));
CREATE TABLE team (
  organization_id uuid NOT NULL REFERENCES org (id), id uuid NOT NULL, name text NOT NULL,
  PRIMARY KEY (organization_id, id), UNIQUE (organization_id, name));
CREATE TABLE member (
  organization_id uuid NOT NULL REFERENCES org (id), id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES app_user (id), team_id uuid,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, team_id) REFERENCES team (organization_id, id));
CREATE INDEX member_user_idx ON member (organization_id, user_id);
CREATE TABLE audit (at timestamptz NOT NULL, what text NOT NULL);
ALTER TABLE member ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_own ON member USING (organization_id IS NOT NULL);
`)
	require.NoError(t, err)
	r := citusCheck(t, conn)
	var text bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.Empty(t, r.Findings, text.String())
	require.True(t, r.OK())
	require.Equal(t, "distributed", r.Table("org").Class)
	require.Equal(t, "id", r.Table("org").Column)
	require.Equal(t, "organization_id", r.Table("member").Column)
	require.Equal(t, "reference", r.Table("plan").Class)
	require.Equal(t, "reference", r.Table("app_user").Class)
	require.Equal(t, "local", r.Table("audit").Class)
	require.Contains(t, text.String(), "0 refused, 0 to change, 0 fan-out")

	for _, c := range []struct {
		sql, severity, table, kind, object string
	}{
		{`CREATE UNIQUE INDEX team_name_global ON team (name)`, migrate.CitusRefuse, "team", "unique_index", "team_name_global"},
		{`CREATE INDEX member_user_only ON member (user_id)`, migrate.CitusFanOut, "member", "fan_out", "member_user_only"},
		{`ALTER TABLE member ADD CONSTRAINT member_team_fk FOREIGN KEY (team_id, organization_id) REFERENCES team (id, organization_id)`, "", "", "", ""},
		{`ALTER TABLE member ADD COLUMN buddy uuid;
		  ALTER TABLE member ADD CONSTRAINT member_buddy_fk FOREIGN KEY (organization_id, buddy) REFERENCES team (id, organization_id)`, migrate.CitusRefuse, "member", "foreign_key", "member_buddy_fk"},
		// A table written per request stays local (migrate.CitusLocalTables).
		{`CREATE TABLE iam_rate_limit (key text PRIMARY KEY);
		  ALTER TABLE member ADD COLUMN rl text CONSTRAINT member_rl_fk REFERENCES iam_rate_limit (key)`, migrate.CitusRefuse, "member", "foreign_key_to_local", "member_rl_fk"},
		{`ALTER TABLE audit ADD COLUMN org uuid REFERENCES org (id)`, migrate.CitusRefuse, "audit", "foreign_key_to_distributed", "audit_org_fkey"},
		{`CREATE TABLE note (organization_id uuid REFERENCES org (id), body text)`, migrate.CitusRefuse, "note", "nullable_distribution_column", "organization_id"},
		{`CREATE POLICY member_sub ON member USING (user_id IN (SELECT id FROM app_user))`, migrate.CitusRefuse, "member", "rls_policy_subquery", "member_sub"},
		{`CREATE POLICY member_tenant ON member USING (organization_id = current_setting('app.org')::uuid)`, migrate.CitusChange, "member", "rls_setting", "app.org"},
		{`CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
		  CREATE TRIGGER member_touch BEFORE UPDATE ON member FOR EACH ROW EXECUTE FUNCTION touch()`, migrate.CitusChange, "member", "trigger", "member_touch"},
		{`CREATE FUNCTION whoami() RETURNS text LANGUAGE sql SECURITY DEFINER AS 'SELECT current_user::text'`, migrate.CitusChange, "", "security_definer", "whoami()"},
		{`ALTER TABLE team ADD COLUMN n integer GENERATED ALWAYS AS IDENTITY`, migrate.CitusRefuse, "team", "identity", "n"},
		{`ALTER TABLE plan ADD COLUMN seq bigserial`, migrate.CitusChange, "plan", "sequence", "seq"},
	} {
		tx, err := conn.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, c.sql)
		require.NoError(t, err, c.sql)
		r, err := migrate.CitusCheck(ctx, tx)
		require.NoError(t, err)
		require.NoError(t, tx.Rollback(ctx))
		if c.kind == "" {
			require.Empty(t, r.Findings, "%s: a foreign key pairing the distribution columns in another order is fine", c.sql)
			continue
		}
		// The one finding of the change; a unique index without the
		// distribution column is also a lookup that fans out.
		var f migrate.CitusFinding
		for _, g := range r.Findings {
			if g.Kind == c.kind {
				require.Empty(t, f.Kind, "%s: two %s findings: %v", c.sql, c.kind, r.Findings)
				f = g
			} else {
				require.Equal(t, "fan_out", g.Kind, "%s: %v", c.sql, r.Findings)
				require.Equal(t, c.object, g.Object, "%s: %v", c.sql, r.Findings)
			}
		}
		require.Equal(t, c.severity, f.Severity, "%s: %v", c.sql, r.Findings)
		require.Equal(t, c.table, f.Table, "%s", f)
		require.Equal(t, c.kind, f.Kind, "%s", f)
		require.Equal(t, c.object, f.Object, "%s", f)
	}
}
