package schema

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"

	"github.com/beep/iam/domain"
)

var (
	timeType    = reflect.TypeFor[time.Time]()
	rawJSONType = reflect.TypeFor[json.RawMessage]()
	secretType  = reflect.TypeFor[domain.Secret]()
)

// AlignStruct compares an entity struct with its table in both directions
// and returns one line per problem, each naming the table and column:
// every `db`-tagged field (embedded structs such as domain.Audit flattened)
// has a column of the matching type, every column has a field, a nullable
// column has a field that can hold NULL (pointer, json.RawMessage), and a
// pointer field has a column that is nullable, defaulted or derived.
//
// Go types map to columns as: string kinds (and domain.Secret, domain ids)
// text, an enum type T (a string kind whose snake_case name plus "_enum" is
// the column's enum) the enum, bool boolean, int32 integer, int64 bigint,
// time.Time timestamptz, json.RawMessage jsonb.
func AlignStruct(entity any, table *Table) []string {
	t := reflect.TypeOf(entity)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var fields []structField
	collectFields(t, "", &fields)
	byName := map[string]structField{}
	var problems []string
	name := t.Name()
	for _, f := range fields {
		byName[f.column] = f
		c := table.Column(f.column)
		if c == nil {
			problems = append(problems, fmt.Sprintf("%s.%s: field %s.%s (db %q) has no column", table.Name, f.column, name, f.path, f.column))
			continue
		}
		pg, canNull := goPGType(f.typ, c)
		if pg != string(c.Type) {
			problems = append(problems, fmt.Sprintf("%s.%s: column type %s, field %s.%s is %s (stores as %s)", table.Name, f.column, c.Type, name, f.path, f.typ, pg))
		}
		if c.Nullable() && !canNull {
			problems = append(problems, fmt.Sprintf("%s.%s: column is nullable, field %s.%s (%s) cannot hold NULL: make it a pointer", table.Name, f.column, name, f.path, f.typ))
		}
		// A pointer says "may be absent"; a json.RawMessage can hold NULL but
		// is also the natural type of a required jsonb column.
		if f.typ.Kind() == reflect.Pointer && !c.Optional() {
			problems = append(problems, fmt.Sprintf("%s.%s: field %s.%s (%s) is optional, column is NOT NULL without default: make the field a value or the column nullable", table.Name, f.column, name, f.path, f.typ))
		}
	}
	for _, c := range table.Columns {
		if _, ok := byName[c.Name]; !ok {
			problems = append(problems, fmt.Sprintf("%s.%s: column has no field in %s", table.Name, c.Name, name))
		}
	}
	return problems
}

type structField struct {
	column, path string
	typ          reflect.Type
}

func collectFields(t reflect.Type, prefix string, out *[]structField) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("db")
		if tag == "-" {
			continue
		}
		if f.Anonymous && !hasTag && f.Type.Kind() == reflect.Struct {
			collectFields(f.Type, prefix+f.Name+".", out)
			continue
		}
		if !f.IsExported() || !hasTag {
			continue
		}
		col, _, _ := strings.Cut(tag, ",")
		*out = append(*out, structField{column: col, path: prefix + f.Name, typ: f.Type})
	}
}

// goPGType returns the Postgres type a Go field type stores as, and whether
// it can hold NULL.
func goPGType(t reflect.Type, c *Column) (string, bool) {
	if t.Kind() == reflect.Pointer {
		pg, _ := goPGType(t.Elem(), c)
		return pg, true
	}
	switch {
	case t == timeType:
		return string(TypeTimestamptz), false
	case t == rawJSONType:
		return string(TypeJSONB), true
	case t == secretType:
		return string(TypeText), false
	case t.PkgPath() == "github.com/beep/iam/domain" && strings.HasPrefix(t.Name(), "ID["):
		return string(TypeText), false
	}
	switch t.Kind() {
	case reflect.String:
		if c != nil && c.Enum != nil && snake(t.Name())+"_enum" == c.Enum.Name {
			return c.Enum.Name, false
		}
		return string(TypeText), false
	case reflect.Bool:
		return string(TypeBoolean), false
	case reflect.Int32:
		return string(TypeInteger), false
	case reflect.Int64:
		return string(TypeBigInt), false
	}
	return "unsupported Go type " + t.String(), false
}

func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}
