package migrate_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

const hardeningFile = "0003_security_hardening.up.sql"

// TestUp0003_KeepsEveryRowUpDownAndUpAgain fills every table at version 2,
// then migrates up, down and up again: every row of every table, every
// column, is the same after each step, and the database at version 3
// checks clean against the declared schema.
func TestUp0003_KeepsEveryRowUpDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, _ := newConnBeforeHardening(t)
	seed(t, conn)
	before := snapshot(t, conn)
	require.Len(t, before, 25, "the seed's 25 tables at version 2")
	for name, rows := range before {
		require.NotEqual(t, "[]", rows, "the fixture has no row in %s", name)
	}
	m := migrate.Default()
	checkClean := func(step string) {
		t.Helper()
		r, err := migrate.Check(ctx, conn, schema.IAM(), migrate.WithMigrations(m))
		require.NoError(t, err)
		var text bytes.Buffer
		require.NoError(t, r.WriteText(&text))
		require.True(t, r.OK(), "%s:\n%s", step, text.String())
	}

	steps, err := m.UpTo(ctx, conn, hardeningVersion)
	require.NoError(t, err)
	require.Equal(t, []int{hardeningVersion}, versions(steps))
	require.Equal(t, before, snapshot(t, conn), "up to 3")
	if m.Latest() == hardeningVersion {
		checkClean("after up")
	}

	steps, err = m.DownTo(ctx, conn, hardeningVersion-1)
	require.NoError(t, err)
	require.Equal(t, []int{hardeningVersion}, versions(steps))
	require.Equal(t, hardeningVersion-1, currentVersion(t, conn))
	require.Equal(t, before, snapshot(t, conn), "down to 2")

	_, err = m.UpTo(ctx, conn, hardeningVersion)
	require.NoError(t, err)
	require.Equal(t, before, snapshot(t, conn), "up again")

	// The later migrations run on these rows too (0005 reshapes the OAuth
	// tables; its own round trip is TestUp0005_*), and the result checks clean.
	_, err = m.Up(ctx, conn)
	require.NoError(t, err)
	require.Equal(t, m.Latest(), currentVersion(t, conn))
	checkClean("after up to the last migration")
}

// TestUp0003_PreChecksRefuseRowsThatBreakTheNewRules plants, at version 2,
// rows that break a rule of 0003 (as an attack or a careless writer could
// have left them): the migration refuses to run, naming the problem and
// how to find the rows, changes nothing and stays at version 2; once the
// rows are gone it runs.
func TestUp0003_PreChecksRefuseRowsThatBreakTheNewRules(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// plant writes the offending rows and returns the statement that
		// removes them again.
		plant func(t *testing.T, f fixture, exec func(string, ...any) string) (cleanup string, args []any)
		code  string
		want  []string // substrings of the error
	}{
		{"duplicate API key hash", func(t *testing.T, f fixture, q func(string, ...any) string) (string, []any) {
			id := q(`INSERT INTO iam_apikey (reference_id, key) VALUES ($1, $2) RETURNING id`, f.userA, f.userKeyBHash)
			return `DELETE FROM iam_apikey WHERE id = $1`, []any{id}
		}, "23505", []string{"1 API key hash(es) are stored more than once in iam_apikey.key", "HAVING count(*) > 1"}},

		{"organization key referencing another organization", func(t *testing.T, f fixture, q func(string, ...any) string) (string, []any) {
			id := q(`INSERT INTO iam_apikey (organization_id, reference_id, key) VALUES ($1, $2, 'hash-relabelled') RETURNING id`, f.orgA, f.orgB)
			require.Equal(t, f.orgA, q(`SELECT organization_id FROM iam_apikey WHERE id = $1`, id), "version 2 keeps the label")
			return `DELETE FROM iam_apikey WHERE id = $1`, []any{id}
		}, "23514", []string{"1 row(s) of iam_apikey have a reference_id (the owner Better Auth reads) that disagrees with organization_id/user_id"}},

		{"user key with an organization", func(t *testing.T, f fixture, q func(string, ...any) string) (string, []any) {
			id := q(`INSERT INTO iam_apikey (organization_id, reference_id, user_id, key) VALUES ($1, $2, $2, 'hash-user-in-org') RETURNING id`, f.orgA, f.userB)
			return `DELETE FROM iam_apikey WHERE id = $1`, []any{id}
		}, "23514", []string{"1 row(s) of iam_apikey have a reference_id"}},

		{"relabelled subscription", func(t *testing.T, f fixture, q func(string, ...any) string) (string, []any) {
			id := q(`INSERT INTO iam_subscription (organization_id, plan, reference_id) VALUES ($1, 'pro', $1) RETURNING id`, f.orgA)
			q(`UPDATE iam_subscription SET reference_id = $2 WHERE id = $1 RETURNING id`, id, f.orgB)
			return `DELETE FROM iam_subscription WHERE id = $1`, []any{id}
		}, "23514", []string{"1 row(s) of iam_subscription have a reference_id that disagrees with organization_id"}},

		{"file in another organization's folder", func(t *testing.T, f fixture, q func(string, ...any) string) (string, []any) {
			id := q(`INSERT INTO shared_file (organization_id, key, url, name, size, mime_type, user_id, folder_id, uploaded_by_user_id, metadata)
				VALUES ($1, 'k/x', 'u', 'x', 1, 'text/plain', $2, $3, $2, '{}') RETURNING id`, f.orgA, f.userA, f.folderB)
			return `DELETE FROM shared_file WHERE id = $1`, []any{id}
		}, "23503", []string{"1 file(s) sit in a folder of another organization", "shared_file f JOIN shared_folder d"}},

		{"OAuth access token of another organization than its application", func(t *testing.T, f fixture, q func(string, ...any) string) (string, []any) {
			id := q(`INSERT INTO iam_oauth_access_token (organization_id, access_token, client_id) VALUES ($1, 'at-cross', $2) RETURNING id`, f.orgA, f.clientB)
			return `DELETE FROM iam_oauth_access_token WHERE id = $1`, []any{id}
		}, "23503", []string{"1 OAuth access token(s) or consent(s) belong to another organization than their OAuth application", "iam_oauth_access_token"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			conn, _ := newConnBeforeHardening(t)
			f := seed(t, conn)
			q := func(sql string, args ...any) string { t.Helper(); return queryString(t, conn, sql, args...) }
			cleanup, args := tc.plant(t, f, q)
			before := snapshot(t, conn)

			m := migrate.Default()
			steps, err := m.Up(ctx, conn)
			require.Error(t, err)
			require.Empty(t, steps)
			var merr *migrate.MigrationError
			require.ErrorAs(t, err, &merr)
			require.Equal(t, hardeningFile, merr.File)
			require.Equal(t, tc.code, sqlState(err), "%v", err)
			require.ErrorContains(t, err, "iam 0003: ")
			for _, w := range tc.want {
				require.ErrorContains(t, err, w)
			}
			require.ErrorContains(t, err, "migrate again")

			require.Equal(t, hardeningVersion-1, currentVersion(t, conn), "the version stays")
			require.Equal(t, before, snapshot(t, conn), "nothing changed")
			var unique bool
			require.NoError(t, conn.QueryRow(ctx, `SELECT to_regclass('apikey_key_unique_idx') IS NOT NULL`).Scan(&unique))
			require.False(t, unique, "no object of 0003 is left behind")

			execSQL(t, conn, cleanup, args...)
			_, err = m.Up(ctx, conn)
			require.NoError(t, err)
			require.Equal(t, m.Latest(), currentVersion(t, conn))
			r, err := migrate.Check(ctx, conn, schema.IAM(), migrate.WithMigrations(m))
			require.NoError(t, err)
			require.True(t, r.OK(), "%v", r.Drifts)
		})
	}
}

// TestUp0003_PreChecksCountEveryOffendingRow: two duplicates and a relabel
// at once; the first failing rule is reported, with its count, and fixing
// it leads to the next.
func TestUp0003_PreChecksCountEveryOffendingRow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, _ := newConnBeforeHardening(t)
	f := seed(t, conn)
	execSQL(t, conn, `INSERT INTO iam_apikey (reference_id, key) VALUES ($1, $2), ($1, $2), ($1, $3)`, f.userA, f.userKeyBHash, f.orgKeyAHash)
	execSQL(t, conn, `INSERT INTO iam_subscription (organization_id, plan, reference_id) VALUES ($1, 'pro', $2)`, f.orgA, f.orgB)
	m := migrate.Default()
	_, err := m.Up(ctx, conn)
	require.ErrorContains(t, err, "iam 0003: 2 API key hash(es) are stored more than once")
	execSQL(t, conn, `DELETE FROM iam_apikey WHERE user_id = $1 AND reference_id = $1`, f.userA)
	_, err = m.Up(ctx, conn)
	require.ErrorContains(t, err, "iam 0003: 1 row(s) of iam_subscription")
	execSQL(t, conn, `DELETE FROM iam_subscription WHERE reference_id = $1 AND organization_id = $2`, f.orgB, f.orgA)
	_, err = m.Up(ctx, conn)
	require.NoError(t, err)
}

// TestUp0003_GivesBetterAuthsOAuthRowsTheirApplicationsOrganization: Better
// Auth does not know organization_id, so the tokens and consents it wrote at
// version 2 for an organization's application have none. 0003 gives them
// the application's organization instead of refusing them; rows of an
// application without organization stay without.
func TestUp0003_GivesBetterAuthsOAuthRowsTheirApplicationsOrganization(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, _ := newConnBeforeHardening(t)
	f := seed(t, conn)
	q := func(sql string, args ...any) string { t.Helper(); return queryString(t, conn, sql, args...) }
	consent := q(`INSERT INTO iam_oauth_consent (client_id, scopes) VALUES ($1, 'openid') RETURNING id`, f.clientA)
	token := q(`INSERT INTO iam_oauth_access_token (access_token, client_id) VALUES ('at-by-better-auth', $1) RETURNING id`, f.clientA)
	global := q(`INSERT INTO iam_oauth_consent (client_id, scopes) VALUES ($1, 'openid') RETURNING id`, f.clientGlobal)

	m := migrate.Default()
	_, err := m.UpTo(ctx, conn, hardeningVersion)
	require.NoError(t, err)
	require.Equal(t, f.orgA, q(`SELECT organization_id FROM iam_oauth_consent WHERE id = $1`, consent))
	require.Equal(t, f.orgA, q(`SELECT organization_id FROM iam_oauth_access_token WHERE id = $1`, token))
	require.Equal(t, "none", q(`SELECT coalesce(organization_id, 'none') FROM iam_oauth_consent WHERE id = $1`, global))
	_, err = m.Up(ctx, conn)
	require.NoError(t, err)
	r, err := migrate.Check(ctx, conn, schema.IAM(), migrate.WithMigrations(m))
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
}
