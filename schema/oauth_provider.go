package schema

import "github.com/beep/iam/domain"

// The tables of Better Auth 1.7's @better-auth/oauth-provider (migration
// 0005): clients, resources, refresh and access tokens, consents and the
// client-assertion replay cache. Clients belong to an organization or to
// no one (optional tenant, reference_id tied to organization_id by trigger
// iam_sync_reference_org); tokens, consents and client-resource links take
// the organization of their client (iam_same_tenant) and may not reference
// another one. Resources and client assertions are global.

// OAuthClient is iam_oauth_client (Better Auth oauthClient). Migration 0005
// moved the rows of iam_oauth_application (Better Auth ≤ 1.6) here.
var OAuthClient = NewOrgTable(domain.TableOAuthClient,
	Derived(ColOrganizationID, "from a shared_organization__ reference_id by trigger "+SyncReferenceOrgTrigger),
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("client_id").Required().UniqueKey().BA("clientId").Param(),
	Text("client_secret").BA("clientSecret").Secret().GoComment("stored form; absent for public clients").Input().
		Describe("stored form (storeClientSecret): base64url(SHA-256) by default in 1.7; clients moved from iam_oauth_application keep theirs unchanged"),
	Text("client_discovery_id").BA("clientDiscoveryId"),
	Bool("disabled").Required().DefaultBool(false).BA("disabled").Patch(),
	Bool("skip_consent").BA("skipConsent").Input(),
	Bool("enable_end_session").BA("enableEndSession"),
	Text("subject_type").BA("subjectType").Describe("public or pairwise"),
	JSONB("scopes").BA("scopes").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string").PatchCustom("[]string"),
	JSONB("client_credentials_scopes").DefaultSQL("'[]'::jsonb").BA("clientCredentialsScopes").BAType(BAStringArray).GoComment("jsonb string[]"),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").Param(),
	Text("name").BA("name").Input().Norm(NormTrim),
	Text("uri").BA("uri").Input().Norm(NormTrim),
	Text("icon").BA("icon").Input().Norm(NormTrim),
	JSONB("contacts").BA("contacts").BAType(BAStringArray).GoComment("jsonb string[]"),
	Text("tos").BA("tos").GoName("TOS"),
	Text("policy").BA("policy"),
	Text("software_id").BA("softwareId"),
	Text("software_version").BA("softwareVersion"),
	Text("software_statement").BA("softwareStatement"),
	JSONB("redirect_uris").Required().BA("redirectUris").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string").PatchCustom("[]string"),
	JSONB("post_logout_redirect_uris").BA("postLogoutRedirectUris").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string"),
	Text("backchannel_logout_uri").BA("backchannelLogoutUri"),
	Bool("backchannel_logout_session_required").BA("backchannelLogoutSessionRequired"),
	Text("token_endpoint_auth_method").BA("tokenEndpointAuthMethod").Param().Describe("client_secret_basic, client_secret_post, none, private_key_jwt, ..."),
	Text("application_type").BA("applicationType").Param().ParamNote("default web").Describe("web or native"),
	Text("jwks").BA("jwks").Describe("JSON text").GoComment("JSON text"),
	Text("jwks_uri").BA("jwksUri"),
	JSONB("grant_types").BA("grantTypes").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string").ParamNote("default authorization_code, refresh_token"),
	JSONB("response_types").BA("responseTypes").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string").ParamNote("default code"),
	Bool("require_pkce").BA("requirePKCE").GoName("RequirePKCE").Param(),
	Bool("dpop_bound_access_tokens").DefaultBool(false).BA("dpopBoundAccessTokens").GoName("DPoPBoundAccessTokens"),
	Text("reference_id").BA("referenceId").
		DerivedBy("organization_id by trigger "+SyncReferenceOrgTrigger+" when left out").
		Describe("owner reference (clientReference): an organization's client references that organization"),
	JSONB("metadata").BA("metadata").Input(),

	Chk("oauth_client_redirect_uris_array_check", "(jsonb_typeof(redirect_uris) = 'array'::text)"),
	Idx("oauth_client_user_id_idx", "user_id"),
	Idx("oauth_client_reference_id_idx", "reference_id"),
	syncReferenceOrgTrigger("owner"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
	Many("oauthAccessTokens", domain.TableOAuthAccessToken, "client_id"),
	Many("oauthRefreshTokens", domain.TableOAuthRefreshToken, "client_id"),
	Many("oauthConsents", domain.TableOAuthConsent, "client_id"),
	Many("oauthClientResources", domain.TableOAuthClientResource, "client_id"),
).OptionalTenant().Model("oauthClient").Describe("OAuth clients of the OAuth 2.1 / OIDC provider (Better Auth 1.7 oauthClient).").
	GoFinish().
	GoDoc("is an OAuth 2.1 / OIDC client of Better Auth 1.7's oauth-provider (iam_oauth_client, optional tenant). Migration 0005 moved the ≤ 1.6 oauthApplication rows here with their ids (the uuid; the prefix follows the table), client ids, redirect URIs and secrets (plain ones hashed into the 1.7 default form). The stored client secret is left out of JSON and printing. ReferenceID is Better Auth's owner reference: for an organization's client, that organization (the database fills it from OrganizationID).").
	GoInputDocs("is the input that creates an OAuthClient. ClientSecret is the stored form of the secret (betterauth.HashOAuthToken of the secret is the default form, storeClientSecret hashed).", "lists what an update of a client may change.")

// OAuthResource is iam_oauth_resource (Better Auth oauthResource): a
// protected resource (RFC 8707 resource indicator) with its token policy.
var OAuthResource = NewTable(domain.TableOAuthResource,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("identifier").Required().UniqueKey().BA("identifier").Param().GoComment("the RFC 8707 resource value").Describe("the resource parameter value (an absolute URI)"),
	Text("name").Required().BA("name").Input().Norm(NormTrim),
	Int("access_token_ttl").BA("accessTokenTtl").GoName("AccessTokenTTL").GoComment("seconds").Input().Describe("seconds; NULL inherits the plugin's default"),
	Int("refresh_token_ttl").BA("refreshTokenTtl").GoName("RefreshTokenTTL").GoComment("seconds").Input().Describe("seconds; NULL inherits the plugin's default"),
	Text("signing_algorithm").BA("signingAlgorithm"),
	Text("signing_key_id").BA("signingKeyId"),
	JSONB("allowed_scopes").BA("allowedScopes").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string").PatchCustom("[]string"),
	JSONB("custom_claims").BA("customClaims").Param(),
	Bool("dpop_bound_access_tokens_required").DefaultBool(false).BA("dpopBoundAccessTokensRequired").GoName("DPoPBoundAccessTokensRequired"),
	Bool("disabled").DefaultBool(false).BA("disabled").Patch(),
	Int("policy_version").DefaultInt(1).BA("policyVersion").Patch(),
	JSONB("metadata").BA("metadata").Param(),

	Many("oauthClientResources", domain.TableOAuthClientResource, "resource_id"),
).Model("oauthResource").Describe("Protected resources and their token policy (Better Auth 1.7 oauthResource).").
	GoFinish().
	GoDoc("is a protected resource of the oauth-provider and its token policy (iam_oauth_resource, global). A NULL policy field inherits the plugin's default when a token is issued.").
	GoInputDocs("", "lists what an update of a resource may change; a change of policy should raise PolicyVersion.")

// OAuthClientResource is iam_oauth_client_resource (Better Auth
// oauthClientResource): which client may ask for which resource.
var OAuthClientResource = NewOrgTable(domain.TableOAuthClientResource,
	Derived(ColOrganizationID, "the client's, by trigger iam_same_tenant_client_id"),
	Field(ColCreatedAt, "createdAt"),
	Text("client_id").Required().References(domain.TableOAuthClient, "client_id", Cascade, Cascade).BA("clientId").Param(),
	Text("resource_id").Required().References(domain.TableOAuthResource, "identifier", Cascade, Cascade).BA("resourceId").GoComment("the resource's identifier").Param(),
	JSONB("metadata").BA("metadata").Input(),

	UniqueIdx("oauth_client_resource_client_resource_unique_idx", "client_id", "resource_id"),
	Idx("oauth_client_resource_resource_id_idx", "resource_id"),
	SameTenant("client_id", domain.TableOAuthClient, "client_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("oauthClient", domain.TableOAuthClient, "client_id"),
	One("oauthResource", domain.TableOAuthResource, "resource_id"),
).OptionalTenant().GoDoc("allows a client to request a resource (iam_oauth_client_resource, optional tenant: the client's organization).").Model("oauthClientResource").Describe("Resources a client may request (Better Auth 1.7 oauthClientResource).")

// OAuthRefreshToken is iam_oauth_refresh_token (Better Auth
// oauthRefreshToken). token is the stored form of the opaque refresh token:
// base64url(SHA-256(token)) with the default storeTokens "hashed".
var OAuthRefreshToken = NewOrgTable(domain.TableOAuthRefreshToken,
	Derived(ColOrganizationID, "the client's, by trigger iam_same_tenant_client_id, or the organization reference_id names"),
	Field(ColCreatedAt, "createdAt"),
	Text("token").Required().UniqueKey().BA("token").Secret().Param().Describe("base64url(SHA-256(refresh token)) by default"),
	Text("client_id").Required().References(domain.TableOAuthClient, "client_id", Cascade, Cascade).BA("clientId").Param(),
	Text("session_id").References(domain.TableSession, ColID, SetNull, Cascade).BA("sessionId").Param(),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").Param(),
	Text("reference_id").BA("referenceId").Param().Describe("consent reference (postLogin.consentReferenceId); an organization's id only for that organization's rows"),
	Text("authorization_code_id").BA("authorizationCodeId").Describe("stored form of the authorization code it was issued for"),
	JSONB("resources").BA("resources").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string"),
	JSONB("requested_user_info_claims").BA("requestedUserInfoClaims").BAType(BAStringArray).GoComment("jsonb string[]"),
	Timestamptz("expires_at").Required().BA("expiresAt").Param(),
	Timestamptz("revoked").BA("revoked").Patch().Describe("when it was revoked (a date, not a flag)"),
	Timestamptz("rotated_at").BA("rotatedAt"),
	Text("rotation_replay_response").BA("rotationReplayResponse").Secret().Describe("encrypted by Better Auth: the answer replayed to a retried rotation"),
	Timestamptz("rotation_replay_expires_at").BA("rotationReplayExpiresAt"),
	Timestamptz("auth_time").BA("authTime"),
	JSONB("confirmation").BA("confirmation").GoComment("jsonb cnf").Describe("cnf claim (DPoP / mTLS binding)"),
	JSONB("scopes").Required().BA("scopes").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string"),

	Idx("oauth_refresh_token_client_id_idx", "client_id"),
	Idx("oauth_refresh_token_session_id_idx", "session_id"),
	Idx("oauth_refresh_token_user_id_idx", "user_id"),
	Idx("oauth_refresh_token_authorization_code_id_idx", "authorization_code_id"),
	SameTenant("client_id", domain.TableOAuthClient, "client_id"),
	syncReferenceOrgTrigger(),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("oauthClient", domain.TableOAuthClient, "client_id"),
	One("session", domain.TableSession, "session_id"),
	One("user", domain.TableUser, "user_id"),
	Many("oauthAccessTokens", domain.TableOAuthAccessToken, "refresh_id"),
).OptionalTenant().GoDoc("is an opaque refresh token of the oauth-provider (iam_oauth_refresh_token, optional tenant: its client's organization). Token is the stored form (base64url(SHA-256(token)) by default, see betterauth); it and the encrypted rotation replay are secrets.").
	GoInputDocs("is the input that creates an OAuthRefreshToken. Token is the stored form (betterauth.HashOAuthToken of the token).", "lists what an update of a refresh token may change: its revocation.").Model("oauthRefreshToken").Describe("OAuth refresh tokens (Better Auth 1.7 oauthRefreshToken).")

// oauthTokenByHash admits the access token whose hash is in app.oauth_token_hash.
var oauthTokenByHash = "(token = NULLIF(current_setting('" + OAuthTokenHashSetting + "'::text, true), ''::text))"

// OAuthAccessToken is iam_oauth_access_token (Better Auth 1.7
// oauthAccessToken; migration 0005 reshaped the ≤ 1.6 table). token is the
// stored form of an opaque access token: base64url(SHA-256(token)) with the
// default storeTokens "hashed". JWT access tokens are not stored.
var OAuthAccessToken = NewOrgTable(domain.TableOAuthAccessToken,
	Derived(ColOrganizationID, "the client's, by trigger iam_same_tenant_client_id, or the organization reference_id names"),
	Field(ColCreatedAt, "createdAt"),
	Text("token").Required().UniqueKey().BA("token").Secret().Param().Describe("base64url(SHA-256(access token)) by default"),
	Text("client_id").Required().References(domain.TableOAuthClient, "client_id", Cascade, Cascade).BA("clientId").Param(),
	Text("session_id").References(domain.TableSession, ColID, SetNull, Cascade).BA("sessionId").Param(),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").Param().Describe("NULL for client-credentials tokens"),
	Text("reference_id").BA("referenceId").Param().Describe("consent reference (postLogin.consentReferenceId); an organization's id only for that organization's rows"),
	Text("authorization_code_id").BA("authorizationCodeId"),
	JSONB("resources").BA("resources").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string"),
	JSONB("requested_user_info_claims").BA("requestedUserInfoClaims").BAType(BAStringArray).GoComment("jsonb string[]"),
	Text("refresh_id").References(domain.TableOAuthRefreshToken, ColID, Cascade, Cascade).BA("refreshId").Param(),
	Timestamptz("expires_at").Required().BA("expiresAt").Param(),
	Timestamptz("revoked").BA("revoked").Patch().Describe("when it was revoked (a date, not a flag)"),
	JSONB("confirmation").BA("confirmation"),
	JSONB("scopes").Required().BA("scopes").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string"),

	Idx("oauth_access_token_client_id_idx", "client_id"),
	Idx("oauth_access_token_session_id_idx", "session_id"),
	Idx("oauth_access_token_user_id_idx", "user_id"),
	Idx("oauth_access_token_authorization_code_id_idx", "authorization_code_id"),
	Idx("oauth_access_token_refresh_id_idx", "refresh_id"),
	SameTenant("client_id", domain.TableOAuthClient, "client_id"),
	SameTenant("refresh_id", domain.TableOAuthRefreshToken, ColID),
	syncReferenceOrgTrigger(),
	// Verification happens before any tenant is known (a Go resource
	// server, migration 0006): iam_verify_oauth_token names the token by
	// its hash in app.oauth_token_hash for the query, and this policy
	// admits that one row for reading. Nothing else: no write.
	ExtraPolicy("oauth_access_token_verify", "SELECT", oauthTokenByHash, ""),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("oauthClient", domain.TableOAuthClient, "client_id"),
	One("session", domain.TableSession, "session_id"),
	One("user", domain.TableUser, "user_id"),
	One("oauthRefreshToken", domain.TableOAuthRefreshToken, "refresh_id"),
).OptionalTenant().GoDoc("is an opaque access token of the oauth-provider (iam_oauth_access_token, optional tenant: its client's organization; the ≤ 1.6 access/refresh pair was split by migration 0005). Token is the stored form (base64url(SHA-256(token)) by default), a secret. JWT access tokens are not stored.").
	GoInputDocs("is the input that creates an OAuthAccessToken. Token is the stored form (betterauth.HashOAuthToken of the token).", "lists what an update of an access token may change: its revocation.").Model("oauthAccessToken").Describe("Opaque OAuth access tokens (Better Auth 1.7 oauthAccessToken).")

// OAuthConsent is iam_oauth_consent (Better Auth 1.7 oauthConsent;
// migration 0005 reshaped the ≤ 1.6 table): a row is a consent given.
var OAuthConsent = NewOrgTable(domain.TableOAuthConsent,
	Derived(ColOrganizationID, "the client's, by trigger iam_same_tenant_client_id, or the organization reference_id names"),
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("client_id").Required().References(domain.TableOAuthClient, "client_id", Cascade, Cascade).BA("clientId").Param(),
	Text("user_id").References(domain.TableUser, ColID, Cascade, Cascade).BA("userId").Param(),
	Text("reference_id").BA("referenceId").Param().Describe("consent reference (postLogin.consentReferenceId); an organization's id only for that organization's rows"),
	JSONB("resources").BA("resources").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string").PatchCustom("[]string"),
	JSONB("requested_user_info_claims").BA("requestedUserInfoClaims").BAType(BAStringArray).GoComment("jsonb string[]"),
	JSONB("scopes").Required().BA("scopes").BAType(BAStringArray).GoComment("jsonb string[]").ParamAs("", "[]string").PatchCustom("[]string"),

	Idx("oauth_consent_client_id_idx", "client_id"),
	Idx("oauth_consent_user_id_idx", "user_id"),
	Idx("oauth_consent_reference_id_idx", "reference_id"),
	SameTenant("client_id", domain.TableOAuthClient, "client_id"),
	syncReferenceOrgTrigger(),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("oauthClient", domain.TableOAuthClient, "client_id"),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().GoFinish().
	GoDoc("is a consent a user gave a client (iam_oauth_consent, optional tenant: the client's organization; Better Auth 1.7 shape: a row is a consent given, migration 0005 dropped the rows of ≤ 1.6 whose consentGiven was false).").Model("oauthConsent").Describe("OAuth consents given (Better Auth 1.7 oauthConsent).")

// OAuthClientAssertion is iam_oauth_client_assertion (Better Auth
// oauthClientAssertion): the replay cache of private_key_jwt client
// assertions. Better Auth writes the id itself (a digest of the assertion's
// jti, forceAllowId), so this is the one table whose id is not a typed id.
var OAuthClientAssertion = NewTable(domain.TableOAuthClientAssertion,
	Timestamptz("expires_at").Required().BA("expiresAt"),

	Idx("oauth_client_assertion_expires_at_idx", "expires_at"),
).GoHandWritten().ForeignIDs("Better Auth writes base64url(SHA-256(jti))[:24 bytes] as the id").
	Model("oauthClientAssertion").Describe("Used client-assertion ids, kept until they expire (Better Auth 1.7 oauthClientAssertion).")
