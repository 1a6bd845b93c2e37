package store_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// The fault tests put the store under load (writers creating sessions,
// readers looking one up), break the primary, the standby or the pooler
// in the middle, bring it back, and assert correctness only:
//
//   - nothing acknowledged is lost: every session whose CreateSession
//     returned no error, before, during or after the fault, is found on
//     the primary afterwards;
//   - no call waits forever: every call runs under a context deadline
//     (faultCallTimeout), every failure is ErrUnavailable or ErrTimeout
//     (the store names what happened), and every worker returns;
//   - the same Store recovers by itself: after the restart every worker
//     succeeds again without the store being reopened.
//
// The figures (errors in the window, time to the first success and to the
// last error after the restart) are logged, not asserted; docs/scaling.md
// and docs/benchmarks.md quote them. IAM_FAULT_ROUNDS=N repeats each fault
// N times (default 1). These tests are not parallel: they stop servers
// that the whole test binary shares.

const (
	faultCallTimeout = 5 * time.Second
	faultWorkers     = 8
	// faultMaxOps bounds each worker's loop; faultRecoveryBound bounds the
	// wait for recovery (a failure, not a measurement, when exceeded).
	faultMaxOps        = 200000
	faultRecoveryBound = 60 * time.Second
)

func faultRounds() int {
	if n, err := strconv.Atoi(os.Getenv("IAM_FAULT_ROUNDS")); err == nil && n > 0 {
		return n
	}
	return 1
}

type faultCall struct {
	worker     int
	write      bool
	begin, end time.Duration // since the load started
	err        error
}

// faultLoad runs writers and readers against s until stop.
type faultLoad struct {
	t     *testing.T
	s     *store.Store
	user  domain.UserID
	token domain.Secret
	start time.Time

	mu    sync.Mutex
	calls []faultCall
	acked []domain.Session

	stop atomic.Bool
	wg   sync.WaitGroup
	ok   atomic.Int64
}

func startFaultLoad(t *testing.T, s *store.Store, user domain.UserID, token domain.Secret) *faultLoad {
	l := &faultLoad{t: t, s: s, user: user, token: token, start: time.Now()}
	for w := 0; w < faultWorkers; w++ {
		l.wg.Add(1)
		go l.worker(w, w%2 == 0)
	}
	return l
}

func (l *faultLoad) since() time.Duration { return time.Since(l.start) }

func (l *faultLoad) worker(w int, write bool) {
	defer l.wg.Done()
	ctx := store.WithActor(context.Background(), "fault-test")
	for i := 0; i < faultMaxOps && !l.stop.Load(); i++ {
		cctx, cancel := context.WithTimeout(ctx, faultCallTimeout)
		begin := l.since()
		var err error
		var sess domain.Session
		if write {
			sess, err = l.s.CreateSession(cctx, l.user, time.Hour, "127.0.0.1", "fault-test")
		} else {
			_, err = l.s.LookupSession(cctx, l.token)
		}
		cancel()
		c := faultCall{worker: w, write: write, begin: begin, end: l.since(), err: err}
		l.mu.Lock()
		l.calls = append(l.calls, c)
		if write && err == nil {
			l.acked = append(l.acked, sess)
		}
		l.mu.Unlock()
		if err == nil {
			l.ok.Add(1)
		} else {
			// A failing call returns at once while the server is down;
			// do not spin.
			time.Sleep(time.Millisecond)
		}
	}
}

// waitOK waits until n more calls have succeeded.
func (l *faultLoad) waitOK(n int64) {
	l.t.Helper()
	target := l.ok.Load() + n
	deadline := time.Now().Add(faultRecoveryBound)
	for l.ok.Load() < target {
		if time.Now().After(deadline) {
			l.t.Fatalf("fewer than %d calls succeeded within %s", n, faultRecoveryBound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitEveryWorkerOKAfter waits until every worker has succeeded with a
// call that began after at: the store recovered by itself.
func (l *faultLoad) waitEveryWorkerOKAfter(at time.Duration) {
	l.t.Helper()
	deadline := time.Now().Add(faultRecoveryBound)
	for {
		l.mu.Lock()
		seen := map[int]bool{}
		for _, c := range l.calls {
			if c.err == nil && c.begin >= at {
				seen[c.worker] = true
			}
		}
		l.mu.Unlock()
		if len(seen) == faultWorkers {
			return
		}
		if time.Now().After(deadline) {
			l.t.Fatalf("the store did not recover by itself: %d of %d workers succeeded within %s of the restart", len(seen), faultWorkers, faultRecoveryBound)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// finish stops the workers and checks that each returned: a worker stuck
// in a call would mean a wait that no timeout bounds.
func (l *faultLoad) finish() {
	l.t.Helper()
	l.stop.Store(true)
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * faultCallTimeout):
		l.t.Fatalf("a worker did not return within 3x its call timeout (%s): a wait no timeout bounds", faultCallTimeout)
	}
}

// faultFigures are what a round measured.
type faultFigures struct {
	calls, errors, errorsBefore, errorsInWindow, errorsAfter int
	writeErrors                                              int
	// inFlight calls had begun before the fault and ended after it;
	// inFlightFailed of them failed (for writes: committed or not, the
	// caller cannot know).
	inFlight, inFlightFailed, inFlightWritesFailed int
	// slowestFailure is the longest a failing call took: failures are
	// fast, nothing waits for the server to come back.
	slowestFailure                                      time.Duration
	downFor, firstOKAfter, lastErrorAfter, firstOKSince time.Duration
	kinds                                               map[string]int
}

func (f faultFigures) String() string {
	var kinds []string
	for k, n := range f.kinds {
		kinds = append(kinds, fmt.Sprintf("%s=%d", k, n))
	}
	sort.Strings(kinds)
	return fmt.Sprintf("%d calls; fault to restarted %s; in flight at the fault %d, of which failed %d (writes %d); "+
		"errors %d (before the fault %d, until restarted %d, after %d; writes %d; %s), slowest failing call %s; "+
		"first success %s after the restart (%s after the fault), last error %s after the restart",
		f.calls, f.downFor.Round(time.Millisecond), f.inFlight, f.inFlightFailed, f.inFlightWritesFailed,
		f.errors, f.errorsBefore, f.errorsInWindow, f.errorsAfter, f.writeErrors, strings.Join(kinds, " "), f.slowestFailure.Round(100*time.Microsecond),
		f.firstOKAfter.Round(100*time.Microsecond), f.firstOKSince.Round(time.Millisecond), f.lastErrorAfter.Round(100*time.Microsecond))
}

// check asserts the per-call rules and computes the figures for a fault
// between down and up (offsets of the load's clock).
func (l *faultLoad) check(down, up time.Duration, allowed ...error) faultFigures {
	l.t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	f := faultFigures{calls: len(l.calls), downFor: up - down, kinds: map[string]int{}, firstOKAfter: -1}
	for _, c := range l.calls {
		if c.begin < down && c.end >= down {
			f.inFlight++
			if c.err != nil {
				f.inFlightFailed++
				if c.write {
					f.inFlightWritesFailed++
				}
			}
		}
		if c.err != nil && c.end-c.begin > f.slowestFailure {
			f.slowestFailure = c.end - c.begin
		}
		if c.err == nil {
			if c.begin >= up && (f.firstOKAfter < 0 || c.end-up < f.firstOKAfter) {
				f.firstOKAfter = c.end - up
			}
			continue
		}
		f.errors++
		if c.write {
			f.writeErrors++
		}
		switch {
		case c.end < down:
			f.errorsBefore++
		case c.begin < up:
			f.errorsInWindow++
		default:
			f.errorsAfter++
			if c.end-up > f.lastErrorAfter {
				f.lastErrorAfter = c.end - up
			}
		}
		kind := "other"
		for _, a := range allowed {
			if errors.Is(c.err, a) {
				kind = a.Error()
				break
			}
		}
		f.kinds[kind]++
		if kind == "other" {
			l.t.Errorf("worker %d: a call failed with an error that is neither %v: %v", c.worker, allowed, c.err)
		}
	}
	f.firstOKSince = f.firstOKAfter + f.downFor
	return f
}

// checkAcked asserts that every acknowledged session is on the primary.
func (l *faultLoad) checkAcked(s *store.Store) int {
	l.t.Helper()
	ctx := store.ReadPrimary(context.Background())
	l.mu.Lock()
	acked := append([]domain.Session(nil), l.acked...)
	l.mu.Unlock()
	for _, sess := range acked {
		info, err := s.LookupSession(ctx, sess.Token)
		require.NoError(l.t, err, "acknowledged session %s is lost", sess.ID)
		require.Equal(l.t, sess.ID, info.Session.ID)
	}
	return len(acked)
}

// durableDatabase is a migrated database with synchronous_commit on: the
// test server runs with it off (speed), which would let an immediate
// shutdown lose the last acknowledged commits: exactly what these tests
// must not see in production.
func durableDatabase(t *testing.T) string {
	t.Helper()
	dbURL := pgtest.NewDatabase(t)
	conn, err := pgx.Connect(context.Background(), dbURL)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	_, err = conn.Exec(context.Background(), "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = on', current_database()); END $$")
	require.NoError(t, err)
	return dbURL
}

func faultFixture(t *testing.T, s *store.Store) (domain.UserID, domain.Secret) {
	t.Helper()
	u := newUser(t, s, "fault")
	sess, err := s.CreateSession(context.Background(), u.ID, 24*time.Hour, "127.0.0.1", "fault-test")
	require.NoError(t, err)
	return u.ID, sess.Token
}

// Not parallel: it stops the test binary's server.
func TestFault_PrimaryRestartUnderLoad(t *testing.T) {
	for _, how := range []struct {
		name, desc string
		stop       func(testing.TB)
	}{
		{"crash", "primary crash (immediate shutdown, crash recovery at start)", pgtest.CrashServer},
		{"fast", "primary restart (fast shutdown)", pgtest.StopServer},
	} {
		t.Run(how.name, func(t *testing.T) {
			dbURL := durableDatabase(t)
			s, err := store.Open(context.Background(), dbURL, store.Options{MaxConns: 8})
			require.NoError(t, err)
			t.Cleanup(s.Close)
			user, token := faultFixture(t, s)
			for round := 1; round <= faultRounds(); round++ {
				l := startFaultLoad(t, s, user, token)
				l.waitOK(200)
				down := l.since()
				how.stop(t)
				time.Sleep(500 * time.Millisecond) // the outage
				pgtest.StartServer(t)
				up := l.since()
				l.waitEveryWorkerOKAfter(up)
				l.waitOK(200)
				l.finish()
				f := l.check(down, up, store.ErrUnavailable, store.ErrTimeout)
				n := l.checkAcked(s)
				require.Positive(t, f.errorsInWindow, "the outage was seen")
				t.Logf("%s, round %d: %s; %d acknowledged sessions all present", how.desc, round, f, n)
			}
		})
	}
}

// Not parallel: it stops the test binary's standby.
func TestFault_ReplicaDownUnderLoad(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	sb := pgtest.StartStandby(t)
	s, err := store.Open(context.Background(), dbURL, store.Options{MaxConns: 8,
		ReplicaURLs: []string{sb.Via(t, dbURL)}, ReplicaRetry: 200 * time.Millisecond})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	user, token := faultFixture(t, s)
	sb.CatchUp(t)
	for round := 1; round <= faultRounds(); round++ {
		l := startFaultLoad(t, s, user, token)
		l.waitOK(200)
		before := s.Stats()
		require.Positive(t, before.ReplicaReads, "lookups are read on the replica")
		down := l.since()
		sb.Stop(t)
		stopped := l.since()
		l.waitOK(200)
		inWindow := s.Stats()
		sb.Start(t)
		up := l.since()
		// Reads return to the replica by themselves, ReplicaRetry after
		// it was left out.
		deadline := time.Now().Add(faultRecoveryBound)
		for s.Stats().ReplicaReads == inWindow.ReplicaReads {
			if time.Now().After(deadline) {
				t.Fatalf("no read went back to the replica within %s of its restart", faultRecoveryBound)
			}
			time.Sleep(time.Millisecond)
		}
		back := l.since() - up
		l.waitOK(200)
		l.finish()
		f := l.check(down, up)
		require.Zero(t, f.errors, "with the replica down every call is answered by the primary")
		require.Positive(t, inWindow.ReplicaLeftOut-before.ReplicaLeftOut, "the replica was left out")
		n := l.checkAcked(s)
		t.Logf("replica down (fast shutdown of the standby), round %d: %d calls, 0 errors; stop took %s; while down: %d replica reads, %d fallbacks to the primary, "+
			"%d replica errors, left out %d times (ReplicaRetry 200ms); first replica read %s after its restart; %d acknowledged sessions all present",
			round, f.calls, (stopped - down).Round(time.Millisecond), inWindow.ReplicaReads-before.ReplicaReads, inWindow.ReplicaFallbacks-before.ReplicaFallbacks,
			inWindow.ReplicaErrors-before.ReplicaErrors, inWindow.ReplicaLeftOut-before.ReplicaLeftOut, back.Round(100*time.Microsecond), n)
		sb.CatchUp(t)
	}
}

// Not parallel: it stops the test binary's PgBouncer.
func TestFault_PoolerRestartUnderLoad(t *testing.T) {
	dbURL := durableDatabase(t)
	user, pw := pgtest.NewLogin(t, store.AppRole)
	b := pgtest.PgBouncer(t)
	s, err := store.Open(context.Background(), b.Via(t, dbURL, user, pw), store.Options{MaxConns: 8, Pooler: store.PoolerTransaction})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	direct, err := store.Open(context.Background(), dbURL, store.Options{MaxConns: 2})
	require.NoError(t, err)
	t.Cleanup(direct.Close)
	uid, token := faultFixture(t, s)
	for round := 1; round <= faultRounds(); round++ {
		l := startFaultLoad(t, s, uid, token)
		l.waitOK(200)
		down := l.since()
		b.Stop(t)
		time.Sleep(500 * time.Millisecond) // the outage
		b.Start(t)
		up := l.since()
		l.waitEveryWorkerOKAfter(up)
		l.waitOK(200)
		l.finish()
		f := l.check(down, up, store.ErrUnavailable, store.ErrTimeout)
		require.Positive(t, f.errorsInWindow, "the restart was seen")
		n := l.checkAcked(direct) // read past the pooler, on the server itself
		t.Logf("PgBouncer restart (SIGTERM, started again on its port), round %d: %s; %d acknowledged sessions all present", round, f, n)
	}
}

// A server that accepts the TCP connection and never answers (a hung
// pooler, a host whose service froze): Options.ConnectTimeout bounds Open
// and every later connection attempt, without a deadline on the context.
func TestFault_ConnectTimeoutBoundsAServerThatNeverAnswers(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c) // held open, never written to
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	url := "postgres://nobody:pw@" + ln.Addr().String() + "/iam?sslmode=disable"
	_, err = store.Open(context.Background(), url, store.Options{ConnectTimeout: 200 * time.Millisecond})
	require.Error(t, err)
	require.ErrorIs(t, err, store.ErrTimeout, "the connect timeout expired: %v", err)
	require.NotContains(t, err.Error(), "pw@", "no password in the error")

	// connect_timeout in the URL wins over the option.
	_, err = store.Open(context.Background(), url+"&connect_timeout=1", store.Options{ConnectTimeout: time.Hour})
	require.ErrorIs(t, err, store.ErrTimeout, "%v", err)
}

// A pooler that stops answering on open connections (SIGSTOP: the kernel
// still accepts TCP connections and data for it, nothing comes back): the
// statement timeout cannot fire (the server never sees the statement, or
// its answer stops at the pooler) and the connection exists, so only
// Options.ResponseTimeout bounds a call made without a deadline, for a
// statement in flight and for a new one; with it disabled the caller's
// context deadline does. After SIGCONT the same store works again.
//
// Not parallel: it freezes the test binary's PgBouncer.
func TestFault_FrozenPoolerIsBoundedByTheResponseTimeout(t *testing.T) {
	dbURL := pgtest.NewDatabase(t)
	user, pw := pgtest.NewLogin(t, store.AppRole)
	b := pgtest.PgBouncer(t)
	url := b.Via(t, dbURL, user, pw)
	s, err := store.Open(context.Background(), url, store.Options{MaxConns: 4, Pooler: store.PoolerTransaction, ResponseTimeout: time.Second})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	noBound, err := store.Open(context.Background(), url, store.Options{MaxConns: 1, Pooler: store.PoolerTransaction, ResponseTimeout: -1})
	require.NoError(t, err)
	t.Cleanup(noBound.Close)
	uid, token := faultFixture(t, s)
	_ = uid
	ctx := context.Background()
	_, err = noBound.LookupSession(ctx, token)
	require.NoError(t, err)

	pid := b.PID()
	require.Positive(t, pid)
	inFlight := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		conn, err := s.Pool().Acquire(ctx)
		if err != nil {
			inFlight <- err
			return
		}
		defer conn.Release()
		close(started)
		_, err = conn.Exec(ctx, "SELECT pg_sleep(0.2)")
		inFlight <- err
	}()
	<-started
	require.NoError(t, syscall.Kill(pid, syscall.SIGSTOP))
	thawed := false
	thaw := func() {
		if !thawed {
			thawed = true
			require.NoError(t, syscall.Kill(pid, syscall.SIGCONT))
		}
	}
	t.Cleanup(thaw)

	frozeAt := time.Now()
	err = <-inFlight
	t.Logf("in flight: %s %v", time.Since(frozeAt), err)
	require.Error(t, err, "the statement in flight did not come back")
	require.Contains(t, err.Error(), "Options.ResponseTimeout", "%v", err)

	_, err = s.LookupSession(ctx, token)
	t.Logf("new: %s %v", time.Since(frozeAt), err)
	require.ErrorIs(t, err, store.ErrTimeout, "a new call on a frozen pooler: %v", err)
	require.Contains(t, err.Error(), "Options.ResponseTimeout")

	dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, err = noBound.LookupSession(dctx, token)
	cancel()
	require.ErrorIs(t, err, store.ErrTimeout, "without ResponseTimeout the caller's deadline bounds the call: %v", err)
	require.NotContains(t, err.Error(), "Options.ResponseTimeout")
	t.Logf("deadline: %s %v", time.Since(frozeAt), err)

	thaw()
	deadline := time.Now().Add(faultRecoveryBound)
	for {
		cctx, cancel := context.WithTimeout(ctx, faultCallTimeout)
		_, err = s.LookupSession(cctx, token)
		cancel()
		if err == nil {
			t.Logf("recovered: %s", time.Since(frozeAt))
			break
		}
		t.Logf("after thaw: %v", err)
		require.ErrorIs(t, err, store.ErrUnavailable, "after the pooler thaws only connections it dropped may fail: %v", err)
		if time.Now().After(deadline) {
			t.Fatalf("the store did not recover after the pooler thawed: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
