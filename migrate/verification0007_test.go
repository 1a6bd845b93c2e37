package migrate_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

const reservationVersion = 7

// reservationID is the id Better Auth 1.7's reserveVerificationValue writes.
func reservationID(identifier string) string {
	sum := sha256.Sum256([]byte("reserve:" + identifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// TestUp0007_AdmitsBetterAuthsReservationIDsUpDownAndUpAgain: at version 6
// a reservation row is refused; at 7 it is admitted (once: the id stays
// unique, which is what a reservation relies on), other malformed ids are
// still refused, every row is kept; down deletes the reservations (counted
// in a NOTICE) and keeps every other row; up again checks clean.
func TestUp0007_AdmitsBetterAuthsReservationIDsUpDownAndUpAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, url := newConnBeforeHardening(t)
	conn := newNoticeConn(t, url)
	seed(t, conn.Conn)
	m := migrate.Default()
	_, err := m.UpTo(ctx, conn.Conn, reservationVersion-1)
	require.NoError(t, err)
	before := snapshot(t, conn.Conn)
	lock := reservationID("cleanup-lock:shared_user__0199aaaa-0000-7000-8000-000000000001")
	reserve := func(id string) error {
		_, err := conn.Exec(ctx, `INSERT INTO iam_verification (id, identifier, value, expires_at) VALUES ($1, $2, 'v', now() + interval '1 minute')`, id, "lock-"+id)
		return err
	}
	requireRefused(t, reserve(lock), "23514", "version 6 refuses a reservation id")

	steps, err := m.UpTo(ctx, conn.Conn, reservationVersion)
	require.NoError(t, err)
	require.Equal(t, []int{reservationVersion}, versions(steps))
	require.Equal(t, before, snapshot(t, conn.Conn), "up changes no row")
	require.NoError(t, reserve(lock))
	requireRefused(t, reserve(lock), "23505", "a second reservation of the same identifier")
	for _, bad := range []string{"x", lock + "A", lock[:42] + "=", "iam_verification__not-a-uuid", "shared_user__0199aaaa-0000-7000-8000-000000000001"} {
		requireRefused(t, reserve(bad), "23514", bad)
	}
	if m.Latest() == reservationVersion {
		r, err := migrate.Check(ctx, conn.Conn, schema.IAM(), migrate.WithMigrations(m))
		require.NoError(t, err)
		require.True(t, r.OK(), "%v", r.Drifts)
	}

	conn.take()
	steps, err = m.DownTo(ctx, conn.Conn, reservationVersion-1)
	require.NoError(t, err)
	require.Equal(t, []int{reservationVersion}, versions(steps))
	require.Contains(t, conn.take(), "1 verification reservation(s) of Better Auth deleted")
	require.Equal(t, before, snapshot(t, conn.Conn), "down keeps every other row")
	requireRefused(t, reserve(lock), "23514", "back at version 6")

	_, err = m.Up(ctx, conn.Conn)
	require.NoError(t, err)
	require.Equal(t, before, snapshot(t, conn.Conn), "up again")
	r, err := migrate.Check(ctx, conn.Conn, schema.IAM(), migrate.WithMigrations(m))
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
}
