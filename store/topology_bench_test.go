package store_test

// Session lookups per second on the topologies of docs/scaling.md, side by
// side in one run (each -count repeats the whole row, so they alternate):
//
//	go test ./store/ -run '^$' -bench Topology -benchtime 3s -count 3
//
// direct: the default store (SET ROLE iam_app at connect, cached prepared
// statements); replica: the same plus Options.ReplicaURLs with the test
// binary's streaming standby (every lookup is read there); pgbouncer/*:
// through the test binary's PgBouncer in transaction mode as a login in
// iam_app (Options.Pooler), in each query mode that works there, and with
// the statement timeout prologue (StatementTimeout > 0) or without it
// (StatementTimeout -1: the timeout set on the login role instead; that
// also leaves Options.ResponseTimeout unset); direct/no_response_timeout:
// the default store with ResponseTimeout -1 (the cost of its read
// deadline per read).

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/bench"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

func BenchmarkTopology(b *testing.B) {
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(b)
	ds, err := bench.Seed(ctx, dbURL, bench.SeedConfig{})
	require.NoError(b, err)
	sb := pgtest.StartStandby(b)
	sb.CatchUp(b)
	user, pw := pgtest.NewLogin(b, store.AppRole)
	via := pgtest.PgBouncer(b).Via(b, dbURL, user, pw)
	pool := int32(bench.DefaultPoolSize)
	open := func(url string, opts store.Options) *store.Store {
		opts.MaxConns = pool
		s, err := store.Open(ctx, url, opts)
		require.NoError(b, err)
		b.Cleanup(s.Close)
		return s
	}
	rows := []struct {
		name string
		s    *store.Store
	}{
		{"direct", open(dbURL, store.Options{})},
		{"direct/no_response_timeout", open(dbURL, store.Options{ResponseTimeout: -1})},
		{"direct+replica", open(dbURL, store.Options{ReplicaURLs: []string{sb.Via(b, dbURL)}})},
		{"pgbouncer/cache_describe", open(via, store.Options{Pooler: store.PoolerTransaction, StatementTimeout: -1})},
		{"pgbouncer/cache_describe+timeout", open(via, store.Options{Pooler: store.PoolerTransaction})},
		{"pgbouncer/exec", open(via+"&default_query_exec_mode=exec", store.Options{Pooler: store.PoolerTransaction, StatementTimeout: -1})},
		{"pgbouncer/simple_protocol", open(via+"&default_query_exec_mode=simple_protocol", store.Options{Pooler: store.PoolerTransaction, StatementTimeout: -1})},
	}
	tokens := make([]domain.Secret, len(ds.Tokens))
	for i, t := range ds.Tokens {
		tokens[i] = domain.NewSecret(t)
	}
	for _, row := range rows {
		s := row.s
		b.Run("session_lookup/"+row.name, func(b *testing.B) {
			runParallel(b, func() error {
				_, err := s.LookupSession(ctx, tokens[rand.IntN(len(tokens))])
				return err
			})
		})
	}
	for _, row := range rows {
		s := row.s
		o := s.Org(ds.LargeOrg)
		b.Run("member_page/"+row.name, func(b *testing.B) {
			runParallel(b, func() error {
				_, _, err := o.Members().List(ctx, store.Page{Limit: 50})
				return err
			})
		})
	}
	st := rows[1].s.Stats()
	b.Logf("direct+replica: %d reads answered by the replica, %d fallbacks", st.ReplicaReads, st.ReplicaFallbacks)
}

func runParallel(b *testing.B, op func() error) {
	b.SetParallelism(max(1, bench.DefaultConcurrency/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "ops/s")
}
