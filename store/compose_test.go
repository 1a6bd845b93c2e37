package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
	"github.com/stretchr/testify/require"
)

// The Tx and OrgTx variants of the workflows run inside a caller's
// transaction: whatever fails inside rolls back the caller's own writes
// too, and the caller's rollback undoes the workflow.

var errCallerRollback = errors.New("the caller rolls back")

// userRow builds a user the caller writes itself inside its transaction.
func userRow(t *testing.T, name string) domain.User {
	t.Helper()
	u, err := domain.NewUser(domain.UserParams{Name: name, Email: name + "-" + domain.NewID[domain.User]().UUID().String()[24:] + "@example.com"})
	require.NoError(t, err)
	return u
}

// teamRow builds a team the caller writes itself inside its transaction.
func teamRow(t *testing.T, org domain.OrganizationID) domain.Team {
	t.Helper()
	team, err := domain.NewTeam(domain.TeamParams{OrganizationID: org, Name: "caller-" + domain.NewID[domain.Team]().UUID().String()[24:]})
	require.NoError(t, err)
	return team
}

func TestWorkflowsTx_FailureInsideRollsBackTheCallersWrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("CreateOrganization", func(t *testing.T) {
		t.Parallel()
		s, url := openStore(t)
		n := 0
		failEachStep(t, s, url, func() func() error {
			n++
			slug := fmt.Sprintf("composed-%d", n)
			return func() error {
				return s.InTx(ctx, func(tx *store.Tx) error {
					u, err := tx.Users().Create(ctx, userRow(t, "founder")) // the caller's own write
					if err != nil {
						return err
					}
					_, _, err = tx.CreateOrganization(ctx, domain.OrganizationParams{Name: slug, Slug: slug}, u.ID)
					return err
				})
			}
		})
	})

	t.Run("AcceptInvitation", func(t *testing.T) {
		t.Parallel()
		s, url := openStore(t)
		owner := newUser(t, s, "inviter")
		org, _ := newOrg(t, s, owner, "acc")
		o := s.Org(org.ID)
		failEachStep(t, s, url, func() func() error {
			invitee := newUser(t, s, "invitee")
			return func() error {
				return o.InTx(ctx, func(tx *store.OrgTx) error {
					team, err := tx.Teams().Create(ctx, teamRow(t, org.ID)) // the caller's own write
					if err != nil {
						return err
					}
					teamID := team.ID.String()
					inv, err := tx.Invite(ctx, domain.InvitationParams{Email: invitee.Email, ExpiresAt: time.Now().Add(time.Hour), InviterID: owner.ID, TeamID: &teamID})
					if err != nil {
						return err
					}
					_, err = tx.AcceptInvitation(ctx, inv.ID, invitee.ID)
					return err
				})
			}
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
			return func() error {
				return o.InTx(ctx, func(tx *store.OrgTx) error {
					if _, err := tx.Teams().Create(ctx, teamRow(t, org.ID)); err != nil {
						return err
					}
					return tx.RemoveMember(ctx, m.ID)
				})
			}
		})
		failEachStep(t, s, url, func() func() error {
			m := newMember(t, s, org.ID)
			return func() error {
				return o.InTx(ctx, func(tx *store.OrgTx) error {
					if _, err := tx.Teams().Create(ctx, teamRow(t, org.ID)); err != nil {
						return err
					}
					_, err := tx.ChangeRole(ctx, m.ID, "admin")
					return err
				})
			}
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
			return func() error {
				return s.InTx(ctx, func(tx *store.Tx) error {
					if _, err := tx.Users().Create(ctx, userRow(t, "bystander")); err != nil {
						return err
					}
					return tx.BanUser(ctx, u.ID, "spam", nil)
				})
			}
		})
		failEachStep(t, s, url, func() func() error {
			u := prep()
			return func() error {
				return s.InTx(ctx, func(tx *store.Tx) error {
					if _, err := tx.Users().Create(ctx, userRow(t, "bystander")); err != nil {
						return err
					}
					return tx.DeleteUser(ctx, u.ID)
				})
			}
		})
	})
}

// TestWorkflowsTx_CallersRollbackUndoesTheWorkflow runs every Tx and OrgTx
// variant successfully in a transaction that the caller then rolls back:
// the database is exactly as before.
func TestWorkflowsTx_CallersRollbackUndoesTheWorkflow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, url := openStore(t)
	owner := newUser(t, s, "owner")
	org, ownerMember := newOrg(t, s, owner, "rollback")
	o := s.Org(org.ID)
	staff := newUser(t, s, "staff")
	m, err := domain.NewMember(domain.MemberParams{OrganizationID: org.ID, UserID: staff.ID})
	require.NoError(t, err)
	staffMember, err := o.Members().Create(ctx, m)
	require.NoError(t, err)
	sess, err := s.CreateSession(ctx, owner.ID, time.Hour, "", "")
	require.NoError(t, err)
	other, err := s.CreateSession(ctx, owner.ID, time.Hour, "", "")
	require.NoError(t, err)
	_, err = s.CreateUserAPIKey(ctx, staff.ID, store.APIKeyRequest{Prefix: "ba_"})
	require.NoError(t, err)
	pending := func(tx *store.OrgTx) domain.Invitation {
		inv, err := tx.Invite(ctx, domain.InvitationParams{Email: "p-" + domain.NewID[domain.User]().UUID().String()[24:] + "@example.com", ExpiresAt: time.Now().Add(time.Hour), InviterID: owner.ID})
		require.NoError(t, err)
		return inv
	}

	global := map[string]func(tx *store.Tx) error{
		"CreateOrganization": func(tx *store.Tx) error {
			_, _, err := tx.CreateOrganization(ctx, domain.OrganizationParams{Name: "gone", Slug: "gone"}, staff.ID)
			return err
		},
		"BanUser":    func(tx *store.Tx) error { return tx.BanUser(ctx, staff.ID, "spam", nil) },
		"DeleteUser": func(tx *store.Tx) error { return tx.DeleteUser(ctx, staff.ID) },
		"CreateSession": func(tx *store.Tx) error {
			_, err := tx.CreateSession(ctx, staff.ID, time.Hour, "127.0.0.1", "test")
			return err
		},
		"RevokeSession": func(tx *store.Tx) error { return tx.RevokeSession(ctx, other.ID) },
		"RevokeOtherSessions": func(tx *store.Tx) error {
			n, err := tx.RevokeOtherSessions(ctx, owner.ID, sess.ID)
			require.Equal(t, int64(1), n)
			return err
		},
		"SetActiveOrganization": func(tx *store.Tx) error {
			_, err := tx.SetActiveOrganization(ctx, sess.ID, org.ID)
			return err
		},
		"CreateUserAPIKey": func(tx *store.Tx) error {
			_, err := tx.CreateUserAPIKey(ctx, owner.ID, store.APIKeyRequest{Prefix: "ba_"})
			return err
		},
	}
	scoped := map[string]func(tx *store.OrgTx) error{
		"Invite": func(tx *store.OrgTx) error { pending(tx); return nil },
		"AcceptInvitation": func(tx *store.OrgTx) error {
			u, err := s.Users().Create(ctx, userRow(t, "invitee")) // committed before: part of the baseline
			require.NoError(t, err)
			inv, err := tx.Invite(ctx, domain.InvitationParams{Email: u.Email, ExpiresAt: time.Now().Add(time.Hour), InviterID: owner.ID})
			require.NoError(t, err)
			_, err = tx.AcceptInvitation(ctx, inv.ID, u.ID)
			return err
		},
		"RejectInvitation": func(tx *store.OrgTx) error { return tx.RejectInvitation(ctx, pending(tx).ID) },
		"CancelInvitation": func(tx *store.OrgTx) error { return tx.CancelInvitation(ctx, pending(tx).ID) },
		"ChangeRole": func(tx *store.OrgTx) error {
			_, err := tx.ChangeRole(ctx, staffMember.ID, "admin")
			return err
		},
		"RemoveMember": func(tx *store.OrgTx) error { return tx.RemoveMember(ctx, staffMember.ID) },
		"ChangeRoleOfTheOwner": func(tx *store.OrgTx) error {
			_, err := tx.ChangeRole(ctx, ownerMember.ID, "owner,admin")
			return err
		},
		"CreateAPIKey": func(tx *store.OrgTx) error {
			_, err := tx.CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "org_"})
			return err
		},
	}
	for name, run := range global {
		before := snapshot(t, url)
		err := s.InTx(ctx, func(tx *store.Tx) error {
			if _, err := tx.Users().Create(ctx, userRow(t, "caller")); err != nil {
				return err
			}
			if err := run(tx); err != nil {
				return fmt.Errorf("the workflow failed: %w", err)
			}
			return errCallerRollback
		})
		require.ErrorIs(t, err, errCallerRollback, name)
		require.Equal(t, before, snapshot(t, url), "%s: the caller's rollback left changes behind", name)
	}
	for name, run := range scoped {
		// AcceptInvitation commits its invitee first: take the snapshot
		// inside, after that write.
		var before string
		err := o.InTx(ctx, func(tx *store.OrgTx) error {
			if _, err := tx.Teams().Create(ctx, teamRow(t, org.ID)); err != nil {
				return err
			}
			if err := run(tx); err != nil {
				return fmt.Errorf("the workflow failed: %w", err)
			}
			before = snapshot(t, url) // another connection: sees none of this transaction
			return errCallerRollback
		})
		require.ErrorIs(t, err, errCallerRollback, name)
		require.Equal(t, before, snapshot(t, url), "%s: the caller's rollback left changes behind", name)
	}
}

// TestWorkflowsTx_TheTransactionStaysGlobal: CreateOrganization and
// SetActiveOrganization confine the caller's transaction to an
// organization while they run and put it back afterwards. Without that, a
// user-owned API key (organization_id NULL, visible only where no tenant is
// set) would be out of the caller's reach for the rest of the transaction:
// BanUser would ban the user and leave their key enabled.
func TestWorkflowsTx_TheTransactionStaysGlobal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openStore(t)
	for _, first := range []string{"CreateOrganization", "SetActiveOrganization"} {
		u := newUser(t, s, "founder")
		key, err := s.CreateUserAPIKey(ctx, u.ID, store.APIKeyRequest{Prefix: "ba_"})
		require.NoError(t, err)
		org, _ := newOrg(t, s, u, "global")
		sess, err := s.CreateSession(ctx, u.ID, time.Hour, "", "")
		require.NoError(t, err)
		err = s.InTx(ctx, func(tx *store.Tx) error {
			var err error
			switch first {
			case "CreateOrganization":
				_, _, err = tx.CreateOrganization(ctx, domain.OrganizationParams{Name: "second", Slug: "second-" + u.ID.UUID().String()[24:]}, u.ID)
			case "SetActiveOrganization":
				_, err = tx.SetActiveOrganization(ctx, sess.ID, org.ID)
			}
			if err != nil {
				return err
			}
			// The caller's own read of a user-owned key, then a workflow
			// that must reach it.
			if _, err := tx.DB().Exec(ctx, "SELECT 1 FROM iam_apikey WHERE id = $1 AND organization_id IS NULL", key.Key.ID.String()); err != nil {
				return err
			}
			return tx.BanUser(ctx, u.ID, "composed", nil)
		})
		require.NoError(t, err, first)
		got, err := s.UserAPIKeys().Get(ctx, key.Key.ID)
		require.NoError(t, err, first)
		require.False(t, got.Enabled, "%s: BanUser after it in the same transaction left the user's key enabled", first)
	}
}

// TestWorkflowsTx_AnotherOrganizationIsRefused: an OrgTx is bound to one
// organization. A workflow on it whose argument names another organization
// is refused with ErrWrongOrganization (a *store.Error naming the field),
// and nothing is written; rows of another organization are not found (the
// store never tells a caller that another tenant's row exists).
func TestWorkflowsTx_AnotherOrganizationIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, url := openStore(t)
	ownerA, ownerB := newUser(t, s, "a"), newUser(t, s, "b")
	orgA, _ := newOrg(t, s, ownerA, "a")
	orgB, memberB := newOrg(t, s, ownerB, "b")
	invB, err := s.Org(orgB.ID).Invite(ctx, domain.InvitationParams{Email: ownerA.Email, ExpiresAt: time.Now().Add(time.Hour), InviterID: ownerB.ID})
	require.NoError(t, err)
	before := snapshot(t, url)

	p := domain.InvitationParams{OrganizationID: orgB.ID, Email: "x@example.com", ExpiresAt: time.Now().Add(time.Hour), InviterID: ownerA.ID}
	err = s.Org(orgA.ID).InTx(ctx, func(tx *store.OrgTx) error {
		require.Equal(t, orgA.ID, tx.ID())
		_, err := tx.Invite(ctx, p)
		return err
	})
	require.ErrorIs(t, err, store.ErrWrongOrganization)
	var se *store.Error
	require.ErrorAs(t, err, &se)
	require.Contains(t, se.Detail, "organizationId")
	require.Contains(t, se.Detail, orgA.ID.String())
	require.Contains(t, se.Detail, orgB.ID.String())
	// The handle refuses the same (it used to put the invitation into its
	// own organization silently).
	_, err = s.Org(orgA.ID).Invite(ctx, p)
	require.ErrorIs(t, err, store.ErrWrongOrganization)
	// The right organization named explicitly is fine; so is none.
	p.OrganizationID = orgA.ID
	err = s.Org(orgA.ID).InTx(ctx, func(tx *store.OrgTx) error {
		_, err := tx.Invite(ctx, p)
		if err != nil {
			return err
		}
		return errCallerRollback
	})
	require.ErrorIs(t, err, errCallerRollback)

	err = s.Org(orgA.ID).InTx(ctx, func(tx *store.OrgTx) error {
		_, err := tx.AcceptInvitation(ctx, invB.ID, ownerA.ID)
		return err
	})
	require.ErrorIs(t, err, store.ErrNotFound, "B's invitation through A's transaction")
	err = s.Org(orgA.ID).InTx(ctx, func(tx *store.OrgTx) error {
		_, err := tx.ChangeRole(ctx, memberB.ID, "member")
		return err
	})
	require.ErrorIs(t, err, store.ErrNotFound, "B's member through A's transaction")
	err = s.Org(orgA.ID).InTx(ctx, func(tx *store.OrgTx) error { return tx.RemoveMember(ctx, memberB.ID) })
	require.ErrorIs(t, err, store.ErrNotFound)
	err = s.Org(orgA.ID).InTx(ctx, func(tx *store.OrgTx) error { return tx.CancelInvitation(ctx, invB.ID) })
	require.ErrorIs(t, err, store.ErrNotFound)
	require.Equal(t, before, snapshot(t, url), "a refused call wrote something")
}

// TestWorkflowsTx_SignUpInOneTransaction is ExampleTx_CreateOrganization
// run: the user, their organization, a session with it active and the
// caller's own row commit together.
func TestWorkflowsTx_SignUpInOneTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := openStore(t)
	res, err := signUp(ctx, s, "Ada", "ada@example.com", "salt:hash", "Analytical")
	require.NoError(t, err)
	info, err := s.LookupSession(ctx, res.token)
	require.NoError(t, err)
	require.Equal(t, "ada@example.com", info.User.Email)
	require.NotNil(t, info.Member)
	require.Equal(t, res.org, info.Member.OrganizationID)
	require.True(t, info.Member.Role.Has("owner"))
	_, err = s.Accounts().GetByProviderAccount(ctx, "credential", info.User.ID.String())
	require.NoError(t, err)

	// A second sign-up for a slug that is taken: the user and the account
	// the caller wrote before CreateOrganization failed are gone too.
	_, err = signUp(ctx, s, "Bob", "bob@example.com", "salt:hash", "Analytical")
	require.ErrorIs(t, err, store.ErrDuplicate)
	_, err = s.Users().GetByEmail(ctx, "bob@example.com")
	require.ErrorIs(t, err, store.ErrNotFound)
}
