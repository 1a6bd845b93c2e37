package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
)

// SessionCacheOptions configure NewSessionCache. The zero value is usable.
type SessionCacheOptions struct {
	// MaxEntries bounds the number of cached sessions (0: 100,000). When
	// full, an arbitrary entry makes room for the new one.
	MaxEntries int
	// TTL is the longest one database lookup is served from memory (0: one
	// minute), and never past the session's expiresAt. Invalidation does
	// not depend on it: it bounds the damage of a change the triggers do not
	// see (a writer with session_replication_role = replica, which skips
	// triggers).
	TTL time.Duration
	// ListenURL is the database the notification connection uses ("": the
	// store's own connection settings). Set it when the store goes through
	// a transaction-pooling proxy (PgBouncer), where LISTEN does not work:
	// point it at the server, or at a session-mode pool.
	ListenURL string
	// Heartbeat is how long the notification connection may stay silent
	// before it proves itself (0: 2 s): a second connection with the
	// store's own settings sends a notification, which must arrive within a
	// Heartbeat. A new connection does the
	// same before the cache serves from memory. A connection that fails it
	// is given up: the cache is emptied and every lookup goes to the
	// database until a new connection listens again.
	Heartbeat time.Duration
	// OnStateChange, when set, is called (from the listener's goroutine)
	// each time the cache starts or stops serving from memory; err is why
	// it stopped (nil when it starts). For logs and metrics.
	OnStateChange func(live bool, err error)
}

// SessionCacheStats are counters since the cache was created.
type SessionCacheStats struct {
	Entries int  // sessions in memory now
	Live    bool // listening: lookups may be served from memory
	// Hits were served from memory; Misses went to the database while live
	// (and were then cached when they succeeded); Bypassed went to the
	// database because the cache was not listening.
	Hits, Misses, Bypassed uint64
	// Invalidations counts notifications received; Evictions entries
	// dropped to stay within MaxEntries; Reconnects listening connections
	// lost; HeartbeatFailures heartbeats (the cache's own notification,
	// sent and awaited when the connection is new or has been silent) that
	// did not come back.
	Invalidations, Evictions, Reconnects, HeartbeatFailures uint64
}

// SessionCache serves LookupSession from memory, and forgets a session the
// moment the database announces that it may have changed: the triggers of
// migration 0004 NOTIFY schema.SessionChangesChannel when a session is
// updated or deleted, when a user is updated or deleted (a ban) and when a
// membership changes, whoever writes (Better Auth, Go, psql). A dedicated
// connection LISTENs; while it is not listening (not yet connected, lost,
// failing its heartbeat) the cache is empty and every lookup goes to the
// database, so it never serves what it might have missed.
//
// Only successful lookups are cached; an unknown, expired or forbidden
// session always asks the database. A lookup whose query started before an
// invalidation arrived is not stored: PostgreSQL delivers a notification
// only once its transaction is visible to new snapshots, so an entry is
// never older than the last notification the cache has seen. That holds
// for lookups answered by the server that sends the notifications, so with
// read replicas (Options.ReplicaURLs) the misses of a listening cache read
// the primary (ReadPrimary); while not listening, lookups are the store's
// own (replicas included) and nothing is stored.
//
// It is safe for concurrent use. The SessionInfo values it returns share
// their pointer fields (User.Image, ...) with the cache: treat them as read
// only (Member is a copy).
type SessionCache struct {
	s      *Store
	opts   SessionCacheOptions
	conn   *pgx.ConnConfig // the listening connection's
	sender *pgx.ConnConfig // the heartbeat sender's: the store's own settings

	mu        sync.RWMutex
	entries   map[string]*cacheEntry         // by plain token
	bySession map[string]string              // session id -> token
	byUser    map[string]map[string]struct{} // user id -> tokens
	liveCh    chan struct{}                  // closed while live
	epoch     atomic.Uint64                  // bumped under mu by every invalidation and state change
	live      atomic.Bool

	hits, misses, bypassed, invalidations, evictions, reconnects atomic.Uint64
	heartbeatFailures, beats                                     atomic.Uint64
	nonce                                                        string // tells this cache's heartbeats from others'

	cancel context.CancelFunc
	done   chan struct{}
}

type cacheEntry struct {
	info    SessionInfo
	until   time.Time
	session string
	user    string
}

// NewSessionCache starts a cache of s.LookupSession. It returns at once;
// lookups go to the database until the notification connection listens
// (WaitLive waits for that). Close stops it. Invalid options are a
// *domain.ValidationError naming each field.
func (s *Store) NewSessionCache(opts SessionCacheOptions) (*SessionCache, error) {
	v := domain.NewValidator("session_cache")
	v.Check(opts.MaxEntries >= 0, "maxEntries", "non_negative", "maxEntries must not be negative")
	v.Check(opts.TTL >= 0, "ttl", "non_negative", "ttl must not be negative")
	v.Check(opts.Heartbeat >= 0, "heartbeat", "non_negative", "heartbeat must not be negative")
	var cfg *pgx.ConnConfig
	if opts.ListenURL != "" {
		c, err := pgx.ParseConfig(opts.ListenURL)
		v.Check(err == nil, "listenURL", "database_url", "listenURL is not a valid PostgreSQL URL")
		cfg = c
	} else {
		v.Check(s.opts.Pooler != PoolerTransaction, "listenURL", "required_with_pooler",
			"listenURL is required with Options.Pooler transaction: LISTEN needs a session of its own (the server, or a session-mode pool)")
		cfg = s.pool.Config().ConnConfig.Copy()
		if s.listenDial != nil {
			cfg.DialFunc = s.listenDial
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	if opts.MaxEntries == 0 {
		opts.MaxEntries = 100_000
	}
	if opts.TTL == 0 {
		opts.TTL = time.Minute
	}
	if opts.Heartbeat == 0 {
		opts.Heartbeat = 2 * time.Second
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["application_name"] = "iam-session-cache"
	ctx, cancel := context.WithCancel(context.Background())
	c := &SessionCache{
		s: s, opts: opts, conn: cfg, sender: s.pool.Config().ConnConfig,
		entries: map[string]*cacheEntry{}, bySession: map[string]string{}, byUser: map[string]map[string]struct{}{},
		liveCh: make(chan struct{}), nonce: randomNonce(),
		cancel: cancel, done: make(chan struct{}),
	}
	go c.run(ctx)
	return c, nil
}

// LookupSession is Store.LookupSession, served from memory when the cache
// holds the token and is listening.
func (c *SessionCache) LookupSession(ctx context.Context, token domain.Secret) (SessionInfo, error) {
	key := token.Reveal()
	if c.live.Load() {
		c.mu.RLock()
		e := c.entries[key]
		c.mu.RUnlock()
		if e != nil && time.Now().Before(e.until) {
			c.hits.Add(1)
			info := e.info
			if info.Member != nil {
				m := *info.Member
				info.Member = &m
			}
			return info, nil
		}
	}
	// Read before the query: an invalidation that arrives meanwhile bumps
	// it, and the result is then not stored.
	epoch := c.epoch.Load()
	live := c.live.Load()
	if live {
		// What is stored must come from the server that notifies: a lagging
		// replica (Options.ReplicaURLs) may still hold a revoked session.
		ctx = ReadPrimary(ctx)
	}
	info, err := c.s.LookupSession(ctx, token)
	if !live {
		c.bypassed.Add(1)
		return info, err
	}
	c.misses.Add(1)
	if err == nil {
		c.put(key, epoch, info)
	}
	return info, err
}

func (c *SessionCache) put(key string, epoch uint64, info SessionInfo) {
	until := time.Now().Add(c.opts.TTL)
	if info.Session.ExpiresAt.Before(until) {
		until = info.Session.ExpiresAt
	}
	e := &cacheEntry{info: info, until: until, session: info.Session.ID.String(), user: info.User.ID.String()}
	if info.Member != nil {
		m := *info.Member
		e.info.Member = &m
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.live.Load() || c.epoch.Load() != epoch {
		return
	}
	if old, ok := c.entries[key]; ok {
		c.removeLocked(key, old)
	}
	for k, old := range c.entries {
		if len(c.entries) < c.opts.MaxEntries {
			break
		}
		c.removeLocked(k, old)
		c.evictions.Add(1)
	}
	c.entries[key] = e
	c.bySession[e.session] = key
	tokens := c.byUser[e.user]
	if tokens == nil {
		tokens = map[string]struct{}{}
		c.byUser[e.user] = tokens
	}
	tokens[key] = struct{}{}
}

func (c *SessionCache) removeLocked(key string, e *cacheEntry) {
	delete(c.entries, key)
	if c.bySession[e.session] == key {
		delete(c.bySession, e.session)
	}
	if tokens := c.byUser[e.user]; tokens != nil {
		delete(tokens, key)
		if len(tokens) == 0 {
			delete(c.byUser, e.user)
		}
	}
}

// invalidate handles one notification: a session id drops that session, a
// user id every session of the user, anything else everything.
func (c *SessionCache) invalidate(payload string) {
	c.invalidations.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch.Add(1)
	switch {
	case strings.HasPrefix(payload, domain.TableSession+domain.IDSeparator):
		if key, ok := c.bySession[payload]; ok {
			c.removeLocked(key, c.entries[key])
		}
	case strings.HasPrefix(payload, domain.TableUser+domain.IDSeparator):
		for key := range c.byUser[payload] {
			c.removeLocked(key, c.entries[key])
		}
	default:
		c.clearLocked()
	}
}

func (c *SessionCache) clearLocked() {
	clear(c.entries)
	clear(c.bySession)
	clear(c.byUser)
}

// setLive switches between serving from memory and bypassing it. Either
// way the entries are dropped and in-flight lookups are not stored: what
// was cached before a connection was lost may have missed notifications.
func (c *SessionCache) setLive(live bool, err error) {
	c.mu.Lock()
	if c.live.Load() == live {
		c.mu.Unlock()
		return
	}
	c.epoch.Add(1)
	c.clearLocked()
	c.live.Store(live)
	if live {
		close(c.liveCh)
	} else {
		c.liveCh = make(chan struct{})
	}
	c.mu.Unlock()
	if c.opts.OnStateChange != nil {
		c.opts.OnStateChange(live, err)
	}
}

// WaitLive waits until the cache listens (lookups may be served from
// memory), or ctx ends.
func (c *SessionCache) WaitLive(ctx context.Context) error {
	c.mu.RLock()
	ch := c.liveCh
	c.mu.RUnlock()
	select {
	case <-ch:
		return nil
	case <-c.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Live reports whether lookups may be served from memory now.
func (c *SessionCache) Live() bool { return c.live.Load() }

// Stats returns the cache's counters.
func (c *SessionCache) Stats() SessionCacheStats {
	c.mu.RLock()
	n := len(c.entries)
	c.mu.RUnlock()
	return SessionCacheStats{
		Entries: n, Live: c.live.Load(),
		Hits: c.hits.Load(), Misses: c.misses.Load(), Bypassed: c.bypassed.Load(),
		Invalidations: c.invalidations.Load(), Evictions: c.evictions.Load(), Reconnects: c.reconnects.Load(),
		HeartbeatFailures: c.heartbeatFailures.Load(),
	}
}

// Close stops listening and empties the cache; later lookups go to the
// database.
func (c *SessionCache) Close() {
	c.cancel()
	<-c.done
}

// run keeps a notification connection, reconnecting with a growing delay
// (100 ms to 5 s) while the database cannot be reached.
func (c *SessionCache) run(ctx context.Context) {
	defer close(c.done)
	defer c.setLive(false, ErrClosed)
	const minDelay, maxDelay = 100 * time.Millisecond, 5 * time.Second
	delay := minDelay
	for {
		wasLive, err := c.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		c.setLive(false, err)
		if wasLive {
			c.reconnects.Add(1)
			delay = minDelay
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(delay):
		}
		delay = min(2*delay, maxDelay)
	}
}

// listen connects, LISTENs, proves that its own notifications come back,
// and handles notifications until the connection fails or a heartbeat is
// not delivered; wasLive reports whether it got as far as listening.
func (c *SessionCache) listen(ctx context.Context) (wasLive bool, err error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.ConnectConfig(cctx, c.conn.Copy())
	cancel()
	if err != nil {
		return false, fmt.Errorf("store: session cache: connect: %w", classifyPlain(err))
	}
	defer func() { _ = conn.Close(context.WithoutCancel(ctx)) }()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{schema.SessionChangesChannel}.Sanitize()); err != nil {
		return false, fmt.Errorf("store: session cache: LISTEN: %w", classifyPlain(err))
	}
	// Heartbeats are sent from another session, as every real change is:
	// behind a transaction-mode pooler LISTEN succeeds on a server
	// connection that is then handed to other clients, and what other
	// sessions notify never arrives (a notification sent on the listening
	// connection itself could, when the pooler gives it the same server
	// connection back). Listening only counts once one made the trip.
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	sender, err := pgx.ConnectConfig(sctx, c.sender.Copy())
	cancel()
	if err != nil {
		return false, fmt.Errorf("store: session cache: connect the heartbeat sender: %w", classifyPlain(err))
	}
	defer func() { _ = sender.Close(context.WithoutCancel(ctx)) }()
	if err := c.heartbeat(ctx, conn, sender); err != nil {
		return false, err
	}
	c.setLive(true, nil)
	for {
		wctx, cancel := context.WithTimeout(ctx, c.opts.Heartbeat)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			if !strings.HasPrefix(n.Payload, heartbeatPrefix) {
				c.invalidate(n.Payload)
			}
			continue
		case ctx.Err() != nil:
			return true, ctx.Err()
		case !pgconn.Timeout(err) && !errors.Is(err, context.DeadlineExceeded):
			return true, fmt.Errorf("store: session cache: notification connection lost: %w", classifyPlain(err))
		}
		// Silent for a heartbeat: prove the whole path again.
		if err := c.heartbeat(ctx, conn, sender); err != nil {
			return true, err
		}
	}
}

// heartbeatPrefix starts the payload of a cache's own notification, which
// invalidates nothing (ids never start with it).
const heartbeatPrefix = "iam:heartbeat:"

// heartbeat sends a notification on the cache's channel from sender and
// waits (one Heartbeat at most) until it arrives on conn, handling
// whatever else arrives meanwhile.
func (c *SessionCache) heartbeat(ctx context.Context, conn, sender *pgx.Conn) error {
	payload := heartbeatPrefix + c.nonce + ":" + strconv.FormatUint(c.beats.Add(1), 10)
	hctx, cancel := context.WithTimeout(ctx, c.opts.Heartbeat)
	defer cancel()
	fail := func(err error) error {
		c.heartbeatFailures.Add(1)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("store: session cache: heartbeat failed: %w", classifyPlain(err))
	}
	if _, err := sender.Exec(hctx, "SELECT pg_catalog.pg_notify($1, $2)", schema.SessionChangesChannel, payload); err != nil {
		return fail(err)
	}
	for {
		n, err := conn.WaitForNotification(hctx)
		if err != nil {
			return fail(errors.New("the cache's own notification did not come back (a transaction-mode pooler in between? set ListenURL)"))
		}
		switch {
		case n.Payload == payload:
			return nil
		case strings.HasPrefix(n.Payload, heartbeatPrefix):
		default:
			c.invalidate(n.Payload)
		}
	}
}

func randomNonce() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
