package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// MemberFilter narrows ListMembers; zero fields match everything.
type MemberFilter struct {
	Role   string              // members having this role (one of their comma-separated roles)
	Status domain.MemberStatus // members with this status
}

// GetByUser returns the user's live membership of the organization.
func (r MemberRepo) GetByUser(ctx context.Context, userID domain.UserID) (domain.Member, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "user_id = $1", userID.String(), userID.String())
}

// ListFiltered returns one page of the organization's live members matching
// f, in join order (served by the (organization_id, role) and
// (organization_id, status) indexes).
func (r MemberRepo) ListFiltered(ctx context.Context, f MemberFilter, page Page) ([]domain.Member, string, error) {
	cond, args := "TRUE", []any{}
	if f.Role != "" {
		args = append(args, f.Role)
		cond += " AND $1 = ANY(string_to_array(role, ','))"
	}
	if f.Status != "" {
		args = append(args, string(f.Status))
		cond += " AND status = $" + itoa(len(args)) + "::member_status_enum"
	}
	return r.t.list(ctx, r.db, r.o.id, page, cond, args...)
}

// ListByUserAcrossOrgs is deliberately absent: memberships of a user in
// several organizations are read per organization, through each Org handle.

// ListByTeam returns one page of the team's live members.
func (r TeamMemberRepo) ListByTeam(ctx context.Context, teamID domain.TeamID, page Page) ([]domain.TeamMember, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "team_id = $1", teamID.String())
}

// GetByTeamUser returns the user's membership of the team.
func (r TeamMemberRepo) GetByTeamUser(ctx context.Context, teamID domain.TeamID, userID domain.UserID) (domain.TeamMember, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "team_id = $1 AND user_id = $2", teamID.String()+"/"+userID.String(), teamID.String(), userID.String())
}

// ListPending returns one page of the organization's pending invitations
// (expired ones included; check ExpiresAt).
func (r InvitationRepo) ListPending(ctx context.Context, page Page) ([]domain.Invitation, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "status = 'pending'")
}

// GetPendingByEmail returns the pending invitation for email.
func (r InvitationRepo) GetPendingByEmail(ctx context.Context, email string) (domain.Invitation, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "status = 'pending' AND email = $1", "", normalizeEmail(email))
}

// GetByRole returns the custom role named role.
func (r OrganizationRoleRepo) GetByRole(ctx context.Context, role string) (domain.OrganizationRole, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "role = $1", role, role)
}

// GetBySlug returns the team with slug (unique per organization).
func (r TeamRepo) GetBySlug(ctx context.Context, slug string) (domain.Team, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "slug = $1", slug, slug)
}

// GetByProviderID returns the SSO provider with providerID.
func (r SSOProviderRepo) GetByProviderID(ctx context.Context, providerID string) (domain.SSOProvider, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "provider_id = $1", providerID, providerID)
}

// GetByProviderID returns the SCIM provider with providerID.
func (r SCIMProviderRepo) GetByProviderID(ctx context.Context, providerID string) (domain.SCIMProvider, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "provider_id = $1", providerID, providerID)
}

// GetByStripeSubscriptionID returns the subscription with the Stripe id.
func (r SubscriptionRepo) GetByStripeSubscriptionID(ctx context.Context, id string) (domain.Subscription, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "stripe_subscription_id = $1", id, id)
}

// GetByClientID returns the OAuth client with clientID.
func (r OAuthClientRepo) GetByClientID(ctx context.Context, clientID string) (domain.OAuthClient, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "client_id = $1", clientID, clientID)
}

// ListByUser returns one page of the user's consents in the organization.
func (r OAuthConsentRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.OAuthConsent, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "user_id = $1", userID.String())
}
