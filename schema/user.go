package schema

import "github.com/beep/iam/domain"

// User is shared_user: Better Auth's user with the admin, username,
// phoneNumber, anonymous, twoFactor, stripe and lastLoginMethod fields.
var User = NewTable(domain.TableUser,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("name").Required().BA("name").Input().Norm(NormTrim),
	Text("email").Required().UniqueKey().BA("email").Describe("stored lower-cased").Input().Norm(NormLower),
	Bool("email_verified").Required().DefaultBool(false).BA("emailVerified").Input(),
	Int("upload_limit").Required().DefaultInt(100000000).Describe("bytes").
		ParamDefault("default DefaultUploadLimit").Patch(),
	Text("image").BA("image").Input().Norm(NormTrim),
	Text("role").Required().DefaultText("user").BA("role").Describe("comma-separated roles (admin plugin), validated in the domain").
		GoType("Roles").GoComment("comma-separated user roles (admin, user)").ParamDefault("default \"user\"").Patch().Norm(NormRoles),
	Bool("banned").Required().DefaultBool(false).BA("banned").Patch(),
	Text("ban_reason").BA("banReason").Patch(),
	Timestamptz("ban_expires").BA("banExpires").Patch(),
	Bool("is_anonymous").Required().DefaultBool(false).BA("isAnonymous").Param(),
	Text("phone_number").UniqueKey().BA("phoneNumber").Input().Norm(NormTrim),
	Bool("phone_number_verified").Required().DefaultBool(false).BA("phoneNumberVerified").
		PatchAs("PhoneVerified"),
	Bool("two_factor_enabled").Required().DefaultBool(false).BA("twoFactorEnabled").Patch(),
	Text("username").UniqueKey().BA("username").Input().Norm(NormLower),
	Text("display_username").BA("displayUsername").Input(),
	Text("stripe_customer_id").BA("stripeCustomerId").Patch(),
	Text("last_login_method").BA("lastLoginMethod").Patch(),

	Idx("user_email_idx", "email"),
	Idx("user_active_idx", "id", "email_verified").Partial("((banned IS NOT TRUE) AND (email_verified = true))"),
	Idx("user_role_idx", "role").Partial("(role IS NOT NULL)"),
	Idx("user_banned_expires_idx", "ban_expires").Partial("((banned = true) AND (ban_expires IS NOT NULL))"),
	Idx("user_2fa_enabled_idx", "two_factor_enabled").Partial("(two_factor_enabled = true)"),
	NewTrigger(NotifyTrigger, "AFTER", notifySessionChange.Name, "DELETE", "UPDATE"),

	Many("memberships", domain.TableMember, "user_id"),
	Many("invitedMembers", domain.TableMember, "invited_by"),
	Many("ownedOrganizations", domain.TableOrganization, "owner_user_id"),
	Many("teamMemberships", domain.TableTeamMember, "user_id"),
	Many("sessions", domain.TableSession, "user_id"),
	Many("impersonatedSessions", domain.TableSession, "impersonated_by"),
	Many("accounts", domain.TableAccount, "user_id"),
	Many("passkeys", domain.TablePasskey, "user_id"),
	Many("twoFactors", domain.TableTwoFactor, "user_id"),
	Many("wallets", domain.TableWalletAddress, "user_id"),
	Many("deviceCodes", domain.TableDeviceCode, "user_id"),
	Many("ssoProviders", domain.TableSSOProvider, "user_id"),
	Many("scimProviders", domain.TableSCIMProvider, "user_id"),
	Many("apiKeys", domain.TableAPIKey, "user_id"),
	Many("invitationsSent", domain.TableInvitation, "inviter_id"),
	Many("oauthClients", domain.TableOAuthClient, "user_id"),
	Many("oauthAccessTokens", domain.TableOAuthAccessToken, "user_id"),
	Many("oauthConsents", domain.TableOAuthConsent, "user_id"),
	Many("files", domain.TableFile, "user_id"),
	Many("folders", domain.TableFolder, "user_id"),
).Model("user").Describe("Users (Better Auth user).").
	GoDoc("is a person who signs in (shared_user): Better Auth's user model with the admin, username, phoneNumber, anonymous, twoFactor, stripe and lastLoginMethod plugin fields, plus the seed's upload_limit.\n\nEmail and phone number are personal data, not credentials: they are plain strings because the API returns them and the store looks users up by them (the seed's Redacted wrapper only hid them from logs; see doc.go).").
	GoInputDocs("is the input that creates a User. Email and username are normalized (trimmed, lower-cased); nil fields take their defaults.", "lists what an update of a user may change; nil fields are left alone. Ban fields are set together by administrators.")
