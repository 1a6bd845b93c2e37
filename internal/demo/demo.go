// Package demo seeds a small demo tenant through the store: the README's
// first command (`iam up`) and `iam seed` call it. It sits above store and
// betterauth (it hashes the demo password in Better Auth's format so the
// demo owner can sign in through a Better Auth server too).
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// Slug is the demo organization's slug; its presence makes Seed a no-op.
const Slug = "demo"

// Password is the demo users' password (a demo, not a secret).
const Password = "Demo-password-1"

// Report is what Seed made (or found).
type Report struct {
	Created      bool                `json:"created"` // false: the demo existed already
	Organization domain.Organization `json:"organization"`
	Owner        domain.User         `json:"owner"`
	Members      []domain.Member     `json:"members"`
	Team         *domain.Team        `json:"team,omitempty"`
	Invitation   *domain.Invitation  `json:"invitation,omitempty"`
	APIKey       *domain.APIKey      `json:"apiKey,omitempty"`
	// PlainAPIKey is shown once, when the key is created.
	PlainAPIKey string `json:"plainApiKey,omitempty"`
	Password    string `json:"password"`
}

var people = []struct{ name, email, role string }{
	{"Ada Owner", "ada@demo.example.com", "owner"},
	{"Ben Admin", "ben@demo.example.com", "admin"},
	{"Cleo Member", "cleo@demo.example.com", "member"},
}

// Seed makes sure the demo tenant exists: an organization owned by Ada, two
// more members, a team with Ada in it, a pending invitation and an
// organization API key; users get a credential account with Password.
//
// Each piece is looked up first and created only when missing, so Seed is
// idempotent and a run interrupted half-way is completed by the next one
// (each piece itself is written atomically by the store). Concurrent Seeds
// (two `iam up` at once on a fresh directory) take turns: each holds a
// session advisory lock (LockKey) on a connection of its own for the whole
// run, so the second one finds what the first created.
func Seed(ctx context.Context, s *store.Store) (Report, error) {
	unlock, err := lock(ctx, s)
	if err != nil {
		return Report{Password: Password}, err
	}
	defer unlock()
	return seed(ctx, s)
}

// LockKey is the advisory lock key Seed holds ("iam_demo" in ASCII).
const LockKey int64 = 0x69616d5f64656d6f

// lock takes LockKey on a dedicated connection outside the store's pool (so
// that a pool of one connection cannot deadlock on it); closing that
// connection releases the lock, also when the process dies.
func lock(ctx context.Context, s *store.Store) (unlock func(), err error) {
	conn, err := pgx.ConnectConfig(ctx, s.Pool().Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("demo: connect for the seed lock: %w", err)
	}
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", LockKey); err != nil {
		_ = conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("demo: take the seed lock (advisory lock %d): %w", LockKey, err)
	}
	return func() { _ = conn.Close(context.WithoutCancel(ctx)) }, nil
}

func seed(ctx context.Context, s *store.Store) (Report, error) {
	ctx = store.WithSource(store.WithActor(ctx, "iam seed"), "seed")
	rep := Report{Password: Password}
	var users []domain.User
	for _, p := range people {
		u, created, err := user(ctx, s, p.name, p.email)
		if err != nil {
			return rep, err
		}
		rep.Created = rep.Created || created
		users = append(users, u)
	}
	rep.Owner = users[0]

	org, err := s.Organizations().GetBySlug(ctx, Slug)
	if errors.Is(err, store.ErrNotFound) {
		org, _, err = s.CreateOrganization(ctx, domain.OrganizationParams{Name: "Demo Inc.", Slug: Slug}, users[0].ID)
		rep.Created = true
	}
	if err != nil {
		return rep, err
	}
	rep.Organization = org
	o := s.Org(org.ID)

	for i, u := range users {
		m, err := o.Members().GetByUser(ctx, u.ID)
		if errors.Is(err, store.ErrNotFound) {
			role := domain.Roles(people[i].role)
			now := time.Now()
			if m, err = domain.NewMember(domain.MemberParams{OrganizationID: org.ID, UserID: u.ID, Role: &role, InvitedBy: &users[0].ID, JoinedAt: &now}); err != nil {
				return rep, err
			}
			m, err = o.Members().Create(ctx, m)
			rep.Created = true
		}
		if err != nil {
			return rep, err
		}
		rep.Members = append(rep.Members, m)
	}

	team, err := o.Teams().GetBySlug(ctx, "platform")
	if errors.Is(err, store.ErrNotFound) {
		slug := "platform"
		if team, err = domain.NewTeam(domain.TeamParams{OrganizationID: org.ID, Name: "Platform", Slug: &slug}); err != nil {
			return rep, err
		}
		team, err = o.Teams().Create(ctx, team)
		rep.Created = true
	}
	if err != nil {
		return rep, err
	}
	rep.Team = &team
	if _, err := o.TeamMembers().GetByTeamUser(ctx, team.ID, users[0].ID); errors.Is(err, store.ErrNotFound) {
		tm, err := domain.NewTeamMember(domain.TeamMemberParams{OrganizationID: org.ID, TeamID: team.ID, UserID: users[0].ID})
		if err != nil {
			return rep, err
		}
		if _, err := o.TeamMembers().Create(ctx, tm); err != nil {
			return rep, err
		}
	} else if err != nil {
		return rep, err
	}

	inv, err := o.Invitations().GetPendingByEmail(ctx, invitee)
	if errors.Is(err, store.ErrNotFound) {
		inv, err = o.Invite(ctx, domain.InvitationParams{Email: invitee, ExpiresAt: time.Now().Add(7 * 24 * time.Hour), InviterID: users[0].ID})
		rep.Created = true
	}
	if err != nil {
		return rep, err
	}
	rep.Invitation = &inv

	keys, _, err := o.APIKeys().List(ctx, store.Page{Limit: store.MaxPageSize})
	if err != nil {
		return rep, err
	}
	for i := range keys {
		if keys[i].Name != nil && *keys[i].Name == keyName {
			rep.APIKey = &keys[i]
		}
	}
	if rep.APIKey == nil {
		name := keyName
		key, err := o.CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "demo_", Name: &name})
		if err != nil {
			return rep, err
		}
		rep.APIKey = &key.Key
		rep.PlainAPIKey = key.Plain.Reveal()
		rep.Created = true
	}
	return rep, nil
}

const (
	invitee = "dan@demo.example.com"
	keyName = "demo key"
)

// user returns the user with email, creating it with a credential account
// when missing.
func user(ctx context.Context, s *store.Store, name, email string) (domain.User, bool, error) {
	u, err := s.Users().GetByEmail(ctx, email)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return u, false, err
	}
	hash, err := betterauth.HashPassword(Password)
	if err != nil {
		return u, false, fmt.Errorf("demo: hashing the password: %w", err)
	}
	if u, err = domain.NewUser(domain.UserParams{Name: name, Email: email, EmailVerified: true}); err != nil {
		return u, false, err
	}
	acc, err := domain.NewAccount(domain.AccountParams{AccountID: u.ID.String(), ProviderID: "credential", UserID: u.ID, Password: domain.SecretPtr(hash)})
	if err != nil {
		return u, false, err
	}
	// The user and its credential account are one unit.
	err = s.InTx(ctx, func(tx *store.Tx) error {
		if u, err = tx.Users().Create(ctx, u); err != nil {
			return err
		}
		_, err = tx.Accounts().Create(ctx, acc)
		return err
	})
	return u, err == nil, err
}
