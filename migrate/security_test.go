package migrate_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

// The findings of the hostile review (issue 10), each attacked as the
// documented service login (CREATE ROLE svc LOGIN IN ROLE iam_app, running
// its own SQL) on a database at version 2, where the attack must succeed,
// and on one migrated to version 3, where it must be refused.

// attack is a database with the fixture, at version 2 or 3, and a
// connection to it as a fresh service login.
type attack struct {
	t        *testing.T
	ctx      context.Context
	su       *pgx.Conn // the superuser (the migration owner)
	svc      *pgx.Conn // the service login, a member of iam_app
	login    login
	f        fixture
	hardened bool

	mu      sync.Mutex
	notices []string
}

func newAttack(t *testing.T, hardened bool) *attack {
	t.Helper()
	a := &attack{t: t, ctx: context.Background(), hardened: hardened}
	a.login = newLogin(t) // before the database: dropped after it
	su, url := newConnBeforeHardening(t)
	a.su = su
	a.f = seed(t, su)
	if hardened {
		_, err := migrate.Default().UpTo(a.ctx, su, hardeningVersion)
		require.NoError(t, err)
	}
	cfg, err := pgx.ParseConfig(url)
	require.NoError(t, err)
	cfg.User, cfg.Password = a.login.name, a.login.password
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.notices = append(a.notices, n.Message)
	}
	a.svc, err = pgx.ConnectConfig(a.ctx, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.svc.Close(context.Background()) })
	require.False(t, a.superuser(), "the service login starts without superuser")
	return a
}

// tenant binds the service login's session to org ("" for none), as the
// store does with app.current_org_id.
func (a *attack) tenant(org string) {
	a.t.Helper()
	_, err := a.svc.Exec(a.ctx, "SELECT pg_catalog.set_config('app.current_org_id', $1, false)", org)
	require.NoError(a.t, err)
}

// svcExec runs sql as the service login and returns the rows affected.
func (a *attack) svcExec(sql string, args ...any) (int64, error) {
	tag, err := a.svc.Exec(a.ctx, sql, args...)
	return tag.RowsAffected(), err
}

func (a *attack) suString(sql string, args ...any) string {
	a.t.Helper()
	return queryString(a.t, a.su, sql, args...)
}

func (a *attack) superuser() bool {
	a.t.Helper()
	var super bool
	require.NoError(a.t, a.su.QueryRow(a.ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = $1", a.login.name).Scan(&super))
	return super
}

func (a *attack) takeNotices() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := a.notices
	a.notices = nil
	return out
}

func requireRefused(t *testing.T, err error, code, what string) {
	t.Helper()
	require.Error(t, err, what)
	require.Equal(t, code, sqlState(err), "%s: %v", what, err)
}

// evilSQL arms the session: a pg_temp domain named timestamptz whose check
// calls pg_temp.evil, which tries to make the session's login a superuser
// and says as whom it ran and whether that worked.
const evilSQL = `
CREATE FUNCTION pg_temp.evil(v pg_catalog.timestamptz) RETURNS pg_catalog.bool LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE 'evil ran as %', current_user;
  BEGIN
    EXECUTE pg_catalog.format('ALTER ROLE %I SUPERUSER', session_user);
    RAISE NOTICE 'evil escalated';
  EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'evil refused';
  END;
  RETURN true;
END
$$;
CREATE DOMAIN pg_temp.timestamptz AS pg_catalog.timestamptz CHECK (pg_temp.evil(VALUE));`

// TestSecurity_Finding1_PgTempShadowingInVerifyAPIKey: at version 2
// iam_verify_api_key is SECURITY DEFINER without a search_path, so a
// pg_temp domain shadowing timestamptz makes one call of it run the
// caller's code as the owner: the service login becomes a superuser. At
// version 3 the function runs with the caller's rights (and its types are
// qualified): the same call verifies the key and nothing runs as anyone
// else.
func TestSecurity_Finding1_PgTempShadowingInVerifyAPIKey(t *testing.T) {
	t.Parallel()
	t.Run("version 2: the service login becomes superuser", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, false)
		owner := a.suString("SELECT current_user::text")
		_, err := a.svcExec(evilSQL)
		require.NoError(t, err)
		require.Empty(t, a.takeNotices(), "arming runs nothing")

		var outcome string
		require.NoError(t, a.svc.QueryRow(a.ctx, "SELECT outcome FROM iam_verify_api_key($1)", "no-such-hash").Scan(&outcome))
		require.Equal(t, "invalid", outcome)
		require.Equal(t, []string{"evil ran as " + owner, "evil escalated"}, a.takeNotices())
		require.True(t, a.superuser(), "the attack of finding 1 works at version 2")
		_, err = a.su.Exec(a.ctx, "ALTER ROLE "+pgx.Identifier{a.login.name}.Sanitize()+" NOSUPERUSER")
		require.NoError(t, err)

		// Check's guard names the hole.
		r, err := migrate.Check(a.ctx, a.su, schema.IAM())
		require.NoError(t, err)
		var insecure []string
		for _, d := range r.Drifts {
			if d.Problem == migrate.Insecure {
				insecure = append(insecure, d.Name)
			}
		}
		require.Len(t, insecure, 1)
		require.True(t, strings.HasPrefix(insecure[0], "iam_verify_api_key(p_hash text,"), insecure[0])
	})
	t.Run("version 3: no escalation", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, true)
		_, err := a.svcExec(evilSQL)
		require.NoError(t, err)

		var outcome string
		require.NoError(t, a.svc.QueryRow(a.ctx, "SELECT outcome FROM iam_verify_api_key($1)", a.f.orgKeyAHash).Scan(&outcome))
		require.Equal(t, "valid", outcome, "the key verifies for a login without definer rights")
		require.NoError(t, a.svc.QueryRow(a.ctx, "SELECT outcome FROM iam_verify_api_key($1)", "no-such-hash").Scan(&outcome))
		require.Equal(t, "invalid", outcome)
		require.Empty(t, a.takeNotices(), "the shadowing domain is not used by the function")
		require.False(t, a.superuser())

		// The payload is armed: the login's own cast runs it, with the
		// login's rights, and Postgres refuses.
		_, err = a.svcExec("SELECT pg_catalog.now()::timestamptz")
		require.NoError(t, err)
		require.Equal(t, []string{"evil ran as " + a.login.name, "evil refused"}, a.takeNotices())
		require.False(t, a.superuser())

		// The declarations describe the latest migration: migrate the
		// hardened database there before comparing.
		_, err = migrate.Default().Up(a.ctx, a.su)
		require.NoError(t, err)
		r, err := migrate.Check(a.ctx, a.su, schema.IAM(), migrate.WithMigrations(migrate.Default()))
		require.NoError(t, err)
		require.True(t, r.OK(), "%v", r.Drifts)
	})
}

// TestSecurity_Finding2_ReferenceIDRelabel: with organization A set, the
// service login mints a key and relabels a subscription that Better Auth
// (which reads reference_id) takes for B's, or for a user's.
func TestSecurity_Finding2_ReferenceIDRelabel(t *testing.T) {
	t.Parallel()
	attacks := func(a *attack) (mintOrg, mintUser, relabelSub func() error) {
		f := a.f
		mintOrg = func() error {
			_, err := a.svcExec(`INSERT INTO iam_apikey (organization_id, reference_id, key) VALUES ($1, $2, 'hash-minted-for-b')`, f.orgA, f.orgB)
			return err
		}
		mintUser = func() error {
			_, err := a.svcExec(`INSERT INTO iam_apikey (organization_id, reference_id, user_id, key) VALUES ($1, $2, $2, 'hash-minted-for-bob')`, f.orgA, f.userB)
			return err
		}
		relabelSub = func() error {
			n, err := a.svcExec(`UPDATE iam_subscription SET reference_id = $2 WHERE id = $1`, f.subA, f.orgB)
			if err == nil {
				require.EqualValues(a.t, 1, n)
			}
			return err
		}
		return
	}
	t.Run("version 2: relabels are accepted", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, false)
		a.tenant(a.f.orgA)
		mintOrg, mintUser, relabelSub := attacks(a)
		require.NoError(t, mintOrg())
		require.Equal(t, a.f.orgB, a.suString(`SELECT reference_id FROM iam_apikey WHERE key = 'hash-minted-for-b'`), "Better Auth reads this as B's key")
		require.NoError(t, mintUser())
		require.Equal(t, a.f.userB, a.suString(`SELECT reference_id FROM iam_apikey WHERE key = 'hash-minted-for-bob'`), "Better Auth reads this as Bob's key")
		require.NoError(t, relabelSub())
		require.Equal(t, a.f.orgB, a.suString(`SELECT reference_id FROM iam_subscription WHERE id = $1`, a.f.subA), "A's subscription now counts for B")
	})
	t.Run("version 3: relabels are refused", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, true)
		a.tenant(a.f.orgA)
		before := snapshot(t, a.su)
		mintOrg, mintUser, relabelSub := attacks(a)
		requireRefused(t, mintOrg(), "23514", "org key referencing another organization")
		requireRefused(t, mintUser(), "23514", "org key referencing a user")
		requireRefused(t, relabelSub(), "23514", "subscription relabelled")
		require.Equal(t, before, snapshot(t, a.su))
		// The honest writes still work.
		_, err := a.svcExec(`INSERT INTO iam_apikey (organization_id, key) VALUES ($1, 'hash-own')`, a.f.orgA)
		require.NoError(t, err)
		require.Equal(t, a.f.orgA, a.suString(`SELECT reference_id FROM iam_apikey WHERE key = 'hash-own'`))
		_, err = a.svcExec(`UPDATE iam_subscription SET seats = 9 WHERE id = $1`, a.f.subA)
		require.NoError(t, err)
	})
}

// TestSecurity_Finding3_PlantedSessionRevealsMembership: a session planted
// with another organization as its active one makes iam_session_lookup
// (which crosses tenants) return that organization's member row, which
// row level security hides from the login.
func TestSecurity_Finding3_PlantedSessionRevealsMembership(t *testing.T) {
	t.Parallel()
	plant := func(a *attack, token string) error {
		_, err := a.svcExec(`INSERT INTO shared_session (token, user_id, expires_at, active_organization_id)
			VALUES ($1, $2, now() + interval '1 hour', $3)`, token, a.f.userB, a.f.orgB)
		return err
	}
	t.Run("version 2: the view reveals B's membership", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, false)
		for _, org := range []string{"", a.f.orgA} {
			a.tenant(org)
			var hidden int
			require.NoError(t, a.svc.QueryRow(a.ctx, `SELECT count(*) FROM iam_member WHERE organization_id = $1`, a.f.orgB).Scan(&hidden))
			require.Zero(t, hidden, "row level security hides B's members")
			token := "planted-" + randHex(8)
			require.NoError(t, plant(a, token))
			var id, role string
			require.NoError(t, a.svc.QueryRow(a.ctx, `SELECT (member).id, (member).role FROM iam_session_lookup WHERE lookup_token = $1`, token).Scan(&id, &role))
			require.Equal(t, a.f.memberB, id)
			require.Equal(t, "owner", role)
		}
	})
	t.Run("version 3: the planted session is refused", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, true)
		for _, org := range []string{"", a.f.orgA} {
			a.tenant(org)
			requireRefused(t, plant(a, "planted-"+randHex(8)), "23514", "insert with tenant "+org)
			_, err := a.svcExec(`UPDATE shared_session SET active_organization_id = $1 WHERE token = 'tok-bob-2'`, a.f.orgB)
			requireRefused(t, err, "23514", "update with tenant "+org)
		}
		// B itself may make B the active organization of its member's session.
		a.tenant(a.f.orgB)
		n, err := a.svcExec(`UPDATE shared_session SET active_organization_id = $1 WHERE token = 'tok-bob-2'`, a.f.orgB)
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		var id string
		require.NoError(t, a.svc.QueryRow(a.ctx, `SELECT (member).id FROM iam_session_lookup WHERE lookup_token = 'tok-bob-2'`).Scan(&id))
		require.Equal(t, a.f.memberB, id)
	})
}

// TestSecurity_Finding4_DuplicateAPIKeyHash: a second row with the hash of
// Bob's own key makes verifying the real key fail for ever.
func TestSecurity_Finding4_DuplicateAPIKeyHash(t *testing.T) {
	t.Parallel()
	plant := func(a *attack) error {
		_, err := a.svcExec(`INSERT INTO iam_apikey (reference_id, key) VALUES ($1, $2)`, a.f.userA, a.f.userKeyBHash)
		return err
	}
	verify := func(a *attack) (string, error) {
		var outcome string
		err := a.svc.QueryRow(a.ctx, "SELECT outcome FROM iam_verify_api_key($1)", a.f.userKeyBHash).Scan(&outcome)
		return outcome, err
	}
	t.Run("version 2: the real key stops verifying", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, false)
		outcome, err := verify(a)
		require.NoError(t, err)
		require.Equal(t, "valid", outcome)
		require.NoError(t, plant(a))
		_, err = verify(a)
		requireRefused(t, err, "P0003", "verifying the real key") // query returned more than one row
		require.ErrorContains(t, err, "more than one row")
	})
	t.Run("version 3: the duplicate is refused", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, true)
		requireRefused(t, plant(a), "23505", "duplicate hash")
		outcome, err := verify(a)
		require.NoError(t, err)
		require.Equal(t, "valid", outcome)
	})
}

// TestSecurity_Finding5_TenancyEscapeAndCrossTenantReferences: with A set,
// rows of A leave their organization (becoming visible to every tenant),
// and A's rows reference B's (a file in B's folder, a token of B's OAuth
// application), with "exists" telling A which of B's ids are real.
func TestSecurity_Finding5_TenancyEscapeAndCrossTenantReferences(t *testing.T) {
	t.Parallel()
	fileSQL := `INSERT INTO shared_file (organization_id, key, url, name, size, mime_type, user_id, folder_id, uploaded_by_user_id, metadata)
		VALUES ($1, 'k/evil', 'u', 'evil', 1, 'text/plain', $2, $3, $2, '{}')`
	const missingFolder = "shared_folder__00000000-0000-0000-0000-000000000000"
	t.Run("version 2: rows escape and reference B", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, false)
		f := a.f
		a.tenant(f.orgA)
		n, err := a.svcExec(`UPDATE iam_oauth_application SET organization_id = NULL WHERE client_id = $1`, f.clientA)
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		n, err = a.svcExec(`UPDATE iam_apikey SET organization_id = NULL, reference_id = user_id WHERE id = $1`, f.orgKeyA)
		require.NoError(t, err)
		require.EqualValues(t, 1, n)
		a.tenant(f.orgB)
		var seen int
		require.NoError(t, a.svc.QueryRow(a.ctx, `SELECT (SELECT count(*) FROM iam_oauth_application WHERE client_id = $1) + (SELECT count(*) FROM iam_apikey WHERE id = $2)`,
			f.clientA, f.orgKeyA).Scan(&seen))
		require.Equal(t, 2, seen, "A's application and key are now visible to B")

		a.tenant(f.orgA)
		_, err = a.svcExec(fileSQL, f.orgA, f.userA, f.folderB)
		require.NoError(t, err, "A's file in B's folder")
		_, err = a.svcExec(fileSQL, f.orgA, f.userA, missingFolder)
		requireRefused(t, err, "23503", "a folder that does not exist") // the oracle: B's exists, this one not
		_, err = a.svcExec(`INSERT INTO iam_oauth_access_token (organization_id, access_token, client_id) VALUES ($1, 'at-evil', $2)`, f.orgA, f.clientB)
		require.NoError(t, err, "A's token of B's application")
		_, err = a.svcExec(`INSERT INTO iam_oauth_consent (organization_id, client_id, scopes) VALUES ($1, $2, 'openid')`, f.orgA, f.clientB)
		require.NoError(t, err, "A's consent to B's application")
	})
	t.Run("version 3: refused, and B's ids look missing", func(t *testing.T) {
		t.Parallel()
		a := newAttack(t, true)
		f := a.f
		before := snapshot(t, a.su)
		a.tenant(f.orgA)
		_, err := a.svcExec(`UPDATE iam_oauth_application SET organization_id = NULL WHERE client_id = $1`, f.clientA)
		requireRefused(t, err, "23514", "application out of its organization")
		_, err = a.svcExec(`UPDATE iam_apikey SET organization_id = NULL, reference_id = user_id WHERE id = $1`, f.orgKeyA)
		requireRefused(t, err, "23514", "key out of its organization")

		_, errB := a.svcExec(fileSQL, f.orgA, f.userA, f.folderB)
		requireRefused(t, errB, "23503", "A's file in B's folder")
		_, errMissing := a.svcExec(fileSQL, f.orgA, f.userA, missingFolder)
		requireRefused(t, errMissing, "23503", "a folder that does not exist")
		require.Equal(t, strings.ReplaceAll(errMissing.Error(), missingFolder, "<id>"), strings.ReplaceAll(errB.Error(), f.folderB, "<id>"),
			"B's folder and a missing one are refused alike")
		_, err = a.svcExec(`INSERT INTO iam_oauth_access_token (organization_id, access_token, client_id) VALUES ($1, 'at-evil', $2)`, f.orgA, f.clientB)
		requireRefused(t, err, "23503", "A's token of B's application")
		_, err = a.svcExec(`INSERT INTO iam_oauth_consent (organization_id, client_id, scopes) VALUES ($1, $2, 'openid')`, f.orgA, f.clientB)
		requireRefused(t, err, "23503", "A's consent to B's application")
		require.Equal(t, before, snapshot(t, a.su), "nothing changed")

		// A's own references still work.
		_, err = a.svcExec(fileSQL, f.orgA, f.userA, f.folderA)
		require.NoError(t, err)
		_, err = a.svcExec(`INSERT INTO iam_oauth_access_token (organization_id, access_token, client_id) VALUES ($1, 'at-own', $2)`, f.orgA, f.clientA)
		require.NoError(t, err)
	})
}
