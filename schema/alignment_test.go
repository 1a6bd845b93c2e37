package schema_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
)

// dbField is one `db`-tagged field of an entity struct (embedded structs
// flattened, as pgx does).
type dbField struct {
	Path string // Go path, e.g. "Audit.CreatedAt"
	Type reflect.Type
}

func dbFields(t reflect.Type, prefix string, out map[string]dbField, order *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("db")
		if tag == "-" {
			continue
		}
		if f.Anonymous && !hasTag && f.Type.Kind() == reflect.Struct {
			dbFields(f.Type, prefix+f.Name+".", out, order)
			continue
		}
		if !f.IsExported() || !hasTag {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		out[name] = dbField{Path: prefix + f.Name, Type: f.Type}
		*order = append(*order, name)
	}
}

var (
	timeType    = reflect.TypeFor[time.Time]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
	secretType  = reflect.TypeFor[domain.Secret]()
	enumGoTypes = map[reflect.Type]string{
		reflect.TypeFor[domain.OrganizationType]():   "organization_type_enum",
		reflect.TypeFor[domain.SubscriptionTier]():   "subscription_tier_enum",
		reflect.TypeFor[domain.SubscriptionStatus](): "subscription_status_enum",
		reflect.TypeFor[domain.DeviceCodeStatus]():   "device_code_status_enum",
		reflect.TypeFor[domain.InvitationStatus]():   "invitation_status_enum",
		reflect.TypeFor[domain.MemberStatus]():       "member_status_enum",
	}
)

// pgTypeOf returns the Postgres type a Go field type stores as, and whether
// the Go type can hold NULL (pointer or nil-able jsonb).
func pgTypeOf(t reflect.Type) (pg string, nullable bool) {
	if t.Kind() == reflect.Pointer {
		pg, _ = pgTypeOf(t.Elem())
		return pg, true
	}
	switch {
	case t == timeType:
		return "timestamptz", false
	case t == rawJSONType:
		return "jsonb", true
	case t == secretType:
		return "text", false
	case enumGoTypes[t] != "":
		return enumGoTypes[t], false
	case t.PkgPath() == "github.com/beep/iam/domain" && strings.HasPrefix(t.Name(), "ID["):
		return "text", false
	}
	switch t.Kind() {
	case reflect.String:
		return "text", false
	case reflect.Bool:
		return "boolean", false
	case reflect.Int32:
		return "integer", false
	case reflect.Int64:
		return "bigint", false
	}
	return "unsupported Go type " + t.String(), false
}

// alignProblems compares one entity struct with its table, both directions.
func alignProblems(entity any, table *schema.Table) []string {
	var problems []string
	fields := map[string]dbField{}
	var order []string
	dbFields(reflect.TypeOf(entity), "", fields, &order)
	name := reflect.TypeOf(entity).Name()
	for _, col := range order {
		f := fields[col]
		c := table.Column(col)
		if c == nil {
			problems = append(problems, fmt.Sprintf("%s.%s: field %s.%s (db %q) has no column", table.Name, col, name, f.Path, col))
			continue
		}
		pg, nullable := pgTypeOf(f.Type)
		if pg != string(c.Type) {
			problems = append(problems, fmt.Sprintf("%s.%s: column type %s, field %s.%s is %s (stores as %s)", table.Name, col, c.Type, name, f.Path, f.Type, pg))
		}
		if c.Nullable() && !nullable {
			problems = append(problems, fmt.Sprintf("%s.%s: column is nullable, field %s.%s (%s) cannot hold NULL: make it a pointer", table.Name, col, name, f.Path, f.Type))
		}
		// A pointer says "may be absent"; a json.RawMessage can hold NULL but
		// is also the natural type of a required jsonb column.
		if f.Type.Kind() == reflect.Pointer && !c.Optional() {
			problems = append(problems, fmt.Sprintf("%s.%s: field %s.%s (%s) is optional, column is NOT NULL without default: make the field a value or the column nullable", table.Name, col, name, f.Path, f.Type))
		}
	}
	for _, c := range table.Columns {
		if _, ok := fields[c.Name]; !ok {
			problems = append(problems, fmt.Sprintf("%s.%s: column has no field in %s", table.Name, c.Name, name))
		}
	}
	return problems
}

// TestAlignment_DomainStructsMatchTables checks every entity of the domain
// against its declared table in both directions: each db-tagged field has a
// column of the matching type and nullability, and each column has a field.
func TestAlignment_DomainStructsMatchTables(t *testing.T) {
	t.Parallel()
	entities := domain.AllEntities()
	require.Len(t, entities, len(schema.Tables()), "one entity per table")
	var problems []string
	for _, e := range entities {
		table := schema.TableByName(e.TableName())
		if table == nil {
			problems = append(problems, fmt.Sprintf("%s: entity %T has no declared table", e.TableName(), e))
			continue
		}
		problems = append(problems, alignProblems(e, table)...)
	}
	require.Empty(t, problems, "domain structs and tables disagree:\n%s", strings.Join(problems, "\n"))
}

// TestAlignment_CatchesAMismatch proves the alignment check itself fails on
// an extra field, a missing field, a wrong type and a wrong nullability.
func TestAlignment_CatchesAMismatch(t *testing.T) {
	t.Parallel()
	type wallet struct {
		domain.Audit[domain.WalletAddress]
		UserID    domain.UserID `db:"user_id"`
		Address   *string       `db:"address"`    // column is NOT NULL without default
		ChainID   int64         `db:"chain_id"`   // column is integer
		Nickname  string        `db:"nickname"`   // no such column
		IsPrimary bool          `db:"is_primary"` // fine
		// created... every global column comes from Audit; nothing for
		// "address" type text is wrong.
	}
	got := alignProblems(wallet{}, schema.TableByName(domain.TableWalletAddress))
	require.ElementsMatch(t, []string{
		"iam_wallet_address.address: field wallet.Address (*string) is optional, column is NOT NULL without default: make the field a value or the column nullable",
		"iam_wallet_address.chain_id: column type integer, field wallet.ChainID is int64 (stores as bigint)",
		"iam_wallet_address.nickname: field wallet.Nickname (db \"nickname\") has no column",
	}, got)

	type partial struct {
		domain.Audit[domain.WalletAddress]
		UserID domain.UserID `db:"user_id"`
	}
	got = alignProblems(partial{}, schema.TableByName(domain.TableWalletAddress))
	require.ElementsMatch(t, []string{
		"iam_wallet_address.address: column has no field in partial",
		"iam_wallet_address.chain_id: column has no field in partial",
		"iam_wallet_address.is_primary: column has no field in partial",
	}, got)
}
