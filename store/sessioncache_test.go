package store_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// eventually is the one way these tests wait: for a condition the database
// makes true asynchronously (a notification), with a deadline generous
// enough for a loaded machine; nothing asserts how fast.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still not true after 30 s: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newCache starts a cache on s and waits until it listens.
func newCache(t *testing.T, s *store.Store, opts store.SessionCacheOptions) *store.SessionCache {
	t.Helper()
	c, err := s.NewSessionCache(opts)
	require.NoError(t, err)
	t.Cleanup(c.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, c.WaitLive(ctx), "the session cache never started listening")
	return c
}

// superuser is a connection outside the store, writing as Better Auth or psql
// would.
func superuser(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	return conn
}

// cachedSession creates a session and makes the cache hold it (one miss,
// then a hit).
func cachedSession(t *testing.T, s *store.Store, c *store.SessionCache, u domain.User) domain.Session {
	t.Helper()
	ctx := context.Background()
	sess, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "cache-test")
	require.NoError(t, err)
	before := c.Stats()
	_, err = c.LookupSession(ctx, sess.Token)
	require.NoError(t, err)
	require.Equal(t, before.Misses+1, c.Stats().Misses, "the first lookup goes to the database")
	// A notification of an earlier write for the same user (its membership,
	// written just before) may arrive after the first lookup and rightly
	// drop the entry once; a later lookup is then stored again.
	eventually(t, "a lookup is served from memory", func() bool {
		b := c.Stats()
		_, err := c.LookupSession(ctx, sess.Token)
		a := c.Stats()
		return err == nil && a.Hits == b.Hits+1 && a.Misses == b.Misses
	})
	return sess
}

func TestSessionCache_ServesFromMemoryAndForgetsWhatTheDatabaseChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, url := openStore(t)
	c := newCache(t, s, store.SessionCacheOptions{})
	su := superuser(t, url)

	t.Run("a session deleted by another writer is refused", func(t *testing.T) {
		u := newUser(t, s, "revoked")
		sess := cachedSession(t, s, c, u)
		other := cachedSession(t, s, c, u)
		_, err := su.Exec(ctx, `DELETE FROM shared_session WHERE id = $1`, sess.ID)
		require.NoError(t, err)
		eventually(t, "the deleted session is refused", func() bool {
			_, err := c.LookupSession(ctx, sess.Token)
			return errors.Is(err, store.ErrNotFound)
		})
		info, err := c.LookupSession(ctx, other.Token)
		require.NoError(t, err, "the user's other session is untouched")
		require.Equal(t, other.ID, info.Session.ID)
	})

	t.Run("a banned user is refused on every session", func(t *testing.T) {
		u := newUser(t, s, "banned")
		a, b := cachedSession(t, s, c, u), cachedSession(t, s, c, u)
		_, err := su.Exec(ctx, `UPDATE shared_user SET banned = true, ban_reason = 'spam' WHERE id = $1`, u.ID)
		require.NoError(t, err)
		for _, sess := range []domain.Session{a, b} {
			eventually(t, "the banned user's session is refused", func() bool {
				_, err := c.LookupSession(ctx, sess.Token)
				return errors.Is(err, store.ErrForbidden)
			})
		}
	})

	t.Run("a deleted user is refused", func(t *testing.T) {
		u := newUser(t, s, "deleted")
		sess := cachedSession(t, s, c, u)
		_, err := su.Exec(ctx, `DELETE FROM shared_user WHERE id = $1`, u.ID)
		require.NoError(t, err)
		eventually(t, "the deleted user's session is refused", func() bool {
			_, err := c.LookupSession(ctx, sess.Token)
			return errors.Is(err, store.ErrNotFound)
		})
	})

	t.Run("a changed membership is seen", func(t *testing.T) {
		u := newUser(t, s, "member")
		org, m := newOrg(t, s, u, "cache")
		sess, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "cache-test")
		require.NoError(t, err)
		_, err = s.SetActiveOrganization(ctx, sess.ID, org.ID)
		require.NoError(t, err)
		info, err := c.LookupSession(ctx, sess.Token)
		require.NoError(t, err)
		require.NotNil(t, info.Member)
		require.True(t, info.Member.Role.Has("owner"))
		_, err = su.Exec(ctx, `UPDATE iam_member SET role = 'admin' WHERE id = $1`, m.ID)
		require.NoError(t, err)
		eventually(t, "the new role is served", func() bool {
			info, err := c.LookupSession(ctx, sess.Token)
			return err == nil && info.Member != nil && info.Member.Role.Has("admin")
		})
		_, err = su.Exec(ctx, `DELETE FROM iam_member WHERE id = $1`, m.ID)
		require.NoError(t, err)
		eventually(t, "the removed membership is gone", func() bool {
			info, err := c.LookupSession(ctx, sess.Token)
			return err == nil && info.Member == nil
		})
	})

	t.Run("a session moved to another organization is seen", func(t *testing.T) {
		u := newUser(t, s, "mover")
		org, _ := newOrg(t, s, u, "move")
		sess := cachedSession(t, s, c, u)
		_, err := s.SetActiveOrganization(ctx, sess.ID, org.ID)
		require.NoError(t, err)
		eventually(t, "the active organization is served", func() bool {
			info, err := c.LookupSession(ctx, sess.Token)
			return err == nil && info.Member != nil && info.Member.OrganizationID == org.ID
		})
	})

	t.Run("a revoked session never comes back", func(t *testing.T) {
		// Lookups race the revocation from 8 goroutines; once one of them
		// sees it refused, no later lookup may be served the old entry.
		u := newUser(t, s, "race")
		sess := cachedSession(t, s, c, u)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for range 8 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
						_, _ = c.LookupSession(ctx, sess.Token)
					}
				}
			})
		}
		_, err := su.Exec(ctx, `DELETE FROM shared_session WHERE id = $1`, sess.ID)
		require.NoError(t, err)
		eventually(t, "the revoked session is refused", func() bool {
			_, err := c.LookupSession(ctx, sess.Token)
			return errors.Is(err, store.ErrNotFound)
		})
		for i := range 500 {
			_, err := c.LookupSession(ctx, sess.Token)
			require.ErrorIsf(t, err, store.ErrNotFound, "lookup %d after the refusal", i)
		}
		close(stop)
		wg.Wait()
	})

	t.Run("a rolled-back change invalidates nothing", func(t *testing.T) {
		u := newUser(t, s, "rollback")
		sess := cachedSession(t, s, c, u)
		tx, err := su.Begin(ctx)
		require.NoError(t, err)
		_, err = tx.Exec(ctx, `DELETE FROM shared_session WHERE id = $1`, sess.ID)
		require.NoError(t, err)
		require.NoError(t, tx.Rollback(ctx))
		// A committed change afterwards: once it is seen, the rollback's
		// (had it sent anything) would have been seen before it.
		marker := cachedSession(t, s, c, newUser(t, s, "marker"))
		_, err = su.Exec(ctx, `DELETE FROM shared_session WHERE id = $1`, marker.ID)
		require.NoError(t, err)
		eventually(t, "the marker's deletion is seen", func() bool {
			_, err := c.LookupSession(ctx, marker.Token)
			return errors.Is(err, store.ErrNotFound)
		})
		before := c.Stats().Hits
		_, err = c.LookupSession(ctx, sess.Token)
		require.NoError(t, err)
		require.Equal(t, before+1, c.Stats().Hits, "the session survived the rolled-back delete in memory")
	})
}

func TestSessionCache_OnlySuccessfulLookupsAreCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, url := openStore(t)
	c := newCache(t, s, store.SessionCacheOptions{})
	_, err := c.LookupSession(ctx, domain.NewSecret("no-such-token"))
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = c.LookupSession(ctx, domain.NewSecret("no-such-token"))
	require.ErrorIs(t, err, store.ErrNotFound)
	u := newUser(t, s, "expired")
	sess, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "cache-test")
	require.NoError(t, err)
	_, err = superuser(t, url).Exec(ctx, `UPDATE shared_session SET created_at = now() - interval '2 hours', expires_at = now() - interval '1 hour' WHERE id = $1`, sess.ID)
	require.NoError(t, err)
	_, err = c.LookupSession(ctx, sess.Token)
	require.ErrorIs(t, err, store.ErrExpired)
	st := c.Stats()
	require.Zero(t, st.Hits)
	require.Equal(t, uint64(3), st.Misses)
	require.Zero(t, st.Entries)
}

func TestSessionCache_BoundsItsEntriesAndTheirAge(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openStore(t)
	u := newUser(t, s, "bounded")

	c := newCache(t, s, store.SessionCacheOptions{MaxEntries: 2})
	for range 5 {
		sess, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "cache-test")
		require.NoError(t, err)
		_, err = c.LookupSession(ctx, sess.Token)
		require.NoError(t, err)
		require.LessOrEqual(t, c.Stats().Entries, 2)
	}
	require.Equal(t, uint64(3), c.Stats().Evictions)

	short := newCache(t, s, store.SessionCacheOptions{TTL: time.Nanosecond})
	sess, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "cache-test")
	require.NoError(t, err)
	for range 3 {
		_, err = short.LookupSession(ctx, sess.Token)
		require.NoError(t, err)
	}
	require.Zero(t, short.Stats().Hits, "an entry older than the TTL is not served")
}

func TestSessionCache_RefusesBadOptionsNamingEachField(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	_, err := s.NewSessionCache(store.SessionCacheOptions{MaxEntries: -1, TTL: -time.Second, Heartbeat: -1, ListenURL: "postgres://%zz"})
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, f := range []string{"maxEntries", "ttl", "heartbeat", "listenURL"} {
		require.Containsf(t, err.Error(), f, "the error names %s", f)
	}
	require.NotContains(t, err.Error(), "%zz", "the URL is not echoed")
}

// TestSessionCache_FallsBackToTheDatabaseWhileNotListening cuts the
// notification connection (a proxy in between): the cache stops serving
// from memory at once, every lookup sees the database (a ban during the
// outage is refused), and once the connection is back it caches again.
// Then the proxy goes silent without closing anything: the heartbeat notices.
func TestSessionCache_FallsBackToTheDatabaseWhileNotListening(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, dbURL := openStore(t)
	p := newProxy(t, dbURL)
	states := make(chan bool, 16)
	c := newCache(t, s, store.SessionCacheOptions{ListenURL: p.url, Heartbeat: 200 * time.Millisecond,
		OnStateChange: func(live bool, _ error) { states <- live }})
	require.True(t, <-states)
	u := newUser(t, s, "outage")
	sess := cachedSession(t, s, c, u)

	p.cut()
	require.False(t, <-states, "the cache notices the lost connection")
	require.False(t, c.Live())
	_, err := superuser(t, dbURL).Exec(ctx, `UPDATE shared_user SET banned = true WHERE id = $1`, u.ID)
	require.NoError(t, err)
	before := c.Stats()
	_, err = c.LookupSession(ctx, sess.Token)
	require.ErrorIs(t, err, store.ErrForbidden, "while not listening, lookups go to the database")
	require.Equal(t, before.Bypassed+1, c.Stats().Bypassed)
	require.Zero(t, c.Stats().Entries)

	p.restore()
	require.True(t, <-states, "the cache listens again")
	other := cachedSession(t, s, c, newUser(t, s, "after"))
	require.NotEmpty(t, other.ID)
	require.GreaterOrEqual(t, c.Stats().Reconnects, uint64(1))

	p.freeze()
	require.False(t, <-states, "a connection that stops answering fails the heartbeat")
	p.restore()
	require.True(t, <-states, "and is replaced")
}

// proxy forwards TCP connections to the test server, and can cut them
// (close everything, refuse new ones), freeze them (stop forwarding, keep
// them open) and restore.
type proxy struct {
	t       *testing.T
	url     string
	network string
	target  string
	mu      sync.Mutex
	conns   []net.Conn
	down    bool
	frozen  chan struct{} // closed when not frozen
	ln      net.Listener
}

func newProxy(t *testing.T, dbURL string) *proxy {
	t.Helper()
	cfg, err := pgx.ParseConfig(dbURL)
	require.NoError(t, err)
	p := &proxy{t: t, network: "tcp", target: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), frozen: make(chan struct{})}
	close(p.frozen)
	if len(cfg.Host) > 0 && cfg.Host[0] == '/' {
		p.network, p.target = "unix", cfg.Host+"/.s.PGSQL."+strconv.Itoa(int(cfg.Port))
	}
	p.ln, err = net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.ln.Close(); p.closeAll() })
	u, err := url.Parse(dbURL)
	require.NoError(t, err)
	q := u.Query()
	q.Del("host")
	q.Del("port")
	u.RawQuery = q.Encode()
	u.Host = p.ln.Addr().String()
	p.url = u.String()
	go p.accept()
	return p
}

func (p *proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		up, err := net.Dial(p.network, p.target)
		if err != nil {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		p.conns = append(p.conns, c, up)
		p.mu.Unlock()
		go p.pipe(c, up)
		go p.pipe(up, c)
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			frozen := p.frozen
			p.mu.Unlock()
			<-frozen
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				_ = dst.Close()
			}
			_ = dst.Close()
			return
		}
	}
}

func (p *proxy) closeAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		_ = c.Close()
	}
	p.conns = nil
}

// cut closes every connection and refuses new ones.
func (p *proxy) cut() {
	p.mu.Lock()
	p.down = true
	p.mu.Unlock()
	p.closeAll()
}

// freeze stops forwarding bytes; connections stay open.
func (p *proxy) freeze() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	p.frozen = make(chan struct{})
}

// restore forwards again and accepts new connections; frozen connections
// are closed (as a network that comes back would reset them).
func (p *proxy) restore() {
	p.mu.Lock()
	wasFrozen := p.frozen
	p.down = false
	p.frozen = make(chan struct{})
	close(p.frozen)
	p.mu.Unlock()
	select {
	case <-wasFrozen:
	default:
		p.closeAll()
		close(wasFrozen)
	}
}

// TestSessionCache_MissesReadThePrimaryWithReplicas: with a read replica
// whose replay is paused, the cache still stores only what the primary
// says, so a revocation on the primary is refused although the replica
// still holds the session.
func TestSessionCache_MissesReadThePrimaryWithReplicas(t *testing.T) {
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t)
	sb := pgtest.StartStandby(t)
	s, err := store.Open(ctx, dbURL, store.Options{MaxConns: 4, ReplicaURLs: []string{sb.Via(t, dbURL)}, ReplicaRetry: time.Hour})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	c := newCache(t, s, store.SessionCacheOptions{})
	u := newUser(t, s, "replicated")
	sess, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "cache-test")
	require.NoError(t, err)
	sb.CatchUp(t)
	sb.PauseReplay(t)
	t.Cleanup(func() { sb.ResumeReplay(t) })

	require.NoError(t, s.RevokeSession(ctx, sess.ID))
	_, err = s.LookupSession(ctx, sess.Token)
	require.NoError(t, err, "the lagging replica still has the session")
	eventually(t, "the cache refuses the session the primary revoked", func() bool {
		_, err := c.LookupSession(ctx, sess.Token)
		return errors.Is(err, store.ErrNotFound)
	})
	other, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "cache-test")
	require.NoError(t, err)
	_, err = c.LookupSession(ctx, other.Token)
	require.NoError(t, err)
	require.NoError(t, s.RevokeSession(ctx, other.ID))
	eventually(t, "a cached session revoked on the primary is refused while the replica lags", func() bool {
		_, err := c.LookupSession(ctx, other.Token)
		return errors.Is(err, store.ErrNotFound)
	})
}

// TestSessionCache_NeedsASessionOfItsOwnBehindATransactionPooler: with the
// store behind PgBouncer in transaction mode, a cache without ListenURL is
// refused naming the field; one listening through the pooler anyway never
// serves from memory; with ListenURL pointing past the pooler it listens
// and invalidates.
func TestSessionCache_NeedsASessionOfItsOwnBehindATransactionPooler(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	user, pw := pgtest.NewLogin(t, store.AppRole)
	s, err := store.Open(ctx, pgtest.PgBouncer(t).Via(t, url, user, pw), store.Options{MaxConns: 4, Pooler: store.PoolerTransaction})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	_, err = s.NewSessionCache(store.SessionCacheOptions{})
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.True(t, ve.Has("listenURL", "required_with_pooler"), err)

	// Pointed at the pooler anyway, LISTEN succeeds but hears nothing from
	// other sessions: the heartbeat never arrives, so the cache never serves
	// from memory, and a revocation is seen at once.
	states := make(chan bool, 16)
	deaf, err := s.NewSessionCache(store.SessionCacheOptions{ListenURL: pgtest.PgBouncer(t).Via(t, url, user, pw), Heartbeat: 200 * time.Millisecond,
		OnStateChange: func(live bool, _ error) { states <- live }})
	require.NoError(t, err)
	t.Cleanup(deaf.Close)
	eventually(t, "two heartbeats through the pooler fail", func() bool { return deaf.Stats().HeartbeatFailures >= 2 })
	u0 := newUser(t, s, "deaf")
	s0, err := s.CreateSession(ctx, u0.ID, time.Hour, "127.0.0.1", "cache-test")
	require.NoError(t, err)
	for range 2 {
		_, err = deaf.LookupSession(ctx, s0.Token)
		require.NoError(t, err)
	}
	require.NoError(t, s.RevokeSession(ctx, s0.ID))
	_, err = deaf.LookupSession(ctx, s0.Token)
	require.ErrorIs(t, err, store.ErrNotFound, "a cache that cannot hear goes to the database")
	require.Zero(t, deaf.Stats().Hits)
	require.Empty(t, states, "it never started serving from memory")

	c := newCache(t, s, store.SessionCacheOptions{ListenURL: pgtest.WithUser(url, user, pw)})
	u := newUser(t, s, "pooled")
	sess := cachedSession(t, s, c, u)
	require.NoError(t, s.RevokeSession(ctx, sess.ID))
	eventually(t, "the revocation reaches the cache past the pooler", func() bool {
		_, err := c.LookupSession(ctx, sess.Token)
		return errors.Is(err, store.ErrNotFound)
	})
}
