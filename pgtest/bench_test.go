package pgtest_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/pgtest"
)

// BenchmarkNewDatabase measures handing a test its own migrated database
// (a template clone; the drops happen after the timed loop) once the template exists.
func BenchmarkNewDatabase(b *testing.B) {
	opt := pgtest.WithMigrate("bench-v1", func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, "CREATE TABLE t1 (id int primary key, v text); CREATE TABLE t2 (id int primary key references t1)")
		return err
	})
	pgtest.NewDatabase(b, pgtest.Empty(), opt) // build the template outside the loop
	b.ResetTimer()
	for b.Loop() {
		pgtest.NewDatabase(b, pgtest.Empty(), opt) // dropped when the benchmark ends
	}
}
