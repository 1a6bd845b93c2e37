package domain

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// IDSeparator separates the table name from the UUID in a public id:
// "<table>__<uuid>", for example "iam_member__0190f3c2-....".
const IDSeparator = "__"

// Entity is implemented by every entity type of the IAM slice. TableName is
// the Postgres table that stores it and the prefix of its public ids.
type Entity interface {
	TableName() string
}

// ID is the public id of an entity of type E: "<table>__<uuid>". The type
// parameter makes ids of different entities different Go types, so a member id
// cannot be passed where a user id is expected. The zero ID is "no id".
type ID[E Entity] struct {
	s string
}

// NewID returns a fresh id for entity E with a time-ordered UUIDv7, which keeps
// B-tree inserts on the id index local (the seed used random v4 UUIDs).
func NewID[E Entity]() ID[E] {
	u, err := uuid.NewV7()
	if err != nil {
		// NewV7 only fails when the system's random source fails; nothing sane
		// can continue without randomness.
		panic(fmt.Sprintf("domain: generating UUIDv7: %v", err))
	}
	var e E
	return ID[E]{s: e.TableName() + IDSeparator + u.String()}
}

// ForeignIDAccepter is implemented by an entity whose table also holds ids
// Better Auth writes in a form of its own (Verification: the ids of
// reserveVerificationValue). ParseID accepts such an id as it is.
type ForeignIDAccepter interface {
	AcceptsForeignID(s string) bool
}

// ParseID parses "<table>__<uuid>" for entity E. Any valid UUID version is
// accepted (ids written by other tools need not be v7). The error says which
// part is wrong: the table prefix, the separator or the UUID. An entity
// that implements ForeignIDAccepter also accepts the ids it admits (their
// UUID is uuid.Nil).
func ParseID[E Entity](s string) (ID[E], error) {
	var e E
	table := e.TableName()
	if s == "" {
		return ID[E]{}, &IDError{Table: table, Input: s, Part: "id", Problem: "is empty"}
	}
	rest, ok := strings.CutPrefix(s, table)
	if !ok {
		if f, isF := any(e).(ForeignIDAccepter); isF && f.AcceptsForeignID(s) {
			return ID[E]{s: s}, nil
		}
		got, _, _ := strings.Cut(s, IDSeparator)
		return ID[E]{}, &IDError{Table: table, Input: s, Part: "prefix",
			Problem: fmt.Sprintf("is %q, want %q", truncate(got, 40), table)}
	}
	u, ok := strings.CutPrefix(rest, IDSeparator)
	if !ok {
		return ID[E]{}, &IDError{Table: table, Input: s, Part: "separator",
			Problem: fmt.Sprintf("missing %q after %q", IDSeparator, table)}
	}
	// uuid.Parse also accepts braces and urn: forms; require the canonical
	// 36-character form so that one id has exactly one spelling.
	parsed, err := uuid.Parse(u)
	if err != nil || len(u) != 36 {
		return ID[E]{}, &IDError{Table: table, Input: s, Part: "uuid",
			Problem: fmt.Sprintf("%q is not a canonical UUID", truncate(u, 40))}
	}
	return ID[E]{s: table + IDSeparator + parsed.String()}, nil
}

// MustParseID is ParseID for constants in tests and examples; it panics on a
// malformed id.
func MustParseID[E Entity](s string) ID[E] {
	id, err := ParseID[E](s)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns the id's text form, "" for the zero ID.
func (id ID[E]) String() string { return id.s }

// IsZero reports whether id is the zero ID.
func (id ID[E]) IsZero() bool { return id.s == "" }

// UUID returns the UUID part of the id (uuid.Nil for the zero ID).
func (id ID[E]) UUID() uuid.UUID {
	_, u, ok := strings.Cut(id.s, IDSeparator)
	if !ok {
		return uuid.Nil
	}
	parsed, _ := uuid.Parse(u)
	return parsed
}

// MarshalText implements encoding.TextMarshaler (used by encoding/json).
func (id ID[E]) MarshalText() ([]byte, error) { return []byte(id.s), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it validates the id.
// An empty text gives the zero ID.
func (id *ID[E]) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*id = ID[E]{}
		return nil
	}
	parsed, err := ParseID[E](string(b))
	if err != nil {
		return err
	}
	*id = parsed
	return nil
}

// Value implements driver.Valuer: the zero ID is stored as NULL.
func (id ID[E]) Value() (driver.Value, error) {
	if id.s == "" {
		return nil, nil
	}
	return id.s, nil
}

// Scan implements sql.Scanner. Ids read from the database are validated, so a
// row of another table can never be read as this entity's id.
func (id *ID[E]) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*id = ID[E]{}
		return nil
	case string:
		return id.UnmarshalText([]byte(v))
	case []byte:
		return id.UnmarshalText(v)
	default:
		var e E
		return fmt.Errorf("domain: cannot scan %T into an id of %s", src, e.TableName())
	}
}

// IDError reports a malformed public id. It names the part that is wrong.
type IDError struct {
	Table   string // the table whose id was expected
	Input   string // the rejected input (ids are not secret)
	Part    string // "id", "prefix", "separator" or "uuid"
	Problem string
}

func (e *IDError) Error() string {
	return fmt.Sprintf("invalid %s id %q: %s %s", e.Table, truncate(e.Input, 80), e.Part, e.Problem)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
