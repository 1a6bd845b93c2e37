package schema

import "github.com/beep/iam/domain"

// OAuthConsent is iam_oauth_consent (Better Auth ≤ 1.6 shape).
var OAuthConsent = NewOrgTable(domain.TableOAuthConsent,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("client_id").Required().References(domain.TableOAuthApplication, "client_id", Cascade, Cascade).BA("clientId").
		Param(),
	Text("user_id").References(domain.TableUser, ColID, Cascade, Cascade).BA("userId").Param(),
	Text("scopes").Required().BA("scopes").Describe("space separated").
		GoComment("space-separated").Param().PatchCustom(""),
	Bool("consent_given").Required().DefaultBool(false).BA("consentGiven").Input(),

	Idx("oauth_consent_client_id_idx", "client_id"),
	SameTenant("client_id", domain.TableOAuthApplication, "client_id"),
	Idx("oauth_consent_user_id_idx", "user_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("application", domain.TableOAuthApplication, "client_id"),
	One("user", domain.TableUser, "user_id"),
).OptionalTenant().Model("oauthConsent").Describe("OAuth consents (Better Auth ≤ 1.6 oauthConsent).").
	GoFinish().
	GoDoc("records a user's consent to a client's scopes (iam_oauth_consent, optional tenant; Better Auth ≤ 1.6 shape).").
	GoInputDocs("is the input that creates an OAuthConsent.", "lists what an update of a consent may change.")
