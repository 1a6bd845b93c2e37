package schema

import "github.com/beep/iam/domain"

// OAuthApplication is iam_oauth_application, an OAuth client of the
// oidcProvider/mcp plugins (Better Auth ≤ 1.6 shape).
var OAuthApplication = NewOrgTable(domain.TableOAuthApplication,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("name").BA("name"),
	Text("icon").BA("icon"),
	Text("metadata").BA("metadata"),
	Text("client_id").UniqueKey().BA("clientId"),
	Text("client_secret").BA("clientSecret"),
	Text("redirect_urls").BA("redirectUrls").Describe("comma separated"),
	Text("type").BA("type").Describe("web, native, user-agent-based or public"),
	Bool("disabled").Required().DefaultBool(false).BA("disabled"),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).BA("userId"),

	Idx("oauth_application_user_id_idx", "user_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
	Many("accessTokens", domain.TableOAuthAccessToken, "client_id"),
	Many("consents", domain.TableOAuthConsent, "client_id"),
).OptionalTenant().Model("oauthApplication").Describe("OAuth applications (Better Auth ≤ 1.6 oauthApplication).")
