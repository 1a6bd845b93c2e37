package schema

import "github.com/beep/iam/domain"

// Account is iam_account, Better Auth's account (credential or OAuth provider).
var Account = NewTable(domain.TableAccount,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("account_id").Required().BA("accountId").Param(),
	Text("provider_id").Required().BA("providerId").Param(),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, Cascade).BA("userId").Param(),
	Text("access_token").BA("accessToken").Redacted().Input(),
	Text("refresh_token").BA("refreshToken").Redacted().Input(),
	Text("id_token").BA("idToken").Redacted().Input(),
	Timestamptz("access_token_expires_at").BA("accessTokenExpiresAt").Input(),
	Timestamptz("refresh_token_expires_at").BA("refreshTokenExpiresAt").Input(),
	Text("scope").BA("scope").Input(),
	Text("password").BA("password").Describe("scrypt hash (Better Auth format) for provider credential").
		Secret().Input(),

	Idx("account_user_id_idx", "user_id"),
	UniqueIdx("account_provider_account_unique_idx", "provider_id", "account_id"),
	Idx("account_provider_id_idx", "provider_id"),
	Idx("account_user_provider_idx", "user_id", "provider_id"),
	Idx("account_access_token_expires_idx", "access_token_expires_at").Partial("(access_token_expires_at IS NOT NULL)"),
	Idx("account_refresh_token_expires_idx", "refresh_token_expires_at").Partial("(refresh_token_expires_at IS NOT NULL)"),

	One("user", domain.TableUser, "user_id"),
).Model("account").Describe("Sign-in methods of a user (Better Auth account).").
	GoDoc("links a user to a sign-in method (iam_account): provider \"credential\" with a password hash, or an OAuth provider with its tokens.\n\nPassword holds Better Auth's scrypt hash, an opaque secret left out of JSON (plain-password strength rules belong to ValidatePassword, at the moment a plain password enters, never to the stored hash). The OAuth tokens are present in JSON but redacted, as in the seed, so a client sees which are set.").
	GoInputDocs("is the input that creates an Account. Password is the hash (Better Auth's scrypt format), never a plain password: check a plain password with ValidatePassword before hashing it.", "lists what an update of an account may change: the provider's tokens (refresh) and the password hash (password change).")
