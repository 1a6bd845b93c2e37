package demo_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/demo"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestSeed_IsIdempotentAndSignInable(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := store.Open(ctx, pgtest.NewDatabase(t), store.Options{})
	require.NoError(t, err)
	defer s.Close()

	first, err := demo.Seed(ctx, s)
	require.NoError(t, err)
	require.True(t, first.Created)
	require.Len(t, first.Members, 3)
	require.NotNil(t, first.Team)
	require.NotNil(t, first.Invitation)
	require.NotEmpty(t, first.PlainAPIKey)

	second, err := demo.Seed(ctx, s)
	require.NoError(t, err)
	require.False(t, second.Created, "a second run must create nothing")
	require.Equal(t, first.Organization.ID, second.Organization.ID)
	require.Empty(t, second.PlainAPIKey, "the plain key is shown only once")
	require.Equal(t, first.APIKey.ID, second.APIKey.ID)

	v, err := s.VerifyAPIKey(ctx, store.HashAPIKey(first.PlainAPIKey), "")
	require.NoError(t, err)
	require.True(t, v.OK())

	acc, err := s.Accounts().GetByProviderAccount(ctx, "credential", first.Owner.ID.String())
	require.NoError(t, err)
	ok, err := betterauth.VerifyPassword(acc.Password.Reveal(), demo.Password)
	require.NoError(t, err)
	require.True(t, ok)
}

// TestSeed_ConcurrentRunsCreateTheDemoOnce: several seeds at once on a
// fresh database (two `iam up` on a fresh directory) all succeed, exactly
// one of them creates the demo, and every piece of it exists once.
func TestSeed_ConcurrentRunsCreateTheDemoOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	const n = 4
	reports := make([]demo.Report, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			// A store each, as separate processes would have.
			s, err := store.Open(ctx, url, store.Options{MaxConns: 2})
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			<-start
			reports[i], errs[i] = demo.Seed(ctx, s)
		})
	}
	close(start)
	wg.Wait()
	created := 0
	for i := range n {
		require.NoError(t, errs[i], "seed %d", i)
		require.Equal(t, reports[0].Organization.ID, reports[i].Organization.ID)
		if reports[i].Created {
			created++
			require.NotEmpty(t, reports[i].PlainAPIKey)
		}
	}
	require.Equal(t, 1, created, "one seed creates, the others find")

	conn, err := pgx.Connect(ctx, url) // superuser: no row-level security
	require.NoError(t, err)
	defer conn.Close(ctx)
	for table, where := range map[string]string{
		domain.TableOrganization: "slug = 'demo'",
		domain.TableUser:         "email LIKE '%@demo.example.com'",
		domain.TableMember:       "true",
		domain.TableTeam:         "true",
		domain.TableInvitation:   "true",
		domain.TableAPIKey:       "true",
	} {
		var count int
		require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM "+table+" WHERE "+where).Scan(&count))
		want := map[string]int{domain.TableUser: 3, domain.TableMember: 3}[table]
		if want == 0 {
			want = 1
		}
		require.Equal(t, want, count, table)
	}
}

// TestSeed_WorksOnAPoolOfOneConnection: the seed lock has a connection of
// its own, so a store with a single pooled connection does not deadlock.
func TestSeed_WorksOnAPoolOfOneConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := store.Open(ctx, pgtest.NewDatabase(t), store.Options{MaxConns: 1})
	require.NoError(t, err)
	defer s.Close()
	rep, err := demo.Seed(ctx, s)
	require.NoError(t, err)
	require.True(t, rep.Created)
}
