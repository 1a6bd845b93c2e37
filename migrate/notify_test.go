package migrate_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
)

// notifyVersion is migration 0004_session_cache_notify.
const notifyVersion = 4

// listener is a connection LISTENing on the session cache's channel.
type listener struct {
	t    *testing.T
	conn *pgx.Conn
}

func newListener(t *testing.T, url string) *listener {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close(context.Background()) })
	_, err = conn.Exec(context.Background(), "LISTEN "+schema.SessionChangesChannel)
	require.NoError(t, err)
	return &listener{t: t, conn: conn}
}

// next returns the next payload, failing after a generous deadline.
func (l *listener) next(what string) string {
	l.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := l.conn.WaitForNotification(ctx)
	require.NoErrorf(l.t, err, "no notification for %s", what)
	require.Equal(l.t, schema.SessionChangesChannel, n.Channel)
	return n.Payload
}

// TestUp0004_TriggersAnnounceEverySessionChange writes as the superuser (as
// Better Auth or psql would) and reads the announcements in commit order:
// the id of each updated or deleted session and user, the user id of each
// membership change; nothing for a rolled-back change or for deleting an
// already expired session. After down, nothing; after up again, the schema
// checks clean.
func TestUp0004_TriggersAnnounceEverySessionChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	w, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = w.Close(context.Background()) })
	l := newListener(t, url)
	q := func(sql string, args ...any) string { t.Helper(); return queryString(t, w, sql, args...) }
	// marker proves that nothing was announced before it.
	marker := func(what string) {
		t.Helper()
		execSQL(t, w, `SELECT pg_notify($1, 'marker')`, schema.SessionChangesChannel)
		require.Equal(t, "marker", l.next("the marker"), what)
	}

	user := q(`INSERT INTO shared_user (name, email) VALUES ('Ann', 'ann@example.com') RETURNING id`)
	other := q(`INSERT INTO shared_user (name, email) VALUES ('Ben', 'ben@example.com') RETURNING id`)
	org := q(`INSERT INTO shared_organization (name, slug) VALUES ('Acme', 'acme') RETURNING id`)
	session := q(`INSERT INTO shared_session (token, user_id, expires_at) VALUES ('tok-ann', $1, now() + interval '1 day') RETURNING id`, user)
	expired := q(`INSERT INTO shared_session (token, user_id, created_at, expires_at) VALUES ('tok-old', $1, now() - interval '2 days', now() - interval '1 day') RETURNING id`, user)
	marker("inserting users, an organization and sessions announces nothing")

	execSQL(t, w, `UPDATE shared_session SET user_agent = 'new' WHERE id = $1`, session)
	require.Equal(t, session, l.next("a session update"))
	execSQL(t, w, `UPDATE shared_user SET banned = true WHERE id = $1`, user)
	require.Equal(t, user, l.next("a ban"))

	member := q(`INSERT INTO iam_member (organization_id, user_id, role) VALUES ($1, $2, 'owner') RETURNING id`, org, user)
	require.Equal(t, user, l.next("a new membership"))
	execSQL(t, w, `UPDATE iam_member SET role = 'admin' WHERE id = $1`, member)
	require.Equal(t, user, l.next("a role change"))
	execSQL(t, w, `UPDATE iam_member SET user_id = $2 WHERE id = $1`, member, other)
	require.Equal(t, user, l.next("a membership moved: the old user"))
	require.Equal(t, other, l.next("a membership moved: the new user"))
	execSQL(t, w, `DELETE FROM iam_member WHERE id = $1`, member)
	require.Equal(t, other, l.next("a removed membership"))

	tx, err := w.Begin(ctx)
	require.NoError(t, err)
	_, err = tx.Exec(ctx, `DELETE FROM shared_session WHERE id = $1`, session)
	require.NoError(t, err)
	require.NoError(t, tx.Rollback(ctx))
	execSQL(t, w, `DELETE FROM shared_session WHERE id = $1`, expired)
	marker("a rolled-back delete and the delete of an expired session announce nothing")

	execSQL(t, w, `DELETE FROM shared_session WHERE id = $1`, session)
	require.Equal(t, session, l.next("a revoked session"))
	execSQL(t, w, `DELETE FROM shared_user WHERE id = $1`, user)
	require.Equal(t, user, l.next("a deleted user"))

	m := migrate.Default()
	steps, err := m.DownTo(ctx, w, notifyVersion-1)
	require.NoError(t, err)
	require.Len(t, steps, m.Latest()-notifyVersion+1)
	execSQL(t, w, `UPDATE shared_user SET banned = true WHERE id = $1`, other)
	marker("without 0004 nothing is announced")

	_, err = m.Up(ctx, w)
	require.NoError(t, err)
	r, err := migrate.Check(ctx, w, schema.IAM(), migrate.WithMigrations(m))
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
	execSQL(t, w, `UPDATE shared_user SET banned = false WHERE id = $1`, other)
	require.Equal(t, other, l.next("an unban after up again"))
}
