package domain

// Table names: the Postgres table of each entity and the prefix of its public
// ids. Slice-prefixed snake_case, as in the seed (iam_apikey keeps the seed's
// spelling).
const (
	TableUser             = "shared_user"
	TableOrganization     = "shared_organization"
	TableTeam             = "shared_team"
	TableSession          = "shared_session"
	TableFile             = "shared_file"
	TableFolder           = "shared_folder"
	TableAccount          = "iam_account"
	TableVerification     = "iam_verification"
	TableMember           = "iam_member"
	TableTeamMember       = "iam_team_member"
	TableInvitation       = "iam_invitation"
	TableOrganizationRole = "iam_organization_role"
	TableTwoFactor        = "iam_two_factor"
	TablePasskey          = "iam_passkey"
	TableAPIKey           = "iam_apikey"
	TableJWKS             = "iam_jwks"
	TableDeviceCode       = "iam_device_code"
	TableSSOProvider      = "iam_sso_provider"
	TableSCIMProvider     = "iam_scim_provider"
	TableSubscription     = "iam_subscription"
	TableWalletAddress    = "iam_wallet_address"
	TableRateLimit        = "iam_rate_limit"
	TableOAuthApplication = "iam_oauth_application"
	TableOAuthAccessToken = "iam_oauth_access_token"
	TableOAuthConsent     = "iam_oauth_consent"
)
