package store

// Code below wires each entity to its table and exposes its repository on
// the handles. Natural-key lookups and workflows live in the per-entity files.

import "github.com/beep/iam/domain"

var (
	tUser             = newTable[domain.User](false)
	tOrganization     = newTable[domain.Organization](false)
	tSession          = newTable[domain.Session](false)
	tAccount          = newTable[domain.Account](false)
	tVerification     = newTable[domain.Verification](false)
	tTwoFactor        = newTable[domain.TwoFactor](false)
	tPasskey          = newTable[domain.Passkey](false)
	tJWKS             = newTable[domain.JWKS](false)
	tDeviceCode       = newTable[domain.DeviceCode](false)
	tWalletAddress    = newTable[domain.WalletAddress](false)
	tRateLimit        = newTable[domain.RateLimit](false)
	tTeam             = newTable[domain.Team](true)
	tTeamMember       = newTable[domain.TeamMember](true)
	tMember           = newTable[domain.Member](true)
	tInvitation       = newTable[domain.Invitation](true)
	tOrganizationRole = newTable[domain.OrganizationRole](true)
	tFile             = newTable[domain.File](true)
	tFolder           = newTable[domain.Folder](true)
	tAPIKey           = newTable[domain.APIKey](true)
	tSSOProvider      = newTable[domain.SSOProvider](true)
	tSCIMProvider     = newTable[domain.SCIMProvider](true)
	tSubscription     = newTable[domain.Subscription](true)
	tOAuthApplication = newTable[domain.OAuthApplication](true)
	tOAuthAccessToken = newTable[domain.OAuthAccessToken](true)
	tOAuthConsent     = newTable[domain.OAuthConsent](true)
)

// UserRepo is the repository of domain.User (user).
type UserRepo struct{ Repo[domain.User] }

// Users returns the User repository; each call runs as its own statement.
func (s *Store) Users() UserRepo { return UserRepo{Repo[domain.User]{s: s, db: s.db, t: tUser}} }

// Users returns the User repository inside the transaction.
func (tx *Tx) Users() UserRepo { return UserRepo{Repo[domain.User]{s: tx.store, db: tx.tx, t: tUser}} }

// OrganizationRepo is the repository of domain.Organization (organization).
type OrganizationRepo struct{ Repo[domain.Organization] }

// Organizations returns the Organization repository; each call runs as its own statement.
func (s *Store) Organizations() OrganizationRepo {
	return OrganizationRepo{Repo[domain.Organization]{s: s, db: s.db, t: tOrganization}}
}

// Organizations returns the Organization repository inside the transaction.
func (tx *Tx) Organizations() OrganizationRepo {
	return OrganizationRepo{Repo[domain.Organization]{s: tx.store, db: tx.tx, t: tOrganization}}
}

// SessionRepo is the repository of domain.Session (session).
type SessionRepo struct{ Repo[domain.Session] }

// Sessions returns the Session repository; each call runs as its own statement.
func (s *Store) Sessions() SessionRepo {
	return SessionRepo{Repo[domain.Session]{s: s, db: s.db, t: tSession}}
}

// Sessions returns the Session repository inside the transaction.
func (tx *Tx) Sessions() SessionRepo {
	return SessionRepo{Repo[domain.Session]{s: tx.store, db: tx.tx, t: tSession}}
}

// AccountRepo is the repository of domain.Account (account).
type AccountRepo struct{ Repo[domain.Account] }

// Accounts returns the Account repository; each call runs as its own statement.
func (s *Store) Accounts() AccountRepo {
	return AccountRepo{Repo[domain.Account]{s: s, db: s.db, t: tAccount}}
}

// Accounts returns the Account repository inside the transaction.
func (tx *Tx) Accounts() AccountRepo {
	return AccountRepo{Repo[domain.Account]{s: tx.store, db: tx.tx, t: tAccount}}
}

// VerificationRepo is the repository of domain.Verification (verification).
type VerificationRepo struct{ Repo[domain.Verification] }

// Verifications returns the Verification repository; each call runs as its own statement.
func (s *Store) Verifications() VerificationRepo {
	return VerificationRepo{Repo[domain.Verification]{s: s, db: s.db, t: tVerification}}
}

// Verifications returns the Verification repository inside the transaction.
func (tx *Tx) Verifications() VerificationRepo {
	return VerificationRepo{Repo[domain.Verification]{s: tx.store, db: tx.tx, t: tVerification}}
}

// TwoFactorRepo is the repository of domain.TwoFactor (two_factor).
type TwoFactorRepo struct{ Repo[domain.TwoFactor] }

// TwoFactors returns the TwoFactor repository; each call runs as its own statement.
func (s *Store) TwoFactors() TwoFactorRepo {
	return TwoFactorRepo{Repo[domain.TwoFactor]{s: s, db: s.db, t: tTwoFactor}}
}

// TwoFactors returns the TwoFactor repository inside the transaction.
func (tx *Tx) TwoFactors() TwoFactorRepo {
	return TwoFactorRepo{Repo[domain.TwoFactor]{s: tx.store, db: tx.tx, t: tTwoFactor}}
}

// PasskeyRepo is the repository of domain.Passkey (passkey).
type PasskeyRepo struct{ Repo[domain.Passkey] }

// Passkeys returns the Passkey repository; each call runs as its own statement.
func (s *Store) Passkeys() PasskeyRepo {
	return PasskeyRepo{Repo[domain.Passkey]{s: s, db: s.db, t: tPasskey}}
}

// Passkeys returns the Passkey repository inside the transaction.
func (tx *Tx) Passkeys() PasskeyRepo {
	return PasskeyRepo{Repo[domain.Passkey]{s: tx.store, db: tx.tx, t: tPasskey}}
}

// JWKSRepo is the repository of domain.JWKS (jwks).
type JWKSRepo struct{ Repo[domain.JWKS] }

// JWKS returns the JWKS repository; each call runs as its own statement.
func (s *Store) JWKS() JWKSRepo { return JWKSRepo{Repo[domain.JWKS]{s: s, db: s.db, t: tJWKS}} }

// JWKS returns the JWKS repository inside the transaction.
func (tx *Tx) JWKS() JWKSRepo { return JWKSRepo{Repo[domain.JWKS]{s: tx.store, db: tx.tx, t: tJWKS}} }

// DeviceCodeRepo is the repository of domain.DeviceCode (device_code).
type DeviceCodeRepo struct{ Repo[domain.DeviceCode] }

// DeviceCodes returns the DeviceCode repository; each call runs as its own statement.
func (s *Store) DeviceCodes() DeviceCodeRepo {
	return DeviceCodeRepo{Repo[domain.DeviceCode]{s: s, db: s.db, t: tDeviceCode}}
}

// DeviceCodes returns the DeviceCode repository inside the transaction.
func (tx *Tx) DeviceCodes() DeviceCodeRepo {
	return DeviceCodeRepo{Repo[domain.DeviceCode]{s: tx.store, db: tx.tx, t: tDeviceCode}}
}

// WalletAddressRepo is the repository of domain.WalletAddress (wallet_address).
type WalletAddressRepo struct{ Repo[domain.WalletAddress] }

// WalletAddresses returns the WalletAddress repository; each call runs as its own statement.
func (s *Store) WalletAddresses() WalletAddressRepo {
	return WalletAddressRepo{Repo[domain.WalletAddress]{s: s, db: s.db, t: tWalletAddress}}
}

// WalletAddresses returns the WalletAddress repository inside the transaction.
func (tx *Tx) WalletAddresses() WalletAddressRepo {
	return WalletAddressRepo{Repo[domain.WalletAddress]{s: tx.store, db: tx.tx, t: tWalletAddress}}
}

// RateLimitRepo is the repository of domain.RateLimit (rate_limit).
type RateLimitRepo struct{ Repo[domain.RateLimit] }

// RateLimits returns the RateLimit repository; each call runs as its own statement.
func (s *Store) RateLimits() RateLimitRepo {
	return RateLimitRepo{Repo[domain.RateLimit]{s: s, db: s.db, t: tRateLimit}}
}

// RateLimits returns the RateLimit repository inside the transaction.
func (tx *Tx) RateLimits() RateLimitRepo {
	return RateLimitRepo{Repo[domain.RateLimit]{s: tx.store, db: tx.tx, t: tRateLimit}}
}

// TeamRepo is the repository of domain.Team (team), bound to one organization.
type TeamRepo struct{ OrgRepo[domain.Team] }

// Teams returns the organization's Team repository.
func (o *Org) Teams() TeamRepo { return TeamRepo{OrgRepo[domain.Team]{o: o, db: o.db, t: tTeam}} }

// Teams returns the organization's Team repository inside the transaction.
func (tx *OrgTx) Teams() TeamRepo {
	return TeamRepo{OrgRepo[domain.Team]{o: tx.o, db: tx.tx, t: tTeam}}
}

// TeamMemberRepo is the repository of domain.TeamMember (team_member), bound to one organization.
type TeamMemberRepo struct{ OrgRepo[domain.TeamMember] }

// TeamMembers returns the organization's TeamMember repository.
func (o *Org) TeamMembers() TeamMemberRepo {
	return TeamMemberRepo{OrgRepo[domain.TeamMember]{o: o, db: o.db, t: tTeamMember}}
}

// TeamMembers returns the organization's TeamMember repository inside the transaction.
func (tx *OrgTx) TeamMembers() TeamMemberRepo {
	return TeamMemberRepo{OrgRepo[domain.TeamMember]{o: tx.o, db: tx.tx, t: tTeamMember}}
}

// MemberRepo is the repository of domain.Member (member), bound to one organization.
type MemberRepo struct{ OrgRepo[domain.Member] }

// Members returns the organization's Member repository.
func (o *Org) Members() MemberRepo {
	return MemberRepo{OrgRepo[domain.Member]{o: o, db: o.db, t: tMember}}
}

// Members returns the organization's Member repository inside the transaction.
func (tx *OrgTx) Members() MemberRepo {
	return MemberRepo{OrgRepo[domain.Member]{o: tx.o, db: tx.tx, t: tMember}}
}

// InvitationRepo is the repository of domain.Invitation (invitation), bound to one organization.
type InvitationRepo struct{ OrgRepo[domain.Invitation] }

// Invitations returns the organization's Invitation repository.
func (o *Org) Invitations() InvitationRepo {
	return InvitationRepo{OrgRepo[domain.Invitation]{o: o, db: o.db, t: tInvitation}}
}

// Invitations returns the organization's Invitation repository inside the transaction.
func (tx *OrgTx) Invitations() InvitationRepo {
	return InvitationRepo{OrgRepo[domain.Invitation]{o: tx.o, db: tx.tx, t: tInvitation}}
}

// OrganizationRoleRepo is the repository of domain.OrganizationRole (organization_role), bound to one organization.
type OrganizationRoleRepo struct {
	OrgRepo[domain.OrganizationRole]
}

// Roles returns the organization's OrganizationRole repository.
func (o *Org) Roles() OrganizationRoleRepo {
	return OrganizationRoleRepo{OrgRepo[domain.OrganizationRole]{o: o, db: o.db, t: tOrganizationRole}}
}

// Roles returns the organization's OrganizationRole repository inside the transaction.
func (tx *OrgTx) Roles() OrganizationRoleRepo {
	return OrganizationRoleRepo{OrgRepo[domain.OrganizationRole]{o: tx.o, db: tx.tx, t: tOrganizationRole}}
}

// FileRepo is the repository of domain.File (file), bound to one organization.
type FileRepo struct{ OrgRepo[domain.File] }

// Files returns the organization's File repository.
func (o *Org) Files() FileRepo { return FileRepo{OrgRepo[domain.File]{o: o, db: o.db, t: tFile}} }

// Files returns the organization's File repository inside the transaction.
func (tx *OrgTx) Files() FileRepo {
	return FileRepo{OrgRepo[domain.File]{o: tx.o, db: tx.tx, t: tFile}}
}

// FolderRepo is the repository of domain.Folder (folder), bound to one organization.
type FolderRepo struct{ OrgRepo[domain.Folder] }

// Folders returns the organization's Folder repository.
func (o *Org) Folders() FolderRepo {
	return FolderRepo{OrgRepo[domain.Folder]{o: o, db: o.db, t: tFolder}}
}

// Folders returns the organization's Folder repository inside the transaction.
func (tx *OrgTx) Folders() FolderRepo {
	return FolderRepo{OrgRepo[domain.Folder]{o: tx.o, db: tx.tx, t: tFolder}}
}

// APIKeyRepo is the repository of domain.APIKey (apikey), bound to one organization.
type APIKeyRepo struct{ OrgRepo[domain.APIKey] }

// APIKeys returns the organization's APIKey repository.
func (o *Org) APIKeys() APIKeyRepo {
	return APIKeyRepo{OrgRepo[domain.APIKey]{o: o, db: o.db, t: tAPIKey}}
}

// APIKeys returns the organization's APIKey repository inside the transaction.
func (tx *OrgTx) APIKeys() APIKeyRepo {
	return APIKeyRepo{OrgRepo[domain.APIKey]{o: tx.o, db: tx.tx, t: tAPIKey}}
}

// SSOProviderRepo is the repository of domain.SSOProvider (sso_provider), bound to one organization.
type SSOProviderRepo struct{ OrgRepo[domain.SSOProvider] }

// SSOProviders returns the organization's SSOProvider repository.
func (o *Org) SSOProviders() SSOProviderRepo {
	return SSOProviderRepo{OrgRepo[domain.SSOProvider]{o: o, db: o.db, t: tSSOProvider}}
}

// SSOProviders returns the organization's SSOProvider repository inside the transaction.
func (tx *OrgTx) SSOProviders() SSOProviderRepo {
	return SSOProviderRepo{OrgRepo[domain.SSOProvider]{o: tx.o, db: tx.tx, t: tSSOProvider}}
}

// SCIMProviderRepo is the repository of domain.SCIMProvider (scim_provider), bound to one organization.
type SCIMProviderRepo struct{ OrgRepo[domain.SCIMProvider] }

// SCIMProviders returns the organization's SCIMProvider repository.
func (o *Org) SCIMProviders() SCIMProviderRepo {
	return SCIMProviderRepo{OrgRepo[domain.SCIMProvider]{o: o, db: o.db, t: tSCIMProvider}}
}

// SCIMProviders returns the organization's SCIMProvider repository inside the transaction.
func (tx *OrgTx) SCIMProviders() SCIMProviderRepo {
	return SCIMProviderRepo{OrgRepo[domain.SCIMProvider]{o: tx.o, db: tx.tx, t: tSCIMProvider}}
}

// SubscriptionRepo is the repository of domain.Subscription (subscription), bound to one organization.
type SubscriptionRepo struct{ OrgRepo[domain.Subscription] }

// Subscriptions returns the organization's Subscription repository.
func (o *Org) Subscriptions() SubscriptionRepo {
	return SubscriptionRepo{OrgRepo[domain.Subscription]{o: o, db: o.db, t: tSubscription}}
}

// Subscriptions returns the organization's Subscription repository inside the transaction.
func (tx *OrgTx) Subscriptions() SubscriptionRepo {
	return SubscriptionRepo{OrgRepo[domain.Subscription]{o: tx.o, db: tx.tx, t: tSubscription}}
}

// OAuthApplicationRepo is the repository of domain.OAuthApplication (oauth_application), bound to one organization.
type OAuthApplicationRepo struct {
	OrgRepo[domain.OAuthApplication]
}

// OAuthApplications returns the organization's OAuthApplication repository.
func (o *Org) OAuthApplications() OAuthApplicationRepo {
	return OAuthApplicationRepo{OrgRepo[domain.OAuthApplication]{o: o, db: o.db, t: tOAuthApplication}}
}

// OAuthApplications returns the organization's OAuthApplication repository inside the transaction.
func (tx *OrgTx) OAuthApplications() OAuthApplicationRepo {
	return OAuthApplicationRepo{OrgRepo[domain.OAuthApplication]{o: tx.o, db: tx.tx, t: tOAuthApplication}}
}

// OAuthAccessTokenRepo is the repository of domain.OAuthAccessToken (oauth_access_token), bound to one organization.
type OAuthAccessTokenRepo struct {
	OrgRepo[domain.OAuthAccessToken]
}

// OAuthAccessTokens returns the organization's OAuthAccessToken repository.
func (o *Org) OAuthAccessTokens() OAuthAccessTokenRepo {
	return OAuthAccessTokenRepo{OrgRepo[domain.OAuthAccessToken]{o: o, db: o.db, t: tOAuthAccessToken}}
}

// OAuthAccessTokens returns the organization's OAuthAccessToken repository inside the transaction.
func (tx *OrgTx) OAuthAccessTokens() OAuthAccessTokenRepo {
	return OAuthAccessTokenRepo{OrgRepo[domain.OAuthAccessToken]{o: tx.o, db: tx.tx, t: tOAuthAccessToken}}
}

// OAuthConsentRepo is the repository of domain.OAuthConsent (oauth_consent), bound to one organization.
type OAuthConsentRepo struct{ OrgRepo[domain.OAuthConsent] }

// OAuthConsents returns the organization's OAuthConsent repository.
func (o *Org) OAuthConsents() OAuthConsentRepo {
	return OAuthConsentRepo{OrgRepo[domain.OAuthConsent]{o: o, db: o.db, t: tOAuthConsent}}
}

// OAuthConsents returns the organization's OAuthConsent repository inside the transaction.
func (tx *OrgTx) OAuthConsents() OAuthConsentRepo {
	return OAuthConsentRepo{OrgRepo[domain.OAuthConsent]{o: tx.o, db: tx.tx, t: tOAuthConsent}}
}
