package store_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// A service opens one Store and keeps it for its lifetime.
func ExampleOpen() {
	ctx := context.Background()
	s, err := store.Open(ctx, os.Getenv("DATABASE_URL"), store.Options{
		MaxConns:         20,
		StatementTimeout: 5 * time.Second,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
}

// Organization-scoped data is reached through a handle bound to one
// organization: there is no other way to the members table.
func ExampleStore_Org() {
	ctx := store.WithActor(context.Background(), "shared_user__0190f3c2-0000-7000-8000-000000000001")
	var s *store.Store // from store.Open
	orgID := domain.MustParseID[domain.Organization]("shared_organization__0190f3c2-0000-7000-8000-000000000002")

	o := s.Org(orgID)
	admins, next, err := o.Members().ListFiltered(ctx, store.MemberFilter{Role: "admin"}, store.Page{Limit: 50})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(admins), next != "")
}

// Workflows are single transactions with typed refusals.
func ExampleOrg_AcceptInvitation() {
	ctx := context.Background()
	var o *store.Org // s.Org(orgID)
	inv := domain.MustParseID[domain.Invitation]("iam_invitation__0190f3c2-0000-7000-8000-000000000003")
	user := domain.MustParseID[domain.User]("shared_user__0190f3c2-0000-7000-8000-000000000001")

	m, err := o.AcceptInvitation(ctx, inv, user)
	switch {
	case errors.Is(err, store.ErrExpired):
		fmt.Println("ask for a new invitation")
	case errors.Is(err, store.ErrForbidden):
		fmt.Println("this invitation is for someone else")
	case errors.Is(err, store.ErrConflict):
		fmt.Println("already answered")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("joined as", m.Role)
	}
}

// API keys are verified with Better Auth's semantics in one statement.
func ExampleStore_VerifyAPIKey() {
	ctx := context.Background()
	var s *store.Store
	presented := "ba_lqRcJWeJgTRObUqbfxWtHCalHmKPqpwbacZfMdUCHRgLcrByHcbxVlUgeTHRevfh"

	v, err := s.VerifyAPIKey(ctx, store.HashAPIKey(presented), "")
	if err != nil {
		log.Fatal(err) // the database failed, not the key
	}
	switch v.Outcome {
	case store.APIKeyValid:
		fmt.Println("owner:", v.Key.ReferenceID)
	case store.APIKeyRateLimited:
		fmt.Println("retry in", v.TryAgainIn)
	default:
		fmt.Println("refused:", v.Outcome)
	}
}

// A workflow inside the caller's own transaction: a sign-up writes the
// user and their credential account itself, then runs CreateOrganization,
// CreateSession and SetActiveOrganization on the same transaction. All of
// it commits, or none of it does: a taken slug leaves no user behind, and
// a failure of the caller after the workflows undoes them.
func ExampleTx_CreateOrganization() {
	ctx := context.Background()
	var s *store.Store // from store.Open
	hash := "…"        // betterauth.HashPassword(plain)

	res, err := signUp(ctx, s, "Ada", "ada@example.com", hash, "Analytical")
	switch {
	case errors.Is(err, store.ErrDuplicate):
		fmt.Println("the email or the organization's slug is taken")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println(res.org) // sign res.token into the session cookie with betterauth
	}
}

// signedUp is what signUp returns: the new organization and the plain
// session token.
type signedUp struct {
	org   domain.OrganizationID
	token domain.Secret
}

func signUp(ctx context.Context, s *store.Store, name, email, passwordHash, orgName string) (signedUp, error) {
	var out signedUp
	err := s.InTx(ctx, func(tx *store.Tx) error {
		// The caller's own writes.
		u, err := domain.NewUser(domain.UserParams{Name: name, Email: email})
		if err != nil {
			return err
		}
		if u, err = tx.Users().Create(ctx, u); err != nil {
			return err
		}
		a, err := domain.NewAccount(domain.AccountParams{AccountID: u.ID.String(), ProviderID: "credential", UserID: u.ID, Password: domain.SecretPtr(passwordHash)})
		if err != nil {
			return err
		}
		if _, err := tx.Accounts().Create(ctx, a); err != nil {
			return err
		}
		// The workflows, in the same transaction.
		org, _, err := tx.CreateOrganization(ctx, domain.OrganizationParams{Name: orgName, Slug: strings.ToLower(orgName)}, u.ID)
		if err != nil {
			return err
		}
		sess, err := tx.CreateSession(ctx, u.ID, 7*24*time.Hour, "", "")
		if err != nil {
			return err
		}
		if _, err := tx.SetActiveOrganization(ctx, sess.ID, org.ID); err != nil {
			return err
		}
		out = signedUp{org: org.ID, token: sess.Token}
		return nil
	})
	return out, err
}

// An organization's workflow inside the caller's transaction: the caller
// creates a team and invites someone into it; the invitation never exists
// without its team. tx is bound to the organization: an invitation naming
// another organization is refused (store.ErrWrongOrganization).
func ExampleOrgTx_Invite() {
	ctx := context.Background()
	var o *store.Org // s.Org(orgID)
	inviter := domain.MustParseID[domain.User]("shared_user__0190f3c2-0000-7000-8000-000000000001")

	err := o.InTx(ctx, func(tx *store.OrgTx) error {
		team, err := domain.NewTeam(domain.TeamParams{OrganizationID: tx.ID(), Name: "Research"})
		if err != nil {
			return err
		}
		if team, err = tx.Teams().Create(ctx, team); err != nil {
			return err
		}
		teams := team.ID.String()
		_, err = tx.Invite(ctx, domain.InvitationParams{Email: "grace@example.com", InviterID: inviter, TeamID: &teams, ExpiresAt: time.Now().Add(7 * 24 * time.Hour)})
		return err
	})
	if err != nil {
		log.Fatal(err)
	}
}
