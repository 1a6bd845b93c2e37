package schema

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestBetterAuthModuleCoversEveryDeclaredTableAndColumn(t *testing.T) {
	t.Parallel()
	out, err := BetterAuthModule(IAM())
	require.NoError(t, err)
	src := string(out)
	m, err := drizzleModuleOf(IAM())
	require.NoError(t, err)
	for _, tbl := range IAM().Tables {
		dt := findDrizzleTable(m, tbl.Name)
		require.Containsf(t, src, fmt.Sprintf("export const %s = pgTable(%q, {", dt.key(), tbl.Name), "table %s", tbl.Name)
		require.Containsf(t, src, fmt.Sprintf("\n  %s,\n", dt.key()), "table %s is not in the schema object", tbl.Name)
		for _, c := range tbl.Columns {
			re := regexp.MustCompile(`\n  ([A-Za-z0-9_]+): [A-Za-z0-9_]+\(` + regexp.QuoteMeta(fmt.Sprintf("%q", c.Name)))
			block := tableBlock(t, src, tbl.Name)
			match := re.FindStringSubmatch(block)
			require.NotNilf(t, match, "table %s column %s is not in the emitted module", tbl.Name, c.Name)
			if tbl.BetterAuthModel != "" && c.BetterAuth != nil {
				require.Equalf(t, c.BetterAuth.Name, match[1], "table %s column %s must be keyed by its Better Auth field name", tbl.Name, c.Name)
			}
		}
		if tbl.BetterAuthModel != "" {
			require.Containsf(t, src, fmt.Sprintf("  %s: %q,\n", tbl.BetterAuthModel, tbl.Name), "model %s is missing from iamTableOfModel", tbl.BetterAuthModel)
		}
	}
}

func TestBetterAuthModuleMapsTypesTheWayBetterAuthNeedsThem(t *testing.T) {
	t.Parallel()
	out, err := BetterAuthModule(IAM())
	require.NoError(t, err)
	src := string(out)
	require.NotRegexp(t, `timestamp\("[a-z_]+"\)`, src, "every date must be mapped withTimezone")
	require.Equal(t, strings.Count(src, "timestamp(\""), strings.Count(src, `{ withTimezone: true, mode: "date" }`))
	require.Contains(t, src, `credentialID: text("credential_id")`)
	require.Contains(t, src, `emailVerified: boolean("email_verified")`)
	require.Contains(t, src, `lastRequest: bigint("last_request", { mode: "number" })`)
	require.Contains(t, src, `rowId: bigint("_row_id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity()`)
	require.Contains(t, src, `drizzleAdapter(db, { provider: "pg", schema, transaction: true })`)
}

func TestBetterAuthModuleIsDeterministic(t *testing.T) {
	t.Parallel()
	a, err := BetterAuthModule(IAM())
	require.NoError(t, err)
	b, err := BetterAuthModule(IAM())
	require.NoError(t, err)
	require.Equal(t, string(a), string(b))
}

func TestBetterAuthModuleRendersStringArraysAsTypedJSONB(t *testing.T) {
	t.Parallel()
	m := drizzleModule{Tables: []drizzleTable{{Name: "x_client", Model: "oauthClient", Columns: []drizzleColumn{
		{Name: "id", Field: "id", Writes: true, PGType: "text", NotNull: true},
		{Name: "redirect_uris", Field: "redirectUris", Writes: true, BAType: "string[]", PGType: "jsonb", NotNull: true},
	}}}}
	out, err := m.render()
	require.NoError(t, err)
	require.Contains(t, string(out), `redirectUris: jsonb("redirect_uris").$type<string[]>().notNull(),`)
}

func TestBetterAuthModuleRefusesWhatItCannotRepresent(t *testing.T) {
	t.Parallel()
	col := func(name string) drizzleColumn { return drizzleColumn{Name: name, PGType: "text"} }
	cases := []struct {
		name string
		m    drizzleModule
		want string
	}{
		{"two tables with one key", drizzleModule{Tables: []drizzleTable{
			{Name: "a_user", Model: "user", Columns: []drizzleColumn{col("id")}},
			{Name: "b_user", Model: "user", Columns: []drizzleColumn{col("id")}},
		}}, `tables "a_user" and "b_user" both map to schema key "user"`},
		{"two columns with one key", drizzleModule{Tables: []drizzleTable{
			{Name: "t", Columns: []drizzleColumn{col("user_id"), {Name: "uid", Field: "userId", PGType: "text"}}},
		}}, `table "t": columns "user_id" and "uid" both map to key "userId"`},
		{"timestamp without time zone", drizzleModule{Tables: []drizzleTable{
			{Name: "t", Columns: []drizzleColumn{{Name: "at", PGType: "timestamp"}}},
		}}, `table "t" column "at": type "timestamp" is refused: every date is timestamptz`},
		{"a type without builder", drizzleModule{Tables: []drizzleTable{
			{Name: "t", Columns: []drizzleColumn{{Name: "n", PGType: "numeric"}}},
		}}, `table "t" column "n": type "numeric" has no Drizzle builder`},
		{"an undeclared enum", drizzleModule{Tables: []drizzleTable{
			{Name: "t", Columns: []drizzleColumn{{Name: "s", PGType: "status_enum", Enum: true}}},
		}}, `table "t" column "s": enum "status_enum" is not declared`},
		{"a reference to an unknown table", drizzleModule{Tables: []drizzleTable{
			{Name: "t", Columns: []drizzleColumn{{Name: "u", PGType: "text", Ref: &drizzleRef{Table: "nope", Column: "id"}}}},
		}}, `table "t" column "u" references unknown table "nope"`},
		{"a reference to an unknown column", drizzleModule{Tables: []drizzleTable{
			{Name: "t", Columns: []drizzleColumn{col("id"), {Name: "u", PGType: "text", Ref: &drizzleRef{Table: "t", Column: "nope"}}}},
		}}, `table "t" column "u" references unknown column "t"."nope"`},
		{"a reserved identifier", drizzleModule{Tables: []drizzleTable{
			{Name: "t", Model: "schema", Columns: []drizzleColumn{col("id")}},
		}}, `table "t" maps to reserved identifier "schema"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tc.m.render()
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestCamelCaseOfSQLNames(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"_row_id": "rowId", "shared_user": "sharedUser", "version": "version", "a__b": "aB", "created_at": "createdAt",
	} {
		require.Equal(t, want, camelCase(in), in)
	}
	require.Equal(t, "invitationStatusEnum", enumIdent("invitation_status_enum"))
}

func findDrizzleTable(m drizzleModule, name string) drizzleTable {
	for _, t := range m.Tables {
		if t.Name == name {
			return t
		}
	}
	return drizzleTable{}
}

// tableBlock returns the pgTable(...) block of one table in the module text.
func tableBlock(t *testing.T, src, table string) string {
	t.Helper()
	i := strings.Index(src, fmt.Sprintf("= pgTable(%q, {", table))
	require.GreaterOrEqualf(t, i, 0, "table %s not rendered", table)
	j := strings.Index(src[i:], "\n});")
	require.Greater(t, j, 0)
	return src[i : i+j]
}

func TestBetterAuthModuleNamesRelationsTheWayBetterAuthJoinsThem(t *testing.T) {
	t.Parallel()
	ref := func(table string) *drizzleRef { return &drizzleRef{Table: table, Column: "id"} }
	m := drizzleModule{Tables: []drizzleTable{
		{Name: "u", Model: "user", Columns: []drizzleColumn{{Name: "id", Field: "id", PGType: "text"}}},
		{Name: "s", Model: "session", Columns: []drizzleColumn{
			{Name: "id", Field: "id", PGType: "text"},
			{Name: "user_id", Field: "userId", PGType: "text", Ref: ref("u")},
			{Name: "impersonated_by", Field: "impersonatedBy", PGType: "text", Ref: ref("u")},
		}},
		{Name: "x", Model: "audit", Columns: []drizzleColumn{
			{Name: "id", Field: "id", PGType: "text"},
			{Name: "actor", Field: "actor", PGType: "text", Ref: ref("u")},
			{Name: "target", Field: "target", PGType: "text", Ref: ref("u")},
		}},
	}}
	out, err := m.render()
	require.NoError(t, err)
	src := string(out)
	require.Contains(t, src, "  user: one(user, { fields: [session.userId], references: [user.id] }),\n")
	require.Contains(t, src, "  sessions: many(session),\n")
	require.NotContains(t, src, "session.impersonatedBy]", "a second foreign key to the same table is not a join relation")
	require.NotContains(t, src, "auditRelations", "two foreign keys to one table without a <model>Id field are ambiguous")
	require.NotContains(t, src, "audits: many(audit)")
	require.Contains(t, src, "  userRelations,\n  sessionRelations,\n", "relations are part of the schema object")
}

func TestBetterAuthModuleListsTheKyselyRenames(t *testing.T) {
	t.Parallel()
	m := drizzleModule{Tables: []drizzleTable{
		{Name: "x_team", Model: "team", Columns: []drizzleColumn{
			{Name: "id", Field: "id", Writes: true, PGType: "text", NotNull: true},
		}},
		{Name: "x_team_member", Model: "teamMember", Columns: []drizzleColumn{
			{Name: "id", Field: "id", Writes: true, PGType: "text", NotNull: true},
			{Name: "team_id", Field: "teamId", Writes: true, PGType: "text", NotNull: true},
			{Name: "created_at", Field: "createdAt", Writes: true, PGType: "timestamptz", NotNull: true},
			{Name: "organization_id", PGType: "text", NotNull: true, DBDerived: true},
			{Name: "note", PGType: "text"}, // nullable, not Better Auth's: nothing to say
		}, Indexes: []drizzleIndex{
			{Name: "team_member_team_idx", Columns: []string{"team_id"}},
			{Name: "team_member_org_team_uidx", Columns: []string{"organization_id", "team_id"}, Unique: true},
		}},
		{Name: "x_seed", Columns: []drizzleColumn{{Name: "id", PGType: "text", NotNull: true}}},
	}}
	out, err := m.render()
	require.NoError(t, err)
	src := string(out)
	require.Contains(t, src, `  teamMember: {
    modelName: "x_team_member",
    fields: { teamId: "team_id", createdAt: "created_at" },
    filledByDatabase: { organizationId: { column: "organization_id", type: "string" } },
    indexes: [
      { name: "team_member_team_idx", columns: ["team_id"], unique: false },
    ],
  },`, "the trigger-filled column is listed; the index on a column Better Auth lacks is not")
	require.Contains(t, src, "  team: {\n    modelName: \"x_team\",\n    fields: {  },\n  },")
	require.NotContains(t, src, `modelName: "x_seed"`, "a table without a Better Auth model has no renames")
	require.Contains(t, src, "export function withIamKysely<O extends BetterAuthOptions>(")
}
