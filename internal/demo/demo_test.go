package demo_test

import (
	"context"
	"testing"

	"github.com/beep/iam/betterauth"
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
