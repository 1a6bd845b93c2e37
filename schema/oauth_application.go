package schema

import "github.com/beep/iam/domain"

// OAuthApplication is iam_oauth_application, an OAuth client of the
// oidcProvider/mcp plugins (Better Auth ≤ 1.6 shape).
var OAuthApplication = NewOrgTable(domain.TableOAuthApplication,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("name").BA("name").ParamAs("", "string").Patch().Norm(NormTrim),
	Text("icon").BA("icon").Input().Norm(NormTrim),
	Text("metadata").BA("metadata").GoComment("JSON as text").Input(),
	Text("client_id").UniqueKey().BA("clientId").ParamAs("", "string"),
	Text("client_secret").BA("clientSecret").
		Secret().GoComment("absent for public clients").Input(),
	Text("redirect_urls").BA("redirectUrls").Describe("comma separated").
		GoComment("RedirectURLs is comma-separated; the column is redirect_urls (the seed's mechanical snake-casing gave redirect_u_r_ls).").ParamAs("", "[]string").PatchCustom("[]string"),
	Text("type").BA("type").Describe("web, native, user-agent-based or public").
		GoComment("web, native, user-agent-based, public").Param().ParamNote("default web"),
	Bool("disabled").Required().DefaultBool(false).BA("disabled").Patch(),
	Text("user_id").References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").Param(),

	Idx("oauth_application_user_id_idx", "user_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
	Many("accessTokens", domain.TableOAuthAccessToken, "client_id"),
	Many("consents", domain.TableOAuthConsent, "client_id"),
).OptionalTenant().Model("oauthApplication").Describe("OAuth applications (Better Auth ≤ 1.6 oauthApplication).").
	GoFinish().
	GoDoc("is an OAuth client of the oidcProvider/mcp plugins (iam_oauth_application, optional tenant; the Better Auth ≤ 1.6 shape). The columns keep the seed's nullability (the schema's decision), but the ones Better Auth 1.6 requires (name, client_id, redirect_urls, type) are required by Validate: Better Auth reads them without null checks. The client secret is left out of JSON.").
	GoInputDocs("is the input that creates an OAuthApplication. ClientSecret is the stored form of the secret (hashed or encrypted as the plugin is configured).", "lists what an update of an application may change.")
