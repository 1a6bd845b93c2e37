package store

import (
	"context"
	"time"

	"github.com/beep/iam/domain"
)

// orgTx confines the rest of a global transaction to organization id: it
// sets app.current_org_id for the transaction. Workflows that span global
// and organization rows (creating an organization with its owner) use it.
func (tx *Tx) orgTx(ctx context.Context, id domain.OrganizationID) (*OrgTx, error) {
	if _, err := tx.tx.Exec(ctx, setOrgSQL, id.String()); err != nil {
		return nil, wrap(err, domain.TableOrganization, "set tenant", id.String())
	}
	o := &Org{s: tx.store, id: id.String(), db: tx.tx}
	return &OrgTx{o: o, tx: tx.tx}, nil
}

// CreateOrganization creates the organization and the owner's membership
// (role owner) in one transaction, and returns both.
func (s *Store) CreateOrganization(ctx context.Context, p domain.OrganizationParams, owner domain.UserID) (domain.Organization, domain.Member, error) {
	if p.OwnerUserID == nil {
		p.OwnerUserID = &owner
	}
	org, err := domain.NewOrganization(p)
	if err != nil {
		return domain.Organization{}, domain.Member{}, err
	}
	var created domain.Organization
	var member domain.Member
	err = s.InTx(ctx, func(tx *Tx) error {
		var err error
		if created, err = tx.Organizations().Create(ctx, org); err != nil {
			return err
		}
		if err := s.step("create organization: organization created"); err != nil {
			return err
		}
		otx, err := tx.orgTx(ctx, created.ID)
		if err != nil {
			return err
		}
		role := domain.Roles("owner")
		now := time.Now()
		m, err := domain.NewMember(domain.MemberParams{OrganizationID: created.ID, UserID: owner, Role: &role, JoinedAt: &now})
		if err != nil {
			return err
		}
		if member, err = otx.Members().Create(ctx, m); err != nil {
			return err
		}
		return s.step("create organization: owner added")
	})
	return created, member, err
}
