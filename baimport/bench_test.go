package baimport_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/baimport"
	"github.com/beep/iam/pgtest"
)

// benchSource fills a Better Auth source (auth migrate's camelCase layout)
// by SQL: users with one credential account and one session each,
// organizations with an owner, API keys of users.
const benchSource = `
INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")
  SELECT 'u' || g, 'User ' || g, 'user' || g || '@example.com', true, now() - interval '1 day', now() FROM generate_series(1, %[1]d) g;
INSERT INTO account (id, "accountId", "providerId", "userId", password, "createdAt", "updatedAt")
  SELECT 'a' || g, 'u' || g, 'credential', 'u' || g, md5(g::text) || ':' || md5('p' || g) || md5('q' || g), now(), now() FROM generate_series(1, %[1]d) g;
INSERT INTO session (id, "expiresAt", token, "createdAt", "updatedAt", "userId")
  SELECT 's' || g, now() + interval '7 days', md5('t' || g), now(), now(), 'u' || g FROM generate_series(1, %[1]d) g;
INSERT INTO organization (id, name, slug, "createdAt") SELECT 'o' || g, 'Org ' || g, 'org-' || g, now() FROM generate_series(1, %[2]d) g;
INSERT INTO member (id, "organizationId", "userId", role, "createdAt") SELECT 'm' || g, 'o' || g, 'u' || g, 'owner', now() FROM generate_series(1, %[2]d) g;
INSERT INTO apikey (id, "configId", "referenceId", key, "createdAt", "updatedAt", enabled, remaining)
  SELECT 'k' || g, 'default', 'u' || g, md5('k' || g), now(), now(), true, 100 FROM generate_series(1, %[3]d) g;`

// BenchmarkImport imports 100,000 users with one account and one session
// each, 1,000 organizations (with their owner) and 10,000 API keys: the
// goal of issue 12 is under 60 s on 2 cores. Reports rows/s.
func BenchmarkImport(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		src := newSourceTB(b)
		_, err := src.Exec(ctx, fmt.Sprintf(benchSource, 100000, 1000, 10000))
		require.NoError(b, err)
		dst := pgtest.NewDatabase(b)
		b.StartTimer()
		rep, err := baimport.Run(ctx, baimport.Options{Source: src.Config().ConnString(), Target: dst})
		require.NoError(b, err)
		b.ReportMetric(float64(rep.RowsWritten)/rep.Seconds, "rows/s")
		b.ReportMetric(rep.ReadSeconds, "read-s")
		b.ReportMetric(rep.WriteSeconds, "write-s")
		b.ReportMetric(float64(rep.RowsWritten), "rows")
	}
}
