package schema

import "github.com/beep/iam/domain"

// Account is iam_account, Better Auth's account (credential or OAuth provider).
var Account = NewTable(domain.TableAccount,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("account_id").Required().BA("accountId"),
	Text("provider_id").Required().BA("providerId"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),
	Text("access_token").BA("accessToken"),
	Text("refresh_token").BA("refreshToken"),
	Text("id_token").BA("idToken"),
	Timestamptz("access_token_expires_at").BA("accessTokenExpiresAt"),
	Timestamptz("refresh_token_expires_at").BA("refreshTokenExpiresAt"),
	Text("scope").BA("scope"),
	Text("password").BA("password").Describe("scrypt hash (Better Auth format) for provider credential"),

	Idx("account_user_id_idx", "user_id"),
	UniqueIdx("account_provider_account_unique_idx", "provider_id", "account_id"),
	Idx("account_provider_id_idx", "provider_id"),
	Idx("account_user_provider_idx", "user_id", "provider_id"),
	Idx("account_access_token_expires_idx", "access_token_expires_at").Partial("(access_token_expires_at IS NOT NULL)"),
	Idx("account_refresh_token_expires_idx", "refresh_token_expires_at").Partial("(refresh_token_expires_at IS NOT NULL)"),

	One("user", domain.TableUser, "user_id"),
).Model("account").Describe("Sign-in methods of a user (Better Auth account).")
