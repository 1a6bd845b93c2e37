package schema

import "github.com/beep/iam/domain"

// OAuthAccessToken is iam_oauth_access_token (Better Auth ≤ 1.6 shape).
var OAuthAccessToken = NewOrgTable(domain.TableOAuthAccessToken,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("access_token").UniqueKey().BA("accessToken"),
	Text("refresh_token").UniqueKey().BA("refreshToken"),
	Timestamptz("access_token_expires_at").BA("accessTokenExpiresAt"),
	Timestamptz("refresh_token_expires_at").BA("refreshTokenExpiresAt"),
	Text("client_id").References(domain.TableOAuthApplication, "client_id", Cascade, Cascade).BA("clientId"),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).BA("userId"),
	Text("scopes").BA("scopes").Describe("space separated"),

	Idx("oauth_access_token_client_id_idx", "client_id"),
	SameTenant("client_id", domain.TableOAuthApplication, "client_id"),
	Idx("oauth_access_token_user_id_idx", "user_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("application", domain.TableOAuthApplication, "client_id"),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().Model("oauthAccessToken").Describe("OAuth access tokens (Better Auth ≤ 1.6 oauthAccessToken).")
