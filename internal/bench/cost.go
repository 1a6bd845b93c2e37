package bench

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Cost is what one operation costs, averaged over many sequential
// operations on one warmed-up connection.
type Cost struct {
	// Statements the client sent (extended-protocol Execute or simple Query).
	Statements float64 `json:"statements_per_op"`
	// RoundTrips is the number of times the client waited for the server
	// (Sync or simple Query messages).
	RoundTrips float64 `json:"round_trips_per_op"`
	// Commits is the server's committed transactions (pg_stat_database.xact_commit).
	Commits float64 `json:"commits_per_op"`
}

// CountCosts measures the Cost of the Go implementation and the baseline
// of each named path, with n sequential operations each, through a
// counting proxy and a pool of one connection per side. Nothing else may
// use the database meanwhile (commits are counted database-wide).
func CountCosts(ctx context.Context, ds *Dataset, names []string, n int) (map[string][2]Cost, error) {
	wc, proxied, err := startWireCounter(ds.URL)
	if err != nil {
		return nil, fmt.Errorf("bench: counting proxy: %w", err)
	}
	defer wc.close()
	pds := *ds
	pds.URL = proxied
	env, err := NewEnv(ctx, &pds, 1)
	if err != nil {
		return nil, err
	}
	defer env.Close()
	out := map[string][2]Cost{}
	for _, name := range names {
		p, ok := env.PathByName(name)
		if !ok {
			return nil, fmt.Errorf("bench: no path %q", name)
		}
		var pair [2]Cost
		for i, side := range []struct {
			op   Op
			pool *pgxpool.Pool
			sql  string
		}{
			{p.Go, env.Store.Pool(), "RESET ROLE; SELECT pg_stat_force_next_flush(); SET ROLE iam_app"},
			{p.Baseline, env.Raw, "SELECT pg_stat_force_next_flush()"},
		} {
			c, err := countOne(ctx, wc, side.op, side.pool, side.sql, n)
			if err != nil {
				return nil, fmt.Errorf("bench: count %s: %w", name, err)
			}
			pair[i] = c
		}
		out[name] = pair
	}
	return out, nil
}

func countOne(ctx context.Context, wc *wireCounter, op Op, pool *pgxpool.Pool, flushSQL string, n int) (Cost, error) {
	rng := rand.New(rand.NewPCG(7, 11))
	for range 20 { // warm: statement cache
		if err := op(ctx, rng.Uint64()); err != nil {
			return Cost{}, err
		}
	}
	// flush makes the connection report its pending statistics when it
	// goes idle, then reads the database's commit count on the same
	// connection: xact_commit then counts exactly the transactions before
	// the read (the flush statement included).
	commits := func() (int64, error) {
		if _, err := pool.Exec(ctx, flushSQL); err != nil {
			return 0, err
		}
		var v int64
		err := pool.QueryRow(ctx, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").Scan(&v)
		return v, err
	}
	c0, err := commits()
	if err != nil {
		return Cost{}, err
	}
	s0, r0 := wc.counts()
	for range n {
		if err := op(ctx, rng.Uint64()); err != nil {
			return Cost{}, err
		}
	}
	s1, r1 := wc.counts()
	c1, err := commits()
	if err != nil {
		return Cost{}, err
	}
	// c1-c0 also holds the read of c0 and the second flush statement.
	return Cost{
		Statements: float64(s1-s0) / float64(n),
		RoundTrips: float64(r1-r0) / float64(n),
		Commits:    float64(c1-c0-2) / float64(n),
	}, nil
}
