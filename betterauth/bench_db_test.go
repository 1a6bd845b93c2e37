package betterauth_test

// Cookie verification end to end, on a real database: Auth.Authenticate
// verifies the signed session cookie of an http.Request and hands the token
// to store.LookupSession (session, user and active membership in one
// statement). The baseline verifies the cookie the same way and runs one
// hand-written pgx query (internal/bench) as the superuser.
//
//	go test ./betterauth/ -run '^$' -bench CookieSession -benchmem

import (
	"context"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/beep/iam/internal/bench"
	"github.com/beep/iam/pgtest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func BenchmarkCookieSession(b *testing.B) {
	ctx := context.Background()
	ds, err := bench.Seed(ctx, pgtest.NewDatabase(b), bench.SeedConfig{})
	require.NoError(b, err)
	env, err := bench.NewEnv(ctx, ds, bench.DefaultPoolSize)
	require.NoError(b, err)
	b.Cleanup(env.Close)
	p := env.CookiePath()
	for _, impl := range []struct {
		name string
		op   bench.Op
	}{{"store", p.Go}, {"pgx", p.Baseline}} {
		b.Run(impl.name, func(b *testing.B) {
			b.SetParallelism(max(1, bench.DefaultConcurrency/runtime.GOMAXPROCS(0)))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := impl.op(ctx, rand.Uint64()); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
