package store_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
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
