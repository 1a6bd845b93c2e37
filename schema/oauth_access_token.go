package schema

import "github.com/beep/iam/domain"

// OAuthAccessToken is iam_oauth_access_token (Better Auth ≤ 1.6 shape).
var OAuthAccessToken = NewOrgTable(domain.TableOAuthAccessToken,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("access_token").UniqueKey().BA("accessToken").Secret().ParamAs("", "Secret"),
	Text("refresh_token").UniqueKey().BA("refreshToken").Secret().ParamAs("", "Secret"),
	Timestamptz("access_token_expires_at").BA("accessTokenExpiresAt").ParamAs("", "time.Time").Patch(),
	Timestamptz("refresh_token_expires_at").BA("refreshTokenExpiresAt").ParamAs("", "time.Time").Patch(),
	Text("client_id").References(domain.TableOAuthApplication, "client_id", Cascade, Cascade).BA("clientId").
		ParamAs("", "string"),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").
		GoComment("nil for client-credentials tokens").Param(),
	Text("scopes").BA("scopes").Describe("space separated").GoComment("space-separated").ParamAs("", "string"),

	Idx("oauth_access_token_client_id_idx", "client_id"),
	SameTenant("client_id", domain.TableOAuthApplication, "client_id"),
	Idx("oauth_access_token_user_id_idx", "user_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("application", domain.TableOAuthApplication, "client_id"),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().Model("oauthAccessToken").Describe("OAuth access tokens (Better Auth ≤ 1.6 oauthAccessToken).").
	GoDoc("is an issued access/refresh token pair (iam_oauth_access_token, optional tenant; Better Auth ≤ 1.6 shape). Both tokens are secrets left out of JSON. The columns keep the seed's nullability; Validate requires what Better Auth 1.6 always writes.").
	GoInputDocs("is the input that creates an OAuthAccessToken.", "lists what an update of a token pair may change: expiring it early (revocation).")
