package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/store"
)

// Not parallel: it pauses and stops the test binary's standby.
func TestReplica_ReadsComeFromTheStandbyAndFallBackToThePrimary(t *testing.T) {
	ctx := store.WithActor(context.Background(), "replica-test")
	dbURL := pgtest.NewDatabase(t)
	sb := pgtest.StartStandby(t)
	s, err := store.Open(ctx, dbURL, store.Options{MaxConns: 4, ReplicaURLs: []string{sb.Via(t, dbURL)}, ReplicaRetry: time.Hour})
	require.NoError(t, err)
	t.Cleanup(s.Close)
	before := func() store.Stats { return s.Stats() }

	u := newUser(t, s, "reader")
	sess, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "test")
	require.NoError(t, err)
	sb.CatchUp(t)
	st := before()
	_, err = s.LookupSession(ctx, sess.Token)
	require.NoError(t, err)
	require.Equal(t, st.ReplicaReads+1, s.Stats().ReplicaReads, "the lookup was answered by the replica")

	// Lag made visible: replay paused, the primary moves on.
	sb.PauseReplay(t)
	u.Name = "renamed while the replica lags"
	_, err = s.Users().Update(ctx, u)
	require.NoError(t, err)
	info, err := s.LookupSession(ctx, sess.Token)
	require.NoError(t, err)
	require.Equal(t, "reader", info.User.Name, "served by the lagging replica")
	info, err = s.LookupSession(store.ReadPrimary(ctx), sess.Token)
	require.NoError(t, err)
	require.Equal(t, "renamed while the replica lags", info.User.Name, "ReadPrimary reads the primary")

	// A sign-in a moment ago: the replica has no such session, the primary does.
	fresh, err := s.CreateSession(ctx, u.ID, time.Hour, "127.0.0.1", "test")
	require.NoError(t, err)
	st = before()
	info, err = s.LookupSession(ctx, fresh.Token)
	require.NoError(t, err, "a fresh sign-in is never refused")
	require.Equal(t, fresh.ID, info.Session.ID)
	require.Equal(t, st.ReplicaFallbacks+1, s.Stats().ReplicaFallbacks)
	require.Equal(t, st.ReplicaErrors, s.Stats().ReplicaErrors, "a miss is not a replica error")

	// API key reads and list pages written during the lag.
	key, err := s.CreateUserAPIKey(ctx, u.ID, store.APIKeyRequest{Prefix: "ba_"})
	require.NoError(t, err)
	got, err := s.UserAPIKeys().Get(ctx, key.Key.ID)
	require.NoError(t, err)
	require.Equal(t, key.Key.ID, got.ID)
	page, _, err := s.UserAPIKeys().ListByUser(ctx, u.ID, store.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, page, 1, "an empty page from the replica is asked to the primary")
	org, _ := newOrg(t, s, u, "lagging")
	okey, err := s.Org(org.ID).CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "ba_"})
	require.NoError(t, err)
	gotOrg, err := s.Org(org.ID).APIKeys().Get(ctx, okey.Key.ID)
	require.NoError(t, err)
	require.Equal(t, okey.Key.ID, gotOrg.ID)
	members, _, err := s.Org(org.ID).Members().List(ctx, store.Page{Limit: 10})
	require.NoError(t, err)
	require.Len(t, members, 1)

	// The residual: a revocation reaches replica reads only with replay.
	require.NoError(t, s.RevokeSession(ctx, sess.ID))
	_, err = s.LookupSession(ctx, sess.Token)
	require.NoError(t, err, "the lagging replica still has the revoked session (docs/scaling.md)")
	_, err = s.LookupSession(store.ReadPrimary(ctx), sess.Token)
	require.True(t, errors.Is(err, store.ErrNotFound), "%v", err)
	sb.ResumeReplay(t)
	sb.CatchUp(t)
	_, err = s.LookupSession(ctx, sess.Token)
	require.True(t, errors.Is(err, store.ErrNotFound), "after replay the replica has the revocation too: %v", err)

	// Replica down: reads move to the primary; the replica is left out.
	sb.Stop(t)
	t.Cleanup(func() { sb.Start(t) })
	st = before()
	for i := 0; i < 3; i++ {
		info, err = s.LookupSession(ctx, fresh.Token)
		require.NoError(t, err)
		require.Equal(t, fresh.ID, info.Session.ID)
	}
	after := s.Stats()
	require.Equal(t, st.ReplicaErrors+1, after.ReplicaErrors, "one failed connection, then the replica is left out")
	require.Equal(t, st.ReplicaReads, after.ReplicaReads)
}
