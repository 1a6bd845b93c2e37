package store

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// replica is one read replica of Options.ReplicaURLs.
type replica struct {
	pool *pgxpool.Pool
	db   orgDB
	// downUntil (unix nanoseconds) leaves a replica out after it failed
	// to connect.
	downUntil atomic.Int64
}

type storeStats struct {
	replicaReads, replicaFallbacks, replicaErrors, replicaLeftOut atomic.Int64
}

// Stats counts where the store's routed reads went.
type Stats struct {
	// ReplicaReads is the number of routed reads a replica answered.
	ReplicaReads int64
	// ReplicaFallbacks is the number of routed reads asked to the primary
	// after a replica had no row, an empty page, or an error.
	ReplicaFallbacks int64
	// ReplicaErrors counts the replica errors among those fallbacks.
	ReplicaErrors int64
	// ReplicaLeftOut counts the times a replica was left out for
	// Options.ReplicaRetry because it could not be reached.
	ReplicaLeftOut int64
}

// Stats returns the counters of routed reads since Open.
func (s *Store) Stats() Stats {
	return Stats{
		ReplicaReads:     s.stats.replicaReads.Load(),
		ReplicaFallbacks: s.stats.replicaFallbacks.Load(),
		ReplicaErrors:    s.stats.replicaErrors.Load(),
		ReplicaLeftOut:   s.stats.replicaLeftOut.Load(),
	}
}

type readPrimaryKey struct{}

// ReadPrimary returns a context whose reads all go to the primary, also
// those the store would send to a replica (read-your-writes for a page
// listed right after a write, or a check that must see a revocation at
// once).
func ReadPrimary(ctx context.Context) context.Context {
	return context.WithValue(ctx, readPrimaryKey{}, true)
}

// pickReplica returns the next usable replica, or nil (no replicas, all
// left out, or ReadPrimary).
func (s *Store) pickReplica(ctx context.Context) *replica {
	n := len(s.replicas)
	if n == 0 || ctx.Value(readPrimaryKey{}) != nil {
		return nil
	}
	now := time.Now().UnixNano()
	start := int(s.next.Add(1))
	for i := 0; i < n; i++ {
		r := s.replicas[(start+i)%n]
		if r.downUntil.Load() <= now {
			return r
		}
	}
	return nil
}

// failed records that r answered with err: a failure to reach it (a
// failed connect, a broken connection, a server starting up or shutting
// down: ErrUnavailable; not the caller's context) leaves it out for
// ReplicaRetry.
func (s *Store) failed(ctx context.Context, r *replica, err error) {
	s.stats.replicaErrors.Add(1)
	if ctx.Err() != nil || !errors.Is(err, ErrUnavailable) && !unavailable(err) {
		return
	}
	s.stats.replicaLeftOut.Add(1)
	r.downUntil.Store(time.Now().Add(s.opts.ReplicaRetry).UnixNano())
}

// onReplica returns db's counterpart on a replica when db is one of the
// store's own primary handles (not a transaction) and a replica is usable.
func (s *Store) onReplica(ctx context.Context, db DB) (DB, *replica) {
	d, ok := db.(orgDB)
	if !ok || d.pool != s.pool {
		return nil, nil
	}
	r := s.pickReplica(ctx)
	if r == nil {
		return nil, nil
	}
	d.pool = r.pool
	return d, r
}

// routed runs read on a replica when one is usable and db is a primary
// handle; a replica error or an answer that miss reports as a miss is asked
// to the primary (db) again.
func routed[T any](ctx context.Context, s *Store, db DB, miss func(T, error) bool, read func(DB) (T, error)) (T, error) {
	if rdb, r := s.onReplica(ctx, db); rdb != nil {
		v, err := read(rdb)
		if !miss(v, err) {
			s.stats.replicaReads.Add(1)
			return v, err
		}
		s.stats.replicaFallbacks.Add(1)
		if err != nil && !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrExpired) && !errors.Is(err, ErrForbidden) {
			s.failed(ctx, r, err)
		}
	}
	return read(db)
}

// anyError is the miss rule of lookups and reads by id: no row (or any
// other error) on the replica.
func anyError[T any](_ T, err error) bool { return err != nil }
