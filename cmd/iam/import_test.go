package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
)

// betterAuthSource is a Better Auth database in the layout of auth migrate
// (the Kysely DDL of baimport's test data) with one user and one session.
func betterAuthSource(t *testing.T, email string) string {
	url := pgtest.NewDatabase(t, pgtest.Empty())
	ddl, err := os.ReadFile(filepath.Join("..", "..", "baimport", "testdata", "kysely-camelCase.sql"))
	require.NoError(t, err)
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), string(ddl))
	require.NoError(t, err)
	_, err = conn.Exec(context.Background(), `
INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt") VALUES ('u1', 'Ada', '`+email+`', true, now(), now());
INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "userId") VALUES ('s1', now() + interval '1 day', 'the-secret-session-token', now(), now(), 'u1');
INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt") VALUES ('a1', 'u1', 'credential', 'u1', 'salt:the-secret-hash', now(), now());`)
	require.NoError(t, err)
	return url
}

func TestImportBetterAuth_JSONLinesAndExitCodes(t *testing.T) {
	t.Parallel()
	src := betterAuthSource(t, "ada@example.com")
	dst := pgtest.NewDatabase(t)

	code, out, errOut := iam(t, "--database-url", dst, "--json", "import", "better-auth", "--from", src, "--dry-run")
	require.Equal(t, ExitOK, code, errOut)
	var last map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	progress := 0
	for sc.Scan() {
		var ev map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &ev), sc.Text())
		if ev["event"] == "progress" {
			progress++
		}
		last = ev
	}
	require.Positive(t, progress)
	require.Equal(t, "report", last["event"])
	require.Equal(t, true, last["dry_run"])
	require.Equal(t, false, last["committed"])

	code, out, errOut = iam(t, "--database-url", dst, "import", "better-auth", "--from", src, "--id-map", filepath.Join(t.TempDir(), "ids.csv"))
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "imported 3 of 3 rows in one transaction")

	// The second import is refused (exit 1) and writes nothing.
	code, out, errOut = iam(t, "--database-url", dst, "import", "better-auth", "--from", src)
	require.Equal(t, ExitDrift, code)
	require.Contains(t, out, "problem: user u1 email: unique shared_user_email_key: the target already has this value")
	require.Contains(t, errOut, "nothing written")
	for _, s := range []string{out, errOut} {
		require.NotContains(t, s, "the-secret-session-token")
		require.NotContains(t, s, "the-secret-hash")
	}

	code, _, errOut = iam(t, "--database-url", dst, "import", "better-auth")
	require.Equal(t, ExitUsage, code)
	require.Contains(t, errOut, "--from SOURCE_URL is required")

	code, _, errOut = iam(t, "--database-url", dst, "import", "better-auth", "--from", "postgres://nobody@127.0.0.1:1/x")
	require.Equal(t, ExitUnreachable, code, errOut)
}

func TestImportBetterAuth_BadEmailExitsOne(t *testing.T) {
	t.Parallel()
	src := betterAuthSource(t, "no-at-sign")
	dst := pgtest.NewDatabase(t)
	code, out, _ := iam(t, "--database-url", dst, "import", "better-auth", "--from", src)
	require.Equal(t, ExitDrift, code)
	require.Contains(t, out, "problem: user u1 email: not a valid e-mail address: has no @")
	require.Contains(t, out, "1 problem(s): nothing written")
}
