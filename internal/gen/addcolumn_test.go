package gen_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/gen"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// TestAddingAColumn_OneEditGenerateAndADraftedMigration is the recipe of
// docs/architecture.md ("Add a column") run end to end on a copy of the
// declarations: one edit (a nullable text column that callers may set),
// the generator renders the field into the entity, its Params and its
// Patch, and the migration drafted from a database that went through every
// migration adds the column; applied, the database checks clean against the
// edited declarations, and its down file takes it back.
func TestAddingAColumn_OneEditGenerateAndADraftedMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	// 1. The one edit.
	next := schema.IAM().Clone()
	next.Table(domain.TableUser).Add(schema.Text("nickname").Input())

	// 2. go generate: the field appears in the entity, Params and Patch.
	files, err := gen.Render(next)
	require.NoError(t, err)
	var user string
	for _, f := range files {
		if f.Path == "domain/user_gen.go" {
			user = string(f.Content)
		}
	}
	require.NotEmpty(t, user, "no domain/user_gen.go rendered")
	require.Equal(t, 1, strings.Count(user, `db:"nickname" json:"nickname,omitempty"`), "the entity gets the column:\n%s", user)
	require.Len(t, regexp.MustCompile("(?m)^\\s+Nickname\\s+\\*string\\s+`json:\"nickname\"`$").FindAllString(user, -1), 2, "Params and Patch get the field:\n%s", user)
	require.Contains(t, user, "setOpt(&next.Nickname, p.Nickname)", "Apply sets it")

	// Without the edit the shipped files are what the generator renders.
	before, err := gen.Render(schema.IAM())
	require.NoError(t, err)
	for _, f := range before {
		if f.Path == "domain/user_gen.go" {
			require.NotContains(t, string(f.Content), "nickname")
		}
	}

	// 3. iam schema diff: the drafted next migration adds the column.
	conn := pgtest.NewConn(t)
	r, err := migrate.Check(ctx, conn, next)
	require.NoError(t, err)
	require.False(t, r.OK(), "the migrated database should lack the new column")
	up, down := migrate.Draft(next, r)
	require.Contains(t, up, "ALTER TABLE shared_user ADD COLUMN nickname text;")
	require.Contains(t, down, "DROP COLUMN nickname")

	_, err = conn.Exec(ctx, "BEGIN;\n"+up+"COMMIT;")
	require.NoError(t, err, "up:\n%s", up)
	r, err = migrate.Check(ctx, conn, next)
	require.NoError(t, err)
	require.True(t, r.OK(), "after the drafted up: %v", r.Drifts)

	_, err = conn.Exec(ctx, "BEGIN;\n"+down+"COMMIT;")
	require.NoError(t, err, "down:\n%s", down)
	r, err = migrate.Check(ctx, conn, schema.IAM())
	require.NoError(t, err)
	require.True(t, r.OK(), "after the drafted down: %v", r.Drifts)
}
