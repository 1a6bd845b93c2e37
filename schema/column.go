package schema

import (
	"fmt"

	"github.com/beep/iam/domain"
)

// Type is the PostgreSQL type of a column, spelled as the DDL writes it.
// Enum columns have the enum's type name.
type Type string

// Column types used by iam. Dates are always timestamptz, JSON and
// string-array values are always jsonb.
const (
	TypeText        Type = "text"
	TypeBoolean     Type = "boolean"
	TypeInteger     Type = "integer"
	TypeBigInt      Type = "bigint"
	TypeTimestamptz Type = "timestamptz"
	TypeJSONB       Type = "jsonb"
)

// Catalog returns the type's name as PostgreSQL's format_type() prints it,
// which is what the checker reads back from pg_catalog.
func (t Type) Catalog() string {
	switch t {
	case TypeTimestamptz:
		return "timestamp with time zone"
	default:
		return string(t)
	}
}

// BetterAuthType is the type of a Better Auth field (DBFieldAttribute.type).
type BetterAuthType string

// Better Auth field types.
const (
	BAString      BetterAuthType = "string"
	BANumber      BetterAuthType = "number"
	BABoolean     BetterAuthType = "boolean"
	BADate        BetterAuthType = "date"
	BAJSON        BetterAuthType = "json"
	BAStringArray BetterAuthType = "string[]"
)

// Action is a foreign key's ON DELETE / ON UPDATE action.
type Action string

// Foreign key actions.
const (
	NoAction Action = "NO ACTION"
	Cascade  Action = "CASCADE"
	SetNull  Action = "SET NULL"
	Restrict Action = "RESTRICT"
)

// Reference is a column's foreign key.
type Reference struct {
	Table    string // referenced table
	Column   string // referenced column ("id" or another unique column)
	OnDelete Action
	OnUpdate Action
}

// ConstraintName returns the foreign key's constraint name,
// "<table>_<column>_fkey" (PostgreSQL's own convention).
func (c *Column) ConstraintName() string {
	return constraintName(c.table.Name, c.Name, "fkey")
}

// BetterAuthField is what Better Auth knows about a column.
type BetterAuthField struct {
	Name   string         // field key in Better Auth's schema, camelCase ("emailVerified")
	Type   BetterAuthType // Better Auth type
	Writes bool           // Better Auth writes the column (false: read-only to it or unknown)
}

// Column is one column of a Table. Build it with Text, Bool, Int, BigInt,
// Timestamptz, JSONB or Enum and chain the modifiers; every modifier returns
// the column.
type Column struct {
	Name    string
	Type    Type
	Enum    *domain.EnumType // set for enum columns
	NotNull bool
	// Default is the SQL default expression in the form PostgreSQL prints it
	// back (pg_get_expr), e.g. "now()", "false", "'member'::text"; "" = none.
	Default string
	// Identity is "ALWAYS" or "BY DEFAULT" for identity columns, else "".
	Identity string
	// Unique adds a UNIQUE constraint named <table>_<column>_key.
	Unique bool
	Ref    *Reference
	// BetterAuth is set when the column is a Better Auth field.
	BetterAuth *BetterAuthField
	// Derived says how the database fills the column when a writer (Better
	// Auth) leaves it out, e.g. "from team_id by trigger".
	Derived string
	// Global is true for the columns the factories add.
	Global bool
	Doc    string
	// Go is how the generated domain code represents the column.
	Go GoField

	table *Table
}

func newColumn(name string, t Type) *Column { return &Column{Name: name, Type: t} }

// Text declares a text column.
func Text(name string) *Column { return newColumn(name, TypeText) }

// Bool declares a boolean column.
func Bool(name string) *Column { return newColumn(name, TypeBoolean) }

// Int declares an integer (int4) column.
func Int(name string) *Column { return newColumn(name, TypeInteger) }

// BigInt declares a bigint column.
func BigInt(name string) *Column { return newColumn(name, TypeBigInt) }

// Timestamptz declares a timestamp with time zone column.
func Timestamptz(name string) *Column { return newColumn(name, TypeTimestamptz) }

// JSONB declares a jsonb column.
func JSONB(name string) *Column { return newColumn(name, TypeJSONB) }

// Enum declares a column of the PostgreSQL enum e (from domain.Enums()).
func Enum(name string, e domain.EnumType) *Column {
	c := newColumn(name, Type(e.Name))
	c.Enum = &e
	return c
}

// Table returns the table the column belongs to (nil before it is added).
func (c *Column) Table() *Table { return c.table }

// Required marks the column NOT NULL.
func (c *Column) Required() *Column { c.NotNull = true; return c }

// DefaultSQL sets the default to the SQL expression expr, written the way
// PostgreSQL prints it back so that the checker compares equal.
func (c *Column) DefaultSQL(expr string) *Column { c.Default = expr; return c }

// DefaultBool sets a boolean default.
func (c *Column) DefaultBool(b bool) *Column { return c.DefaultSQL(fmt.Sprint(b)) }

// DefaultInt sets an integer default.
func (c *Column) DefaultInt(n int64) *Column { return c.DefaultSQL(fmt.Sprint(n)) }

// DefaultText sets a string default; for enum columns the literal is cast to
// the enum type, and the value must be one of its values.
func (c *Column) DefaultText(s string) *Column {
	return c.DefaultSQL(quoteLiteral(s) + "::" + string(c.Type))
}

// DefaultNow sets the default now().
func (c *Column) DefaultNow() *Column { return c.DefaultSQL("now()") }

// UniqueKey adds a single-column UNIQUE constraint.
func (c *Column) UniqueKey() *Column { c.Unique = true; return c }

// References declares a foreign key to table.column with the given actions.
func (c *Column) References(table, column string, onDelete, onUpdate Action) *Column {
	c.Ref = &Reference{Table: table, Column: column, OnDelete: onDelete, OnUpdate: onUpdate}
	return c
}

// BA marks the column as the Better Auth field name, written by Better Auth.
// The Better Auth type follows from the column type (jsonb is "json"; use
// BAType for "string[]").
func (c *Column) BA(field string) *Column {
	c.BetterAuth = &BetterAuthField{Name: field, Type: defaultBAType(c.Type), Writes: true}
	return c
}

// BAType overrides the Better Auth type of a column marked with BA.
func (c *Column) BAType(t BetterAuthType) *Column {
	if c.BetterAuth == nil {
		c.BetterAuth = &BetterAuthField{Name: camel(c.Name), Writes: true}
	}
	c.BetterAuth.Type = t
	return c
}

// DerivedBy documents how the database fills the column when a writer omits
// it (a trigger, a default).
func (c *Column) DerivedBy(how string) *Column { c.Derived = how; return c }

// Describe sets the column's documentation.
func (c *Column) Describe(doc string) *Column { c.Doc = doc; return c }

func defaultBAType(t Type) BetterAuthType {
	switch t {
	case TypeBoolean:
		return BABoolean
	case TypeInteger, TypeBigInt:
		return BANumber
	case TypeTimestamptz:
		return BADate
	case TypeJSONB:
		return BAJSON
	default:
		return BAString
	}
}

// Nullable reports whether the column accepts NULL.
func (c *Column) Nullable() bool { return !c.NotNull }

// Optional reports whether a writer may leave the column out of an INSERT:
// it is nullable, has a default, is an identity or is derived by the
// database.
func (c *Column) Optional() bool {
	return !c.NotNull || c.Default != "" || c.Identity != "" || c.Derived != ""
}

func (c *Column) addTo(t *Table) { t.Columns = append(t.Columns, c); c.table = t }

func camel(snake string) string {
	out := make([]byte, 0, len(snake))
	up := false
	for i := 0; i < len(snake); i++ {
		ch := snake[i]
		if ch == '_' {
			up = len(out) > 0
			continue
		}
		if up && ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		up = false
		out = append(out, ch)
	}
	return string(out)
}
