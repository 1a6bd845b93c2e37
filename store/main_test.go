package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openStore returns a store on a fresh migrated database, connected the way
// production connects (SET ROLE iam_app: RLS in force), and the database's
// superuser URL. With IAM_STORE_VIA=pgbouncer (TestStore_SuiteThroughPgBouncer
// runs the suite so) the store connects through the test binary's
// PgBouncer in transaction mode as a login in iam_app, with
// Options.Pooler = PoolerTransaction.
func openStore(t testing.TB) (*store.Store, string) {
	t.Helper()
	url := pgtest.NewDatabase(t)
	if viaPgBouncer() {
		user, pw := pgtest.NewLogin(t, store.AppRole)
		s, err := store.Open(context.Background(), pgtest.PgBouncer(t).Via(t, url, user, pw),
			store.Options{MaxConns: 8, Pooler: store.PoolerTransaction})
		require.NoError(t, err)
		t.Cleanup(s.Close)
		return s, url
	}
	s, err := store.Open(context.Background(), url, store.Options{MaxConns: 8})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s, url
}

func newUser(t testing.TB, s *store.Store, name string) domain.User {
	t.Helper()
	u, err := domain.NewUser(domain.UserParams{Name: name, Email: name + "-" + domain.NewID[domain.User]().UUID().String()[24:] + "@example.com"})
	require.NoError(t, err)
	u, err = s.Users().Create(context.Background(), u)
	require.NoError(t, err)
	return u
}

func newOrg(t testing.TB, s *store.Store, owner domain.User, slug string) (domain.Organization, domain.Member) {
	t.Helper()
	org, m, err := s.CreateOrganization(context.Background(), domain.OrganizationParams{Name: slug, Slug: slug + "-" + domain.NewID[domain.User]().UUID().String()[24:]}, owner.ID)
	require.NoError(t, err)
	return org, m
}

// newMember adds a new user as a plain member of the organization.
func newMember(t testing.TB, s *store.Store, org domain.OrganizationID) domain.Member {
	t.Helper()
	u := newUser(t, s, "staff")
	m, err := domain.NewMember(domain.MemberParams{OrganizationID: org, UserID: u.ID})
	require.NoError(t, err)
	m, err = s.Org(org).Members().Create(context.Background(), m)
	require.NoError(t, err)
	return m
}

func TestStore_CreateOrganizationAndLookupSession(t *testing.T) {
	t.Parallel()
	ctx := store.WithActor(context.Background(), "test")
	s, _ := openStore(t)
	owner := newUser(t, s, "owner")
	org, m, err := s.CreateOrganization(ctx, domain.OrganizationParams{Name: "Acme", Slug: "acme"}, owner.ID)
	require.NoError(t, err)
	require.Equal(t, org.ID, m.OrganizationID)
	require.True(t, m.Role.Has("owner"))
	require.Equal(t, "test", *m.CreatedBy)

	sess, err := s.CreateSession(ctx, owner.ID, time.Hour, "127.0.0.1", "go-test")
	require.NoError(t, err)
	_, err = s.SetActiveOrganization(ctx, sess.ID, org.ID)
	require.NoError(t, err)

	info, err := s.LookupSession(ctx, sess.Token)
	require.NoError(t, err)
	require.Equal(t, owner.ID, info.User.ID)
	require.NotNil(t, info.Member)
	require.Equal(t, m.ID, info.Member.ID)
}
