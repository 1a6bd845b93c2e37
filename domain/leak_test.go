package domain_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
)

// secretColumns is the decision, per table, of which columns hold secrets
// (beep-schema.md §8.3 plus the tokens, hashes, keys and codes the seed left
// unprotected). The test fails when an entity's Secret fields differ from it,
// so adding or removing a secret is a visible decision.
var secretColumns = map[string][]string{
	domain.TableUser:             nil,
	domain.TableOrganization:     nil,
	domain.TableTeam:             nil,
	domain.TableSession:          {"token", "ip_address", "user_agent"},
	domain.TableFile:             nil,
	domain.TableFolder:           nil,
	domain.TableAccount:          {"access_token", "refresh_token", "id_token", "password"},
	domain.TableVerification:     {"value"},
	domain.TableMember:           nil,
	domain.TableTeamMember:       nil,
	domain.TableInvitation:       nil,
	domain.TableOrganizationRole: nil,
	domain.TableTwoFactor:        {"secret", "backup_codes"},
	domain.TablePasskey:          {"public_key", "credential_id"},
	domain.TableAPIKey:           {"key"},
	domain.TableJWKS:             {"private_key"},
	domain.TableDeviceCode:       {"device_code", "user_code"},
	domain.TableSSOProvider:      nil,
	domain.TableSCIMProvider:     {"scim_token"},
	domain.TableSubscription:     nil,
	domain.TableWalletAddress:    nil,
	domain.TableRateLimit:        nil,
	domain.TableOAuthClient:      {"client_secret"},
	domain.TableOAuthAccessToken: {"token"},
	domain.TableOAuthConsent:     nil,
	// Migration 0005. Token hashes are secrets like the API key hash; the
	// rotation replay is Better Auth's encrypted token response. SCIM keys
	// (connection, user name, order ...) are lookup keys, not credentials.
	domain.TableOAuthRefreshToken:          {"token", "rotation_replay_response"},
	domain.TableOAuthResource:              nil,
	domain.TableOAuthClientResource:        nil,
	domain.TableOAuthClientAssertion:       nil,
	domain.TableSCIMManagedConnection:      nil,
	domain.TableSCIMManagedCredential:      {"token_digest"},
	domain.TableSCIMManagedConnectionEvent: nil,
	domain.TableSCIMConnectionBinding:      nil,
	domain.TableSCIMIdentityTombstone:      nil,
	domain.TableSCIMSubject:                nil,
	domain.TableSCIMUser:                   nil,
	domain.TableSCIMProjectionGrant:        nil,
	domain.TableSCIMGroup:                  nil,
	domain.TableSCIMGroupMember:            nil,
}

var (
	secretType    = reflect.TypeFor[domain.Secret]()
	secretPtrType = reflect.TypeFor[*domain.Secret]()
)

// fillSecrets sets every Secret and *Secret field of the struct v points to
// to a distinct marker and returns the markers by column.
func fillSecrets(t *testing.T, v reflect.Value) map[string]string {
	t.Helper()
	markers := map[string]string{}
	walkFields(v, func(f reflect.StructField, fv reflect.Value) {
		col := f.Tag.Get("db")
		if col == "" {
			col = f.Name // params and patches have no columns
		}
		marker := fmt.Sprintf("LEAKMARK%02dx%s", len(markers), strings.ReplaceAll(col, "_", ""))
		switch f.Type {
		case secretType:
			fv.Set(reflect.ValueOf(domain.NewSecret(marker)))
			markers[col] = marker
		case secretPtrType:
			fv.Set(reflect.ValueOf(domain.SecretPtr(marker)))
			markers[col] = marker
		}
	})
	return markers
}

// walkFields calls fn for every field, descending into embedded structs.
func walkFields(v reflect.Value, fn func(reflect.StructField, reflect.Value)) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			walkFields(v.Field(i), fn)
			continue
		}
		fn(f, v.Field(i))
	}
}

func TestAllEntities_ListsEveryEntityTypeOfThePackage(t *testing.T) {
	t.Parallel()
	listed := map[string]bool{}
	for _, e := range domain.AllEntities() {
		listed[reflect.TypeOf(e).Name()] = true
	}
	require.Len(t, domain.AllEntities(), 39)
	require.Len(t, listed, 39, "AllEntities lists a type twice")

	// Every type with a TableName method, and every Table* constant, must be
	// covered; parse the package source so that a new entity cannot hide.
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	require.NoError(t, err)
	var withTableName, tableConsts []string
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		require.NoError(t, err)
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.Name == "TableName" && d.Recv != nil {
					if id, ok := d.Recv.List[0].Type.(*ast.Ident); ok {
						withTableName = append(withTableName, id.Name)
					}
				}
			case *ast.GenDecl:
				if d.Tok != token.CONST {
					continue
				}
				for _, s := range d.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						if strings.HasPrefix(n.Name, "Table") {
							tableConsts = append(tableConsts, n.Name)
						}
					}
				}
			}
		}
	}
	sort.Strings(withTableName)
	for _, name := range withTableName {
		require.True(t, listed[name], "entity %s has a TableName method but is missing from AllEntities", name)
	}
	require.Len(t, withTableName, 39)
	require.Len(t, tableConsts, 39, "one Table constant per entity (entities_gen.go)")
	require.Len(t, secretColumns, 39, "secretColumns must decide every table")
}

func TestAllEntities_EveryFieldHasDBAndJSONTags(t *testing.T) {
	t.Parallel()
	for _, e := range domain.AllEntities() {
		v := reflect.New(reflect.TypeOf(e)).Elem()
		cols := map[string]bool{}
		walkFields(v, func(f reflect.StructField, _ reflect.Value) {
			col, ok := f.Tag.Lookup("db")
			require.Truef(t, ok && col != "", "%s.%s has no db tag", e.TableName(), f.Name)
			require.Falsef(t, cols[col], "%s: column %s is tagged twice", e.TableName(), col)
			cols[col] = true
			_, ok = f.Tag.Lookup("json")
			require.Truef(t, ok, "%s.%s has no json tag", e.TableName(), f.Name)
		})
		for _, c := range []string{"id", "_row_id", "created_at", "updated_at", "version"} {
			require.Truef(t, cols[c], "%s lacks audit column %s", e.TableName(), c)
		}
	}
}

func TestSecrets_NeverAppearInJSONFmtOrSlog(t *testing.T) {
	t.Parallel()
	for _, e := range domain.AllEntities() {
		table := e.TableName()
		t.Run(table, func(t *testing.T) {
			t.Parallel()
			ptr := reflect.New(reflect.TypeOf(e))
			markers := fillSecrets(t, ptr.Elem())

			var got []string
			for col := range markers {
				got = append(got, col)
			}
			want := slices.Clone(secretColumns[table])
			sort.Strings(got)
			sort.Strings(want)
			require.Equal(t, want, got, "secret columns of %s differ from the decision in secretColumns", table)

			val := ptr.Elem().Interface()
			outputs := map[string]string{}
			b, err := json.Marshal(val)
			require.NoError(t, err)
			outputs["json"] = string(b)
			b, err = json.Marshal(ptr.Interface())
			require.NoError(t, err)
			outputs["json-ptr"] = string(b)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X"} {
				outputs["fmt "+verb] = fmt.Sprintf(verb, val)
				outputs["fmt ptr "+verb] = fmt.Sprintf(verb, ptr.Interface())
			}
			var text, js bytes.Buffer
			slog.New(slog.NewTextHandler(&text, nil)).Info("entity", "value", val, "ptr", ptr.Interface())
			slog.New(slog.NewJSONHandler(&js, nil)).Info("entity", "value", val, "ptr", ptr.Interface())
			outputs["slog text"] = text.String()
			outputs["slog json"] = js.String()
			if err := validateAny(val); err != nil {
				outputs["validation error"] = err.Error()
				b, _ := json.Marshal(err)
				outputs["validation error json"] = string(b)
			}

			for name, out := range outputs {
				for col, m := range markers {
					require.NotContainsf(t, out, m, "%s: secret column %s leaked through %s", table, col, name)
					require.NotContainsf(t, strings.ToLower(out), strings.ToLower(fmt.Sprintf("%x", m)),
						"%s: secret column %s leaked hex-encoded through %s", table, col, name)
				}
			}
			// A redacted-present secret shows the marker; a left-out one is
			// absent from JSON.
			if len(markers) > 0 {
				require.True(t, strings.Contains(outputs["fmt %+v"], domain.Redacted))
			}
		})
	}
}

// validateAny calls the entity's Validate method.
func validateAny(e any) error {
	if v, ok := e.(interface{ Validate() error }); ok {
		return v.Validate()
	}
	panic(fmt.Sprintf("%T has no Validate method", e))
}

func TestAllEntities_HaveValidateNewPatchAndDecode(t *testing.T) {
	t.Parallel()
	for _, e := range domain.AllEntities() {
		_, ok := e.(interface{ Validate() error })
		require.Truef(t, ok, "%T has no Validate method", e)
	}
}

func TestSecrets_InParamsAndPatchesNeverPrint(t *testing.T) {
	t.Parallel()
	inputs := []any{
		domain.SessionParams{}, domain.AccountParams{}, domain.AccountPatch{}, domain.VerificationParams{},
		domain.VerificationPatch{}, domain.TwoFactorParams{}, domain.TwoFactorPatch{}, domain.PasskeyParams{},
		domain.APIKeyParams{}, domain.JWKSParams{}, domain.DeviceCodeParams{}, domain.SCIMProviderParams{},
		domain.SCIMProviderPatch{}, domain.OAuthClientParams{}, domain.OAuthClientPatch{},
		domain.OAuthAccessTokenParams{}, domain.OAuthRefreshTokenParams{},
	}
	for _, in := range inputs {
		ptr := reflect.New(reflect.TypeOf(in))
		markers := fillSecrets(t, ptr.Elem())
		require.NotEmptyf(t, markers, "%T has no secret field", in)
		b, err := json.Marshal(ptr.Interface())
		require.NoError(t, err)
		var text bytes.Buffer
		slog.New(slog.NewTextHandler(&text, nil)).Info("input", "value", ptr.Elem().Interface())
		out := string(b) + fmt.Sprintf("%v %+v %#v %s %q %x", ptr.Elem().Interface(), ptr.Elem().Interface(),
			ptr.Elem().Interface(), ptr.Elem().Interface(), ptr.Elem().Interface(), ptr.Elem().Interface()) + text.String()
		for col, m := range markers {
			require.NotContainsf(t, out, m, "%T: secret %s leaked", in, col)
		}
	}
}
