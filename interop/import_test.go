package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// importSource is what import/source.ts wrote: Better Auth's own ids and
// the secrets the users hold (test material, in the test's temp dir).
type importSource struct {
	Secret        string         `json:"secret"`
	BaseURL       string         `json:"baseURL"`
	Password      string         `json:"password"`
	CreatedTables []string       `json:"createdTables"`
	Counts        map[string]int `json:"counts"`
	Users         map[string]struct {
		ID     string `json:"id"`
		Email  string `json:"email"`
		Cookie string `json:"cookie"`
		Token  string `json:"token"`
	} `json:"users"`
	APIKey struct {
		Key       string `json:"key"`
		Remaining int    `json:"remaining"`
	} `json:"apiKey"`
	SpentKey struct {
		Key string `json:"key"`
	} `json:"spentKey"`
	TwoFactor struct {
		TOTPSecret string `json:"totpSecret"`
	} `json:"twoFactor"`
}

// buildIAM builds the iam command into the test's temp dir: the import and
// the check run as an operator runs them.
func buildIAM(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = "/usr/local/go/bin/go" // where scripts/test looks too
	}
	bin := filepath.Join(t.TempDir(), "iam")
	out, err := exec.Command(goTool, "build", "-o", bin, "github.com/beep/iam/cmd/iam").CombinedOutput()
	require.NoErrorf(t, err, "go build ./cmd/iam (install Go 1.26 from https://go.dev/dl/ and put it on PATH):\n%s", out)
	return bin
}

// runIAM runs the built command and returns its exit code and output.
func runIAM(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute) // a guard against a hang only
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		require.ErrorAsf(t, err, &ee, "run iam %s", args[0])
		code = ee.ExitCode()
	}
	return code, stdout.String(), stderr.String()
}

// TestImportBetterAuthMovesWhatBetterAuthWrote is issue 12's end-to-end
// test: Better Auth 1.7 creates its own schema (getMigrations) on an empty
// database and fills it through its API with every plugin of the test app;
// `iam import better-auth` moves it into a database `iam migrate up`
// migrated; then Better Auth on withIam and on withIamKysely, each on a
// target of its own (import/target.test.ts), and Go find
// the same users, passwords, sessions, keys, second factors and members,
// and `iam check` finds no drift.
func TestImportBetterAuthMovesWhatBetterAuthWrote(t *testing.T) {
	t.Parallel()
	bin := buildIAM(t)
	for _, project := range nodeProjects {
		t.Run(projectName(t, project), func(t *testing.T) {
			t.Parallel()
			testImport(t, bin, project)
		})
	}
}

// testImport fills a source with one Better Auth release and imports it
// into a target per adapter: withIam and, on the pinned release, also
// withIamKysely (as the scenarios run).
func testImport(t *testing.T, bin, project string) {
	node := requireNode(t)
	requireProjectModules(t, project)
	ctx := context.Background()
	sourceURL := pgtest.NewDatabase(t, pgtest.Empty())

	// 1. Better Auth makes and fills the source.
	srcPath := filepath.Join(t.TempDir(), "source.json")
	{
		cctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // a guard against a hang only
		defer cancel()
		cmd := exec.CommandContext(cctx, node, "--import", "tsx", "import/source.ts")
		cmd.Dir = suiteDir(t, project)
		cmd.Env = append(os.Environ(),
			"IAM_IMPORT_SOURCE_URL="+sourceURL, "IAM_DATABASE_URL="+sourceURL, "IAM_INTEROP_ARTEFACTS="+srcPath,
			"TZ=America/New_York", "NODE_ENV=test")
		out, err := cmd.CombinedOutput()
		require.NoErrorf(t, err, "import/source.ts (Better Auth filling the source) failed:\n%s", out)
	}
	raw, err := os.ReadFile(srcPath)
	require.NoError(t, err)
	var src importSource
	require.NoError(t, json.Unmarshal(raw, &src))
	var fixtures map[string]any
	require.NoError(t, json.Unmarshal(raw, &fixtures))
	require.Subset(t, src.CreatedTables, []string{"user", "session", "account", "verification", "organization", "member", "team", "teamMember",
		"invitation", "organizationRole", "apikey", "twoFactor", "passkey", "jwks", "deviceCode", "ssoProvider", "subscription", "walletAddress", "rateLimit"},
		"Better Auth's own migrations made every plugin's table")

	// The same source moved into one target per adapter Better Auth runs on there: withIam
	// (Drizzle) and withIamKysely (Better Auth's Kysely adapter on the pg.Pool). The source is
	// only read; the targets run in parallel.
	adapters := []string{adapterDrizzle}
	if project == nodeDir {
		adapters = append(adapters, adapterKysely)
	}
	for _, adapter := range adapters {
		t.Run(adapter, func(t *testing.T) {
			t.Parallel()
			testImportTarget(t, bin, project, sourceURL, src, fixtures, adapter)
		})
	}
}

// testImportTarget migrates a fresh target with `iam migrate up`, imports the
// source into it, runs import/target.test.ts on it with the adapter, then
// checks it from Go.
func testImportTarget(t *testing.T, bin, project, sourceURL string, src importSource, fixtures map[string]any, adapter string) {
	ctx := context.Background()
	targetURL := pgtest.NewDatabase(t, pgtest.Empty())
	code, _, errOut := runIAM(t, bin, "--database-url", targetURL, "migrate", "up")
	require.Equalf(t, 0, code, "iam migrate up: %s", errOut)

	// 2. The import: a dry run, then the real one.
	code, out, errOut := runIAM(t, bin, "--database-url", targetURL, "--json", "import", "better-auth", "--from", sourceURL, "--dry-run")
	require.Equalf(t, 0, code, "dry run refused:\n%s\n%s", out, errOut)
	code, out, errOut = runIAM(t, bin, "--database-url", targetURL, "--json", "import", "better-auth", "--from", sourceURL)
	require.Equalf(t, 0, code, "import refused:\n%s\n%s", out, errOut)
	report := lastJSONLine(t, out)
	if testing.Verbose() {
		t.Logf("import report: %s", strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:]))
	}
	require.Equal(t, true, report["committed"], out)
	tables := map[string]map[string]any{}
	for _, tr := range report["tables"].([]any) {
		m := tr.(map[string]any)
		tables[m["model"].(string)] = m
	}
	for model, n := range src.Counts {
		tr, ok := tables[model]
		if !ok {
			continue // a table Better Auth made that iam does not move is listed in not_moved
		}
		require.EqualValuesf(t, n, tr["read"], "rows read from %s", model)
	}
	notMoved := map[string]string{}
	for _, n := range report["not_moved"].([]any) {
		m := n.(map[string]any)
		notMoved[m["table"].(string)] = m["reason"].(string)
	}
	require.Contains(t, notMoved["oauthClient"], "iam has "+domain.TableOAuthClient+", but the importer does not move its rows",
		"the oauth-provider tables Better Auth made are reported as left behind: %v", notMoved)
	cleared := tables["session"]["cleared"].(map[string]any)
	require.Lenf(t, cleared, 1, "the session whose active team Better Auth removed: %v", cleared)
	for reason, n := range cleared {
		require.Truef(t, strings.HasPrefix(reason, "activeTeamId: "), "cleared %q", reason)
		require.EqualValues(t, 1, n)
	}
	for _, secretValue := range []string{src.Password, src.APIKey.Key, src.TwoFactor.TOTPSecret, src.Users["alice"].Token} {
		require.NotContains(t, out+errOut, secretValue, "a secret in the import's output")
	}

	// 3. Better Auth on withIam, on the target.
	run := runNode(t, nodeSuite{Project: project, File: "import/target.test.ts", Adapter: adapter, URL: betterAuthURL(t, targetURL), Fixtures: fixtures})
	a := run.Artefacts
	require.Equal(t, adapter, artefact(t, a, "adapter"), "Better Auth ran on another adapter than IAM_BETTER_AUTH_ADAPTER asked for")

	// 4. Go, on the target, with the same secret.
	auth, err := betterauth.New(betterauth.Config{Secret: domain.NewSecret(src.Secret)})
	require.NoError(t, err)
	st, err := store.Open(ctx, targetURL, store.Options{})
	require.NoError(t, err)
	t.Cleanup(st.Close)
	conn, err := pgx.Connect(ctx, targetURL)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	aliceID := artefact(t, a, "alice.id")

	t.Run("timestamps are the instants Better Auth wrote (source and target sessions not in UTC)", func(t *testing.T) {
		srcConn, err := pgx.Connect(ctx, sourceURL)
		require.NoError(t, err)
		defer func() { _ = srcConn.Close(ctx) }()
		for _, q := range [][2]string{
			{`SELECT email, "createdAt" FROM "user"`, `SELECT email, created_at FROM shared_user`},
			{`SELECT token, "createdAt" FROM session`, `SELECT token, created_at FROM shared_session`},
			{`SELECT token, "expiresAt" FROM session`, `SELECT token, expires_at FROM shared_session`},
			{`SELECT email, "expiresAt" FROM invitation`, `SELECT email, expires_at FROM iam_invitation`},
			{`SELECT key, "createdAt" FROM apikey`, `SELECT key, created_at FROM iam_apikey`},
		} {
			want := instants(t, srcConn, q[0])
			got := instants(t, conn, q[1])
			require.NotEmpty(t, want, q[0])
			for k, w := range want {
				g, ok := got[k]
				require.Truef(t, ok, "%s: a row is missing in the target", q[1])
				require.Truef(t, w.Equal(g), "%s: %s in the source, %s in the target", q[1], w, g)
			}
		}
	})

	t.Run("Go authenticates the session cookie Better Auth set before the import", func(t *testing.T) {
		alice := src.Users["alice"]
		cookie := strings.TrimPrefix(alice.Cookie[strings.Index(alice.Cookie, "better-auth.session_token="):], "better-auth.session_token=")
		cookie = strings.SplitN(cookie, ";", 2)[0]
		tok, err := auth.VerifySignedValue(cookie)
		require.NoError(t, err)
		require.Equal(t, alice.Token, tok.Reveal())
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, src.BaseURL+"/api/things", nil)
		require.NoError(t, err)
		req.Header.Set("Cookie", alice.Cookie)
		info, err := auth.Authenticate(ctx, req, st)
		require.NoError(t, err)
		require.Equal(t, aliceID, info.User.ID.String())
		require.NotEqual(t, alice.ID, info.User.ID.String(), "a new typed id")
		require.NotNil(t, info.Member, "the session's active organization came along")
		require.Equal(t, artefact(t, a, "alice.orgId"), info.Member.OrganizationID.String())
		require.Equal(t, "owner", string(info.Member.Role))
	})

	t.Run("Go verifies the old API key with its remaining count", func(t *testing.T) {
		k, err := betterauth.VerifyAPIKey(ctx, st, betterauth.APIKeyFormat{}, src.APIKey.Key, "default")
		require.NoError(t, err)
		require.Equal(t, artefact(t, a, "apiKey.id"), k.ID.String())
		require.NotNil(t, k.Remaining)
		// 5 at creation, one use before the import, one in Node after it, this one.
		require.EqualValues(t, src.APIKey.Remaining-2, *k.Remaining)
		_, err = betterauth.VerifyAPIKey(ctx, st, betterauth.APIKeyFormat{}, src.SpentKey.Key, "default")
		var refused *betterauth.APIKeyRefusedError
		require.ErrorAs(t, err, &refused, "the key used up before the import stays used up")
		require.Equal(t, store.APIKeyUsageExceeded, refused.Outcome)
	})

	t.Run("Go computes the TOTP codes of the old secret from the imported row", func(t *testing.T) {
		var stored string
		require.NoError(t, conn.QueryRow(ctx, `SELECT secret FROM iam_two_factor WHERE user_id = $1`, artefact(t, a, "bob.id")).Scan(&stored))
		secret, err := auth.DecryptTOTPSecret(stored)
		require.NoError(t, err)
		require.Equal(t, src.TwoFactor.TOTPSecret, secret.Reveal())
		now := time.Now()
		require.True(t, betterauth.VerifyTOTP(secret.Reveal(), betterauth.TOTP{}.Generate(src.TwoFactor.TOTPSecret, now), now))
	})

	t.Run("Go verifies the imported password hashes", func(t *testing.T) {
		for _, name := range []string{"alice", "bob", "root"} {
			var hash string
			require.NoError(t, conn.QueryRow(ctx, `SELECT a.password FROM iam_account a JOIN shared_user u ON u.id = a.user_id
				WHERE u.email = $1 AND a.provider_id = 'credential'`, src.Users[name].Email).Scan(&hash))
			ok, err := betterauth.VerifyPassword(hash, src.Password)
			require.NoError(t, err)
			require.Truef(t, ok, "%s's password", name)
		}
	})

	t.Run("members and roles are intact in the store", func(t *testing.T) {
		orgID, err := domain.ParseID[domain.Organization](artefact(t, a, "alice.orgId"))
		require.NoError(t, err)
		members, _, err := st.Org(orgID).Members().ListFiltered(ctx, store.MemberFilter{}, store.Page{Limit: 100})
		require.NoError(t, err)
		roles := map[string]string{}
		for _, m := range members {
			var email string
			require.NoError(t, conn.QueryRow(ctx, `SELECT email FROM shared_user WHERE id = $1`, m.UserID.String()).Scan(&email))
			roles[email] = string(m.Role)
		}
		require.Equal(t, map[string]string{"alice@example.com": "owner", "bob@example.com": "auditor", "dave@example.com": "admin"}, roles)
	})

	t.Run("iam check reports no drift after the import and Better Auth's use of it", func(t *testing.T) {
		code, out, errOut := runIAM(t, bin, "--database-url", targetURL, "check")
		require.Equalf(t, 0, code, "iam check:\n%s\n%s", out, errOut)
	})

	t.Run("the oauth-provider client stayed in the source", func(t *testing.T) {
		var n int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM `+domain.TableOAuthClient).Scan(&n))
		require.Zero(t, n)
	})

	t.Run("a second import is refused and writes nothing", func(t *testing.T) {
		var before int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM shared_user`).Scan(&before))
		code, out, _ := runIAM(t, bin, "--database-url", targetURL, "--json", "import", "better-auth", "--from", sourceURL)
		require.Equal(t, 1, code, out)
		var after int
		require.NoError(t, conn.QueryRow(ctx, `SELECT count(*) FROM shared_user`).Scan(&after))
		require.Equal(t, before, after)
	})
}

// instants reads (key, timestamp) rows; the session's time zone is not UTC.
func instants(t *testing.T, conn *pgx.Conn, query string) map[string]time.Time {
	t.Helper()
	ctx := context.Background()
	_, err := conn.Exec(ctx, `SET TimeZone = 'Pacific/Chatham'`)
	require.NoError(t, err)
	rows, err := conn.Query(ctx, query)
	require.NoError(t, err)
	out := map[string]time.Time{}
	for rows.Next() {
		var k string
		var ts time.Time
		require.NoError(t, rows.Scan(&k, &ts))
		out[k] = ts
	}
	require.NoError(t, rows.Err())
	return out
}

// lastJSONLine decodes the last line of --json output (the report).
func lastJSONLine(t *testing.T, out string) map[string]any {
	t.Helper()
	var last string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			last = sc.Text()
		}
	}
	var m map[string]any
	require.NoErrorf(t, json.Unmarshal([]byte(last), &m), "the last output line is not JSON: %q", last)
	require.Equal(t, "report", m["event"])
	return m
}
