package store

import (
	"context"
	"time"

	"github.com/beep/iam/domain"
)

// inOrg runs fn with the rest of a global transaction confined to
// organization id (app.current_org_id set for the transaction), then puts
// the global setting back (no tenant) unless the transaction ends right
// after fn (reset false: a workflow's own transaction). Without the reset a
// caller's later statements in the same transaction would run as that
// organization: user-owned API keys (organization_id NULL) would vanish
// from its view, and its own tenant-scoped writes would be checked against
// the wrong organization.
func (tx *Tx) inOrg(ctx context.Context, id domain.OrganizationID, reset bool, fn func(*OrgTx) error) error {
	if _, err := tx.tx.Exec(ctx, setOrgSQL, id.String()); err != nil {
		return wrap(err, domain.TableOrganization, "set tenant", id.String())
	}
	o := &Org{s: tx.store, id: id.String(), db: tx.tx}
	if err := fn(&OrgTx{o: o, tx: tx.tx}); err != nil {
		return err
	}
	if !reset {
		return nil
	}
	if _, err := tx.tx.Exec(ctx, setOrgSQL, ""); err != nil {
		return wrap(err, domain.TableOrganization, "reset tenant", id.String())
	}
	return nil
}

// CreateOrganization creates the organization and the owner's membership
// (role owner) in one transaction, and returns both. It is
// Tx.CreateOrganization in a transaction of its own.
func (s *Store) CreateOrganization(ctx context.Context, p domain.OrganizationParams, owner domain.UserID) (domain.Organization, domain.Member, error) {
	var created domain.Organization
	var member domain.Member
	err := s.InTx(ctx, func(tx *Tx) error {
		var err error
		created, member, err = tx.createOrganization(ctx, p, owner, false)
		return err
	})
	return created, member, err
}

// CreateOrganization creates the organization and the owner's membership
// (role owner) in the caller's transaction, and returns both. The
// transaction stays global afterwards (no organization set), so the
// caller's own statements after it see what they saw before; reach the new
// organization's data through s.Org(org.ID) after the commit.
func (tx *Tx) CreateOrganization(ctx context.Context, p domain.OrganizationParams, owner domain.UserID) (domain.Organization, domain.Member, error) {
	return tx.createOrganization(ctx, p, owner, true)
}

func (tx *Tx) createOrganization(ctx context.Context, p domain.OrganizationParams, owner domain.UserID, reset bool) (domain.Organization, domain.Member, error) {
	if p.OwnerUserID == nil {
		p.OwnerUserID = &owner
	}
	org, err := domain.NewOrganization(p)
	if err != nil {
		return domain.Organization{}, domain.Member{}, err
	}
	created, err := tx.Organizations().Create(ctx, org)
	if err != nil {
		return domain.Organization{}, domain.Member{}, err
	}
	if err := tx.store.step("create organization: organization created"); err != nil {
		return domain.Organization{}, domain.Member{}, err
	}
	var member domain.Member
	err = tx.inOrg(ctx, created.ID, reset, func(otx *OrgTx) error {
		role := domain.Roles("owner")
		now := time.Now()
		m, err := domain.NewMember(domain.MemberParams{OrganizationID: created.ID, UserID: owner, Role: &role, JoinedAt: &now})
		if err != nil {
			return err
		}
		if member, err = otx.Members().Create(ctx, m); err != nil {
			return err
		}
		return tx.store.step("create organization: owner added")
	})
	if err != nil {
		return domain.Organization{}, domain.Member{}, err
	}
	return created, member, nil
}
