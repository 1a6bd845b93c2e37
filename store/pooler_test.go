package store_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// envVia makes openStore connect through PgBouncer.
const envVia = "IAM_STORE_VIA"

func viaPgBouncer() bool { return os.Getenv(envVia) == "pgbouncer" }

// notThroughPooler are the tests the PgBouncer run leaves out, and why:
// itself; the replica test (it builds its own stores on a standby and
// pauses it); the session cache, whose LISTEN connection needs a direct
// connection or a session pooler (SessionCacheOptions.ListenURL) and is
// tested directly; the fault tests, which stop the servers and the pooler
// of their own binary (one of them uses the pooler itself).
const notThroughPooler = "^(TestStore_SuiteThroughPgBouncer|TestReplica_.*|TestSessionCache_.*|TestFault_.*)$"

// TestStore_SuiteThroughPgBouncer runs this package's tests again in a child
// test binary whose stores all connect through a real PgBouncer in
// transaction mode (openStore), as a login in iam_app with
// Options.Pooler = PoolerTransaction.
func TestStore_SuiteThroughPgBouncer(t *testing.T) {
	t.Parallel()
	pgtest.PgBouncer(t) // fails here, saying what to install, without pgbouncer
	cmd := exec.Command(os.Args[0], "-test.count=1", "-test.v", "-test.timeout=10m", "-test.skip="+notThroughPooler)
	cmd.Env = append(os.Environ(), envVia+"=pgbouncer")
	out, err := cmd.CombinedOutput()
	passed, failed := 0, []string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "--- PASS: Test") && !strings.Contains(line, "/"):
			passed++
		case strings.HasPrefix(line, "--- FAIL: Test"):
			failed = append(failed, line)
		}
	}
	if err != nil {
		tail := out
		if len(tail) > 20000 {
			tail = tail[len(tail)-20000:]
		}
		t.Fatalf("the store suite through PgBouncer failed (%v): %s\n%s", err, strings.Join(failed, "; "), tail)
	}
	require.Greater(t, passed, 20, "too few tests ran through PgBouncer")
	t.Logf("%d tests passed through PgBouncer (transaction mode)", passed)
}

// poolerStore opens a store through PgBouncer as a new login in iam_app.
func poolerStore(t *testing.T, opts store.Options) (s *store.Store, dbURL, user, pw string) {
	t.Helper()
	dbURL = pgtest.NewDatabase(t)
	user, pw = pgtest.NewLogin(t, store.AppRole)
	opts.Pooler = store.PoolerTransaction
	s, err := store.Open(context.Background(), pgtest.PgBouncer(t).Via(t, dbURL, user, pw), opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, dbURL, user, pw
}

// Every server connection of the login's pool is looked at after the store
// used it: no tenant, no role change and no statement timeout of the store
// is left on any of them, while a client's session-level setting does stay
// (so the check can see one).
func TestPooler_NoStoreStateOutlivesATransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, dbURL, user, pw := poolerStore(t, store.Options{MaxConns: 20, StatementTimeout: 7 * time.Second})
	owner := newUser(t, s, "owner")
	org, _ := newOrg(t, s, owner, "pooled")
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, err := s.Org(org.ID).Members().List(ctx, store.Page{Limit: 10})
			require.NoError(t, err)
			require.NoError(t, s.Org(org.ID).InTx(ctx, func(tx *store.OrgTx) error {
				_, _, err := tx.Teams().List(ctx, store.Page{Limit: 1})
				return err
			}))
			_, err = s.Users().Get(ctx, owner.ID)
			require.NoError(t, err)
		}()
	}
	wg.Wait()

	raw, err := pgxpool.New(ctx, pgtest.PgBouncer(t).Via(t, dbURL, user, pw)+"&default_query_exec_mode=exec&pool_max_conns=20")
	require.NoError(t, err)
	defer raw.Close()
	// 20 transactions open at once take every server connection of the
	// pool (default_pool_size 20).
	type seen struct{ org, user, timeout string }
	var mu sync.Mutex
	var all []seen
	var ready, release sync.WaitGroup
	ready.Add(20)
	release.Add(1)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tx, err := raw.Begin(ctx)
			require.NoError(t, err)
			defer tx.Rollback(ctx)
			var v seen
			require.NoError(t, tx.QueryRow(ctx, "SELECT coalesce(current_setting('app.current_org_id', true), ''), current_user, current_setting('statement_timeout')").
				Scan(&v.org, &v.user, &v.timeout))
			mu.Lock()
			all = append(all, v)
			mu.Unlock()
			ready.Done()
			release.Wait()
		}()
	}
	ready.Wait()
	release.Done()
	wg.Wait()
	require.Len(t, all, 20)
	for _, v := range all {
		require.Equal(t, seen{"", user, "0"}, v, "state left on a server connection")
	}

	// The check sees session state when there is some: a session-level
	// set_config stays on its server connection for the next transaction.
	_, err = raw.Exec(ctx, "SELECT set_config('app.current_org_id', 'planted', false)")
	require.NoError(t, err)
	found := false
	for i := 0; i < 200 && !found; i++ {
		var v string
		require.NoError(t, raw.QueryRow(ctx, "SELECT coalesce(current_setting('app.current_org_id', true), '')").Scan(&v))
		found = v == "planted"
	}
	require.True(t, found, "a session-level setting should be visible to a later transaction on the pooled server connection")
}

func TestPooler_StatementTimeoutIsSetInEveryTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, _, _ := poolerStore(t, store.Options{StatementTimeout: 150 * time.Millisecond})
	var v string
	require.NoError(t, s.GlobalDB().QueryRow(ctx, "SELECT current_setting('statement_timeout')").Scan(&v))
	require.Equal(t, "150ms", v)
	_, err := s.GlobalDB().Exec(ctx, "SELECT pg_sleep(5)")
	var pgErr *pgconn.PgError
	require.True(t, errors.As(err, &pgErr), "%v", err)
	require.Equal(t, "57014", pgErr.Code) // query_canceled by statement_timeout

	// Without a timeout the global statements carry no prologue.
	s2, _, _, _ := poolerStore(t, store.Options{StatementTimeout: -1})
	require.NoError(t, s2.GlobalDB().QueryRow(ctx, "SELECT current_setting('statement_timeout')").Scan(&v))
	require.Equal(t, "0", v)
}

func TestPooler_OptionsThatCannotWorkBehindAPoolerAreRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	user, pw := pgtest.NewLogin(t, store.AppRole)
	via := pgtest.PgBouncer(t).Via(t, dbURL, user, pw)

	_, err := store.Open(ctx, via, store.Options{Pooler: store.PoolerTransaction, Role: store.AppRole})
	require.ErrorContains(t, err, "Options.Role")
	require.NotContains(t, err.Error(), pw)
	_, err = store.Open(ctx, via+"&default_query_exec_mode=cache_statement", store.Options{Pooler: store.PoolerTransaction})
	require.ErrorContains(t, err, "default_query_exec_mode=cache_statement")
	require.NotContains(t, err.Error(), pw)
	_, err = store.Open(ctx, via, store.Options{Pooler: "statement"})
	require.ErrorContains(t, err, "Options.Pooler")
	_, err = store.Open(ctx, via, store.Options{ReplicaURLs: []string{"postgres://u:hunter2@[::1"}})
	require.ErrorContains(t, err, "Options.ReplicaURLs[0]")
	require.NotContains(t, err.Error(), "hunter2")

	// A superuser through the pooler is refused like directly: SET ROLE is
	// not available there.
	_, err = store.Open(ctx, pgtest.PgBouncer(t).AdminURL(pgxDB(t, dbURL)), store.Options{Pooler: store.PoolerTransaction})
	require.ErrorIs(t, err, store.ErrBypassRLS)

	// Each query mode that works behind the pooler does.
	for _, mode := range []string{"cache_describe", "exec", "simple_protocol"} {
		s, err := store.Open(ctx, via+"&default_query_exec_mode="+mode, store.Options{Pooler: store.PoolerTransaction})
		require.NoError(t, err, mode)
		u := newUser(t, s, "mode")
		org, _ := newOrg(t, s, u, "mode")
		ms, _, err := s.Org(org.ID).Members().List(ctx, store.Page{Limit: 5})
		require.NoError(t, err, mode)
		require.Len(t, ms, 1, mode)
		s.Close()
	}
}

func pgxDB(t *testing.T, dbURL string) string {
	cfg, err := pgx.ParseConfig(dbURL)
	require.NoError(t, err)
	return cfg.Database
}

var _ = domain.NewID[domain.User]
