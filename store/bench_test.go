package store_test

// Benchmarks of the store's hot paths, each beside a raw-pgx baseline that
// fetches the same rows with one hand-written query (internal/bench holds
// the literal SQL) on a superuser pool, in the same process:
//
//	go test ./store/ -run '^$' -bench . -benchmem
//
// The lookups run with b.RunParallel at 16 goroutines (bench.DefaultConcurrency)
// over pools of 20 connections (bench.DefaultPoolSize), the shape of
// `iam bench`. The data set is bench.Seed's default: 10,000 users, all
// members of one organization, one session each, 1,000 API keys.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/bench"
	"github.com/beep/iam/pgtest"
	"github.com/stretchr/testify/require"
)

// benchEnv seeds a fresh database (dropped after b) and opens the store and
// the baseline pool on it.
func benchEnv(b *testing.B) *bench.Env {
	b.Helper()
	ctx := context.Background()
	ds, err := bench.Seed(ctx, pgtest.NewDatabase(b), bench.SeedConfig{})
	require.NoError(b, err)
	env, err := bench.NewEnv(ctx, ds, bench.DefaultPoolSize)
	require.NoError(b, err)
	b.Cleanup(env.Close)
	return env
}

// parallel runs op from bench.DefaultConcurrency goroutines.
func parallel(b *testing.B, op bench.Op) {
	b.Helper()
	ctx := context.Background()
	b.SetParallelism(max(1, bench.DefaultConcurrency/runtime.GOMAXPROCS(0)))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := op(ctx, rand.Uint64()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkHotPaths runs each lookup through the store and as the
// baseline: session lookup (session, user, active membership), API key
// verification, rate-limit hit and a 50-row page of the 10,000 members.
func BenchmarkHotPaths(b *testing.B) {
	env := benchEnv(b)
	for _, p := range env.Paths() {
		b.Run(p.Name+"/store", func(b *testing.B) { parallel(b, p.Go) })
		b.Run(p.Name+"/pgx", func(b *testing.B) { parallel(b, p.Baseline) })
	}
}

// BenchmarkCreateOrganization creates an organization with its owner's
// membership (one transaction).
func BenchmarkCreateOrganization(b *testing.B) {
	env := benchEnv(b)
	users := env.Data.Users
	var n atomic.Int64
	parallel(b, func(ctx context.Context, r uint64) error {
		i := n.Add(1)
		_, _, err := env.Store.CreateOrganization(ctx, domain.OrganizationParams{
			Name: fmt.Sprintf("Org %d", i), Slug: fmt.Sprintf("org-%d-%d", time.Now().UnixNano(), i),
		}, users[r%uint64(len(users))])
		return err
	})
}

// BenchmarkInviteThenAccept invites a user into a small organization and
// accepts the invitation (two transactions). Every iteration uses a new
// (organization, user) pair.
func BenchmarkInviteThenAccept(b *testing.B) {
	env := benchEnv(b)
	ds := env.Data
	var n atomic.Int64
	var mu sync.Mutex
	used := map[[2]int]bool{}
	parallel(b, func(ctx context.Context, _ uint64) error {
		i := int(n.Add(1) - 1)
		small := len(ds.Orgs) - 1
		o, u := 1+i%small, i/small%(len(ds.Users)-1)
		if u >= o { // skip user o, the owner of organization o
			u++
		}
		mu.Lock()
		dup := used[[2]int{o, u}]
		used[[2]int{o, u}] = true
		mu.Unlock()
		if dup {
			return fmt.Errorf("bench ran out of (organization, user) pairs at %d", i)
		}
		org := env.Store.Org(ds.Orgs[o])
		inv, err := org.Invite(ctx, domain.InvitationParams{Email: ds.Emails[u], InviterID: ds.Users[o], ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			return err
		}
		_, err = org.AcceptInvitation(ctx, inv.ID, ds.Users[u])
		return err
	})
}
