package store_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
	"github.com/beep/iam/store"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

var errInjected = errors.New("injected failure")

// snapshot returns a digest of every table's full contents, read as the
// superuser (no RLS), so two snapshots are equal only if nothing changed.
func snapshot(t *testing.T, url string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var parts []string
	for _, tb := range schema.Tables() {
		var digest *string
		q := fmt.Sprintf("SELECT md5(string_agg(x::text, '|' ORDER BY x._row_id)) FROM %s x", pgx.Identifier{tb.Name}.Sanitize())
		require.NoError(t, conn.QueryRow(ctx, q).Scan(&digest))
		d := "-"
		if digest != nil {
			d = *digest
		}
		parts = append(parts, tb.Name+"="+d)
	}
	sort.Strings(parts)
	return strings.Join(parts, "\n")
}

// failEachStep runs a workflow once to learn its steps, then once per step
// with a failure injected there, and checks the database is exactly as
// before each failed run.
func failEachStep(t *testing.T, s *store.Store, url string, setup func() func() error) {
	t.Helper()
	var steps []string
	s.SetFailpoint(func(step string) error { steps = append(steps, step); return nil })
	require.NoError(t, setup()(), "workflow without failure")
	require.NotEmpty(t, steps)
	for i, target := range steps {
		run := setup()
		before := snapshot(t, url)
		s.SetFailpoint(func(step string) error {
			if step == target {
				return errInjected
			}
			return nil
		})
		err := run()
		require.ErrorIs(t, err, errInjected, "step %d %q", i, target)
		require.Equal(t, before, snapshot(t, url), "failure at step %q left changes behind", target)
	}
	s.SetFailpoint(nil)
}

func TestWorkflows_FailureAtEachStepLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("CreateOrganization", func(t *testing.T) {
		t.Parallel()
		s, url := openStore(t)
		u := newUser(t, s, "founder")
		n := 0
		failEachStep(t, s, url, func() func() error {
			n++
			slug := fmt.Sprintf("atomic-%d", n)
			return func() error {
				_, _, err := s.CreateOrganization(ctx, domain.OrganizationParams{Name: slug, Slug: slug}, u.ID)
				return err
			}
		})
	})

	t.Run("AcceptInvitation", func(t *testing.T) {
		t.Parallel()
		s, url := openStore(t)
		owner := newUser(t, s, "inviter")
		org, _ := newOrg(t, s, owner, "acc")
		o := s.Org(org.ID)
		team, err := domain.NewTeam(domain.TeamParams{OrganizationID: org.ID, Name: "t1"})
		require.NoError(t, err)
		team, err = o.Teams().Create(ctx, team)
		require.NoError(t, err)
		failEachStep(t, s, url, func() func() error {
			invitee := newUser(t, s, "invitee")
			teamID := team.ID.String()
			inv, err := o.Invite(ctx, domain.InvitationParams{Email: invitee.Email, ExpiresAt: time.Now().Add(time.Hour), InviterID: owner.ID, TeamID: &teamID})
			require.NoError(t, err)
			return func() error { _, err := o.AcceptInvitation(ctx, inv.ID, invitee.ID); return err }
		})
	})

	t.Run("RemoveMemberAndChangeRole", func(t *testing.T) {
		t.Parallel()
		s, url := openStore(t)
		owner := newUser(t, s, "boss")
		org, _ := newOrg(t, s, owner, "rm")
		o := s.Org(org.ID)
		failEachStep(t, s, url, func() func() error {
			m := newMember(t, s, org.ID)
			return func() error { return o.RemoveMember(ctx, m.ID) }
		})
		failEachStep(t, s, url, func() func() error {
			m := newMember(t, s, org.ID)
			return func() error { _, err := o.ChangeRole(ctx, m.ID, "admin"); return err }
		})
	})

	t.Run("BanAndDeleteUser", func(t *testing.T) {
		t.Parallel()
		s, url := openStore(t)
		prep := func() domain.User {
			u := newUser(t, s, "target")
			_, err := s.CreateSession(ctx, u.ID, time.Hour, "", "")
			require.NoError(t, err)
			_, err = s.CreateUserAPIKey(ctx, u.ID, store.APIKeyRequest{Prefix: "ba_"})
			require.NoError(t, err)
			return u
		}
		failEachStep(t, s, url, func() func() error {
			u := prep()
			return func() error { return s.BanUser(ctx, u.ID, "spam", nil) }
		})
		failEachStep(t, s, url, func() func() error {
			u := prep()
			return func() error { return s.DeleteUser(ctx, u.ID) }
		})
	})
}
