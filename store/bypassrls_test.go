package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// newRole creates a role with a random password and the given attributes
// ("LOGIN BYPASSRLS", "LOGIN IN ROLE iam_app"), and returns the URL of
// database dbURL as that role. The role is dropped at the end of the test.
func newRole(t *testing.T, dbURL, attrs string) (name, loginURL string) {
	t.Helper()
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name = "svc_open_" + hex.EncodeToString(b)
	_, _ = rand.Read(b)
	password := hex.EncodeToString(b)
	su, err := pgx.Connect(ctx, dbURL)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := su.Exec(context.Background(), "DROP ROLE IF EXISTS "+pgx.Identifier{name}.Sanitize())
		require.NoError(t, err)
		_ = su.Close(context.Background())
	})
	_, err = su.Exec(ctx, "CREATE ROLE "+pgx.Identifier{name}.Sanitize()+" PASSWORD '"+password+"' "+attrs)
	require.NoError(t, err)

	if strings.HasPrefix(dbURL, "postgres://") || strings.HasPrefix(dbURL, "postgresql://") {
		u, err := url.Parse(dbURL)
		require.NoError(t, err)
		u.User = url.UserPassword(name, password)
		q := u.Query()
		if q.Has("user") {
			q.Set("user", name)
			q.Del("password")
			q.Set("password", password)
			u.RawQuery = q.Encode()
		}
		return name, u.String()
	}
	return name, dbURL + " user=" + name + " password=" + password
}

func TestOpen_RefusesARoleThatBypassesRLS(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := pgtest.NewDatabase(t) // as the test server's superuser

	t.Run("superuser with NoRole is refused", func(t *testing.T) {
		s, err := store.Open(ctx, dbURL, store.Options{Role: store.NoRole})
		require.Nil(t, s)
		require.ErrorIs(t, err, store.ErrBypassRLS)
		require.ErrorContains(t, err, "is a superuser, so tenant isolation would not be enforced by the database")
		require.ErrorContains(t, err, `role "`)
		require.ErrorContains(t, err, `(the login role; Options.Role is NoRole) is a superuser`)
		require.ErrorContains(t, err, "connect as a login that is a member of iam_app")
		require.ErrorContains(t, err, "set Options.AllowBypassRLS to accept it knowingly")
	})
	t.Run("superuser with NoRole and AllowBypassRLS is accepted", func(t *testing.T) {
		s, err := store.Open(ctx, dbURL, store.Options{Role: store.NoRole, AllowBypassRLS: true})
		require.NoError(t, err)
		defer s.Close()
		var super bool
		require.NoError(t, s.Pool().QueryRow(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&super))
		require.True(t, super, "AllowBypassRLS connected as something else")
	})
	t.Run("superuser switching to iam_app (the default) is accepted", func(t *testing.T) {
		s, err := store.Open(ctx, dbURL, store.Options{})
		require.NoError(t, err)
		defer s.Close()
		var who string
		require.NoError(t, s.Pool().QueryRow(ctx, "SELECT current_user").Scan(&who))
		require.Equal(t, store.AppRole, who)
	})
	t.Run("a BYPASSRLS login that is not a superuser is refused", func(t *testing.T) {
		name, loginURL := newRole(t, dbURL, "LOGIN BYPASSRLS")
		_, err := store.Open(ctx, loginURL, store.Options{Role: store.NoRole})
		require.ErrorIs(t, err, store.ErrBypassRLS)
		require.ErrorContains(t, err, `role "`+name+`" (the login role; Options.Role is NoRole) has BYPASSRLS`)
	})
	t.Run("SET ROLE to a BYPASSRLS role is refused", func(t *testing.T) {
		name, _ := newRole(t, dbURL, "NOLOGIN BYPASSRLS")
		_, err := store.Open(ctx, dbURL, store.Options{Role: name})
		require.ErrorIs(t, err, store.ErrBypassRLS)
		require.ErrorContains(t, err, `role "`+name+`" (Options.Role, switched to with SET ROLE) has BYPASSRLS`)
	})
	t.Run("a login that is a member of iam_app is accepted", func(t *testing.T) {
		name, loginURL := newRole(t, dbURL, "LOGIN IN ROLE iam_app")
		for _, role := range []string{"", store.NoRole} { // SET ROLE iam_app, or the login's own rights
			s, err := store.Open(ctx, loginURL, store.Options{Role: role})
			require.NoError(t, err, "role %q", role)
			var who string
			require.NoError(t, s.Pool().QueryRow(ctx, "SELECT session_user").Scan(&who))
			require.Equal(t, name, who)
			s.Close()
		}
	})
}
