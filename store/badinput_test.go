package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
	"github.com/stretchr/testify/require"
)

func TestStore_BadInput(t *testing.T) {
	t.Parallel()
	s, url := openStore(t)
	ctx := context.Background()
	u := newUser(t, s, "bad")

	t.Run("invalid fields are a validation error naming each field", func(t *testing.T) {
		_, _, err := s.CreateOrganization(ctx, domain.OrganizationParams{Name: "", Slug: "Not A Slug"}, u.ID)
		require.ErrorIs(t, err, domain.ErrValidation)
		var ve *domain.ValidationError
		require.ErrorAs(t, err, &ve)
		require.GreaterOrEqual(t, len(ve.Problems), 2, "%v", err)
	})
	t.Run("unknown id is not found, with entity, operation and id", func(t *testing.T) {
		id := domain.NewID[domain.User]()
		_, err := s.Users().Get(ctx, id)
		require.ErrorIs(t, err, store.ErrNotFound)
		require.Contains(t, err.Error(), "get shared_user "+id.String())
	})
	t.Run("duplicate names the constraint and hides the value", func(t *testing.T) {
		sess, err := s.CreateSession(ctx, u.ID, time.Hour, "", "")
		require.NoError(t, err)
		dup, err := domain.NewSession(domain.SessionParams{ExpiresAt: time.Now().Add(time.Hour), Token: sess.Token, UserID: u.ID})
		require.NoError(t, err)
		_, err = s.Sessions().Create(ctx, dup)
		require.ErrorIs(t, err, store.ErrDuplicate)
		var se *store.Error
		require.ErrorAs(t, err, &se)
		require.NotEmpty(t, se.Constraint)
		require.NotContains(t, err.Error(), sess.Token.Reveal(), "the error leaks the session token")
	})
	t.Run("missing reference names the constraint", func(t *testing.T) {
		_, err := s.CreateSession(ctx, domain.NewID[domain.User](), time.Hour, "", "")
		require.ErrorIs(t, err, store.ErrReference)
		var se *store.Error
		require.ErrorAs(t, err, &se)
		require.Contains(t, se.Constraint, "user_id")
	})
	t.Run("cancelled context", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		_, err := s.Users().Get(c, u.ID)
		require.Error(t, err)
		require.True(t, errors.Is(err, store.ErrCanceled) || errors.Is(err, context.Canceled), "%v", err)
	})
	t.Run("statement timeout", func(t *testing.T) {
		st, err := store.Open(ctx, url, store.Options{StatementTimeout: 50 * time.Millisecond, MaxConns: 2})
		require.NoError(t, err)
		defer st.Close()
		err = st.InTx(ctx, func(tx *store.Tx) error {
			_, err := st.Pool().Exec(ctx, "SELECT pg_sleep(1)")
			return err
		})
		require.Error(t, err)
		require.Contains(t, err.Error(), "statement timeout")
		// The pool is still healthy afterwards: no leaked connection.
		require.NoError(t, st.Ping(ctx))
		require.EqualValues(t, 0, st.Pool().Stat().AcquiredConns())
	})
	t.Run("closed store", func(t *testing.T) {
		st, err := store.Open(ctx, url, store.Options{})
		require.NoError(t, err)
		st.Close()
		_, err = st.Users().Get(ctx, u.ID)
		require.ErrorIs(t, err, store.ErrClosed)
	})
	t.Run("malformed URL names the problem without echoing a password", func(t *testing.T) {
		_, err := store.Open(ctx, "postgres://user:hunter2@[::1", store.Options{})
		require.Error(t, err)
		require.NotContains(t, err.Error(), "hunter2")
	})
	t.Run("unreachable server", func(t *testing.T) {
		c, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		_, err := store.Open(c, "postgres://postgres@127.0.0.1:1/x?connect_timeout=2", store.Options{})
		require.Error(t, err)
		require.True(t, strings.Contains(err.Error(), "health check") || strings.Contains(err.Error(), "connect"), "%v", err)
	})
}
