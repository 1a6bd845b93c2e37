package store

// SetFailpoint installs a function called at every workflow step; an error
// it returns aborts the workflow at that step (tests only).
func (s *Store) SetFailpoint(f func(step string) error) { s.failpoint = f }

// TableScopes reports, for every table the store maps, whether its
// statements are organization-scoped.
func TableScopes() map[string]bool {
	return map[string]bool{
		tUser.name: tUser.scoped, tOrganization.name: tOrganization.scoped, tSession.name: tSession.scoped,
		tAccount.name: tAccount.scoped, tVerification.name: tVerification.scoped, tTwoFactor.name: tTwoFactor.scoped,
		tPasskey.name: tPasskey.scoped, tJWKS.name: tJWKS.scoped, tDeviceCode.name: tDeviceCode.scoped,
		tWalletAddress.name: tWalletAddress.scoped, tRateLimit.name: tRateLimit.scoped,
		tTeam.name: tTeam.scoped, tTeamMember.name: tTeamMember.scoped, tMember.name: tMember.scoped,
		tInvitation.name: tInvitation.scoped, tOrganizationRole.name: tOrganizationRole.scoped,
		tFile.name: tFile.scoped, tFolder.name: tFolder.scoped, tAPIKey.name: tAPIKey.scoped,
		tSSOProvider.name: tSSOProvider.scoped, tSCIMProvider.name: tSCIMProvider.scoped,
		tSubscription.name: tSubscription.scoped, tOAuthApplication.name: tOAuthApplication.scoped,
		tOAuthAccessToken.name: tOAuthAccessToken.scoped, tOAuthConsent.name: tOAuthConsent.scoped,
	}
}

// GlobalDB is what the store's global statements run on (the pool, or the
// pool behind the per-statement prologue of a transaction pooler).
func (s *Store) GlobalDB() DB { return s.db }
