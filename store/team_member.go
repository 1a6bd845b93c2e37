package store

import (
	"context"

	"github.com/beep/iam/domain"
)

// ListByTeam returns one page of the team's live members.
func (r TeamMemberRepo) ListByTeam(ctx context.Context, teamID domain.TeamID, page Page) ([]domain.TeamMember, string, error) {
	return r.t.list(ctx, r.db, r.o.id, page, "team_id = $1", teamID.String())
}

// GetByTeamUser returns the user's membership of the team.
func (r TeamMemberRepo) GetByTeamUser(ctx context.Context, teamID domain.TeamID, userID domain.UserID) (domain.TeamMember, error) {
	return r.t.getBy(ctx, r.db, r.o.id, "team_id = $1 AND user_id = $2", teamID.String()+"/"+userID.String(), teamID.String(), userID.String())
}
