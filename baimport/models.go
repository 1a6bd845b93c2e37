package baimport

import (
	"strings"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
)

// Models lists the Better Auth models the importer moves, in the order it
// writes them: every model comes after the models its rows reference
// (sessions after members, because a session's active organization must be
// one its user belongs to).
var Models = []string{
	"user", "organization", "team", "member", "teamMember", "invitation", "organizationRole",
	"session", "account", "verification", "twoFactor", "passkey", "apikey", "jwks",
	"deviceCode", "ssoProvider", "subscription", "walletAddress", "rateLimit",
}

// NotMoved lists Better Auth models that may be in a source database but
// that the importer does not move, each with the plugin it belongs to; the
// reason reported for a table found (NotMovedReason) also says whether iam
// has a table for the model yet.
var NotMoved = map[string]string{
	"oauthClient":                "@better-auth/oauth-provider 1.7",
	"oauthResource":              "@better-auth/oauth-provider 1.7",
	"oauthClientResource":        "@better-auth/oauth-provider 1.7",
	"oauthRefreshToken":          "@better-auth/oauth-provider 1.7",
	"oauthAccessToken":           "@better-auth/oauth-provider 1.7 (or the ≤ 1.6 oidcProvider)",
	"oauthConsent":               "@better-auth/oauth-provider 1.7 (or the ≤ 1.6 oidcProvider)",
	"oauthClientAssertion":       "@better-auth/oauth-provider 1.7",
	"oauthApplication":           "the ≤ 1.6 oidcProvider",
	"scimManagedConnection":      "@better-auth/scim 1.7",
	"scimManagedCredential":      "@better-auth/scim 1.7",
	"scimManagedConnectionEvent": "@better-auth/scim 1.7",
	"scimConnectionBinding":      "@better-auth/scim 1.7",
	"scimIdentityTombstone":      "@better-auth/scim 1.7",
	"scimSubject":                "@better-auth/scim 1.7",
	"scimUser":                   "@better-auth/scim 1.7",
	"scimProjectionGrant":        "@better-auth/scim 1.7",
	"scimGroup":                  "@better-auth/scim 1.7",
	"scimGroupMember":            "@better-auth/scim 1.7",
	"scimProvider":               "the ≤ 1.6 scim plugin",
}

// NotMovedReason says why rows of a Better Auth model in NotMoved stay in
// the source ("" for a model that is not listed): iam may have no table for
// it yet, or have one (a later migration) whose rows the importer does not
// move yet — tokens, clients and provisioning state are re-created by
// their owners more safely than copied (issue 12 moves the tables of
// Models).
func NotMovedReason(model string) string {
	plugin, ok := NotMoved[model]
	if !ok {
		return ""
	}
	if t := tableOfModel(model); t != "" {
		return plugin + " table: iam has " + t + ", but the importer does not move its rows"
	}
	return plugin + " table: iam has no table for it yet"
}

// tableOfModel is the iam table declared for a Better Auth model, or "".
func tableOfModel(model string) string {
	for _, t := range schema.Tables() {
		if t.BetterAuthModel == model {
			return t.Name
		}
	}
	return ""
}

// fieldKind says how a field's value is carried into the target.
type fieldKind int

const (
	kindCopy       fieldKind = iota // byte for byte
	kindID                          // the row's own id: a new typed id
	kindRef                         // the id of a row of refModel: remapped
	kindOwner                       // apikey/subscription referenceId: a user or an organization
	kindTeamList                    // invitation teamId: one team id or a comma-separated list
	kindAccountID                   // account accountId: the user id for the credential provider
	kindVerifValue                  // verification value: a user id, or JSON naming user ids
	kindVerifIdent                  // verification identifier: the few Better Auth names by user and session id
	kindSoftRef                     // session activeOrganizationId/activeTeamId/impersonatedBy: cleared when dangling
)

// field is one Better Auth field of a model and its target column.
type field struct {
	Name     string // Better Auth field key ("emailVerified")
	Column   *schema.Column
	Kind     fieldKind
	RefModel string // for kindRef and kindSoftRef
	// Fallback is the value written for a NULL or missing source value of
	// a NOT NULL target column with a default ("" with HasFallback false:
	// none, NULL is a problem).
	Fallback    string
	HasFallback bool
	Now         bool // the fallback is the import's start time
}

// model is one Better Auth model and its target table.
type model struct {
	Name   string
	Table  *schema.Table
	Fields []*field
}

func (m *model) field(name string) *field {
	for _, f := range m.Fields {
		if f.Name == name {
			return f
		}
	}
	return nil
}

// modelOfTable maps an iam table to the Better Auth model stored in it.
var modelOfTable = map[string]string{}

// buildModels derives every model's fields from the schema declarations: a
// column marked with a Better Auth field name is filled from that field.
func buildModels() []*model {
	var out []*model
	for _, name := range Models {
		var t *schema.Table
		for _, tt := range schema.Tables() {
			if tt.BetterAuthModel == name {
				t = tt
			}
		}
		if t == nil {
			panic("baimport: no iam table for Better Auth model " + name)
		}
		modelOfTable[t.Name] = name
		m := &model{Name: name, Table: t}
		for _, c := range t.Columns {
			if c.BetterAuth == nil || !c.BetterAuth.Writes {
				continue
			}
			f := &field{Name: c.BetterAuth.Name, Column: c}
			switch {
			case c.Name == schema.ColID:
				f.Kind = kindID
			case t.Name == domain.TableAPIKey && c.Name == "reference_id",
				t.Name == domain.TableSubscription && c.Name == "reference_id":
				f.Kind = kindOwner
			case t.Name == domain.TableInvitation && c.Name == "team_id":
				f.Kind = kindTeamList
			case t.Name == domain.TableAccount && c.Name == "account_id":
				f.Kind = kindAccountID
			case t.Name == domain.TableVerification && c.Name == "value":
				f.Kind = kindVerifValue
			case t.Name == domain.TableVerification && c.Name == "identifier":
				f.Kind = kindVerifIdent
			case t.Name == domain.TableSession && c.Ref != nil && c.Name != "user_id":
				f.Kind = kindSoftRef
			case c.Ref != nil:
				f.Kind = kindRef
			}
			if c.Ref != nil {
				f.RefModel = tableModel(c.Ref.Table)
			}
			if c.NotNull && c.Default != "" {
				f.HasFallback = true
				if c.Default == "now()" {
					f.Now = true
				} else {
					f.Fallback = literal(c.Default)
				}
			}
			m.Fields = append(m.Fields, f)
		}
		out = append(out, m)
	}
	return out
}

func tableModel(table string) string {
	for _, t := range schema.Tables() {
		if t.Name == table {
			return t.BetterAuthModel
		}
	}
	return ""
}

// literal turns a default as PostgreSQL prints it ("'member'::text",
// "false", "0") into the value COPY takes.
func literal(def string) string {
	if strings.HasPrefix(def, "'") {
		end := strings.LastIndex(def, "'")
		return strings.ReplaceAll(def[1:end], "''", "'")
	}
	return def
}
