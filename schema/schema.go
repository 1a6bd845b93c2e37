package schema

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/beep/iam/domain"
)

// Schema is a set of tables rendered and checked together: the built-in IAM
// schema, or a user's extension built on top of it with New.
type Schema struct {
	// Name names the schema in generated headers ("iam", "auditlog").
	Name string
	// Enums are the PostgreSQL enums this schema creates.
	Enums []domain.EnumType
	// Functions are the trigger functions this schema creates.
	Functions []*Function
	// Tables in creation order.
	Tables []*Table
	// Roles are created (guarded, cluster-wide) by this schema.
	Roles []*Role
	// GrantTo lists roles that get SELECT, INSERT, UPDATE, DELETE on every
	// table of this schema and USAGE on their sequences, when they exist.
	GrantTo []string
	// Base is the schema this one extends: its tables can be referenced but
	// are not rendered or checked as part of this one.
	Base *Schema
}

// Role is a database role created by the schema's migration.
type Role struct {
	Name      string
	BypassRLS bool
	Doc       string
}

// Option configures New.
type Option func(*Schema)

// WithEnums adds enums created by the schema.
func WithEnums(enums ...domain.EnumType) Option {
	return func(s *Schema) { s.Enums = append(s.Enums, enums...) }
}

// WithFunctions adds trigger functions created by the schema.
func WithFunctions(fns ...*Function) Option {
	return func(s *Schema) { s.Functions = append(s.Functions, fns...) }
}

// WithRoles adds roles created by the schema.
func WithRoles(roles ...*Role) Option { return func(s *Schema) { s.Roles = append(s.Roles, roles...) } }

// WithGrants grants table privileges to roles (when they exist).
func WithGrants(roles ...string) Option {
	return func(s *Schema) { s.GrantTo = append(s.GrantTo, roles...) }
}

// WithTables adds tables.
func WithTables(tables ...*Table) Option {
	return func(s *Schema) { s.Tables = append(s.Tables, tables...) }
}

// New builds and validates a schema named name on top of base (nil for
// none). Tables of base can be referenced by foreign keys and relations.
func New(name string, base *Schema, opts ...Option) (*Schema, error) {
	s := &Schema{Name: name, Base: base}
	for _, o := range opts {
		o(s)
	}
	for _, t := range s.Tables {
		if t.schema != nil && t.schema != s {
			return nil, fmt.Errorf("schema %s: table %s already belongs to schema %s", name, t.Name, t.schema.Name)
		}
		t.schema = s
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

// MustNew is New that panics on a malformed declaration: for package-level
// schema variables, so a mistake stops the program at start-up.
func MustNew(name string, base *Schema, opts ...Option) *Schema {
	s, err := New(name, base, opts...)
	if err != nil {
		panic(err)
	}
	return s
}

// Table returns the table named name in this schema or its bases, or nil.
func (s *Schema) Table(name string) *Table {
	for cur := s; cur != nil; cur = cur.Base {
		for _, t := range cur.Tables {
			if t.Name == name {
				return t
			}
		}
	}
	return nil
}

// Enum returns the enum named name in this schema or its bases.
func (s *Schema) Enum(name string) (domain.EnumType, bool) {
	for cur := s; cur != nil; cur = cur.Base {
		for _, e := range cur.Enums {
			if e.Name == name {
				return e, true
			}
		}
	}
	return domain.EnumType{}, false
}

func (s *Schema) function(name string) *Function {
	for cur := s; cur != nil; cur = cur.Base {
		for _, f := range cur.Functions {
			if f.Name == name {
				return f
			}
		}
	}
	return nil
}

// Validate checks the declaration and returns every problem found, each
// naming the table and column.
func (s *Schema) Validate() error {
	var errs []error
	bad := func(t *Table, format string, args ...any) {
		errs = append(errs, fmt.Errorf("schema %s: table %s: %s", s.Name, t.Name, fmt.Sprintf(format, args...)))
	}
	seenTable := map[string]bool{}
	seenIndex := map[string]string{}
	for cur := s.Base; cur != nil; cur = cur.Base {
		for _, t := range cur.Tables {
			seenTable[t.Name] = true
			for _, ix := range t.AllIndexes() {
				seenIndex[ix.Name] = t.Name
			}
		}
	}
	seenEnum := map[string]bool{}
	for _, e := range s.Enums {
		if seenEnum[e.Name] {
			errs = append(errs, fmt.Errorf("schema %s: enum %s declared twice", s.Name, e.Name))
		}
		seenEnum[e.Name] = true
		if len(e.Values) == 0 {
			errs = append(errs, fmt.Errorf("schema %s: enum %s has no values", s.Name, e.Name))
		}
	}
	for _, t := range s.Tables {
		if !validIdent(t.Name) {
			bad(t, "invalid table name")
		}
		if seenTable[t.Name] {
			bad(t, "declared twice")
		}
		seenTable[t.Name] = true
		cols := map[string]bool{}
		ba := map[string]string{}
		for _, c := range t.Columns {
			if !validIdent(c.Name) {
				bad(t, "column %q: invalid column name", c.Name)
			}
			if cols[c.Name] {
				bad(t, "column %s: duplicate column", c.Name)
			}
			cols[c.Name] = true
			if c.Enum != nil {
				e, ok := s.Enum(c.Enum.Name)
				if !ok {
					bad(t, "column %s: enum %s is not declared by the schema", c.Name, c.Enum.Name)
				} else if !slices.Equal(e.Values, c.Enum.Values) {
					bad(t, "column %s: enum %s values differ from the schema's", c.Name, c.Enum.Name)
				}
				if c.Default != "" {
					v, _, _ := strings.Cut(strings.TrimPrefix(c.Default, "'"), "'::")
					if !slices.Contains(c.Enum.Values, v) {
						bad(t, "column %s: default %s is not a value of enum %s", c.Name, c.Default, c.Enum.Name)
					}
				}
			}
			if c.BetterAuth != nil {
				if c.BetterAuth.Name == "" {
					bad(t, "column %s: empty Better Auth field name", c.Name)
				}
				if other, dup := ba[c.BetterAuth.Name]; dup {
					bad(t, "column %s: Better Auth field %s already mapped to column %s", c.Name, c.BetterAuth.Name, other)
				}
				ba[c.BetterAuth.Name] = c.Name
			}
			if c.Ref != nil {
				target := s.Table(c.Ref.Table)
				if target == nil {
					bad(t, "column %s: foreign key to unknown table %s", c.Name, c.Ref.Table)
				} else if tc := target.Column(c.Ref.Column); tc == nil {
					bad(t, "column %s: foreign key to unknown column %s.%s", c.Name, c.Ref.Table, c.Ref.Column)
				} else {
					if !tc.Unique && !target.hasUniqueOn(c.Ref.Column) {
						bad(t, "column %s: foreign key to %s.%s, which is not unique", c.Name, c.Ref.Table, c.Ref.Column)
					}
					if tc.Type != c.Type {
						bad(t, "column %s: type %s differs from the referenced %s.%s (%s)", c.Name, c.Type, c.Ref.Table, c.Ref.Column, tc.Type)
					}
				}
				if c.Ref.OnDelete == SetNull && c.NotNull {
					bad(t, "column %s: NOT NULL with ON DELETE SET NULL", c.Name)
				}
				for _, a := range []Action{c.Ref.OnDelete, c.Ref.OnUpdate} {
					if !slices.Contains([]Action{NoAction, Cascade, SetNull, Restrict}, a) {
						bad(t, "column %s: invalid foreign key action %q", c.Name, a)
					}
				}
			}
		}
		if t.Column(ColID) == nil || t.Column(ColRowID) == nil {
			bad(t, "missing the global columns (declare it with NewTable or NewOrgTable)")
		}
		for _, ix := range t.AllIndexes() {
			if owner, dup := seenIndex[ix.Name]; dup {
				bad(t, "index %s: name already used on table %s", ix.Name, owner)
			}
			seenIndex[ix.Name] = t.Name
			if len(ix.Name) > 63 {
				bad(t, "index %s: name longer than 63 bytes", ix.Name)
			}
			if len(ix.Columns) == 0 {
				bad(t, "index %s: no columns", ix.Name)
			}
			for _, col := range ix.Columns {
				if !cols[col] {
					bad(t, "index %s: unknown column %s", ix.Name, col)
				}
			}
		}
		checks := map[string]bool{}
		for _, c := range t.Checks {
			if checks[c.Name] {
				bad(t, "check %s: duplicate", c.Name)
			}
			checks[c.Name] = true
			if strings.TrimSpace(c.Expr) == "" {
				bad(t, "check %s: empty expression", c.Name)
			}
		}
		rels := map[string]bool{}
		for _, r := range t.Relations {
			if rels[r.Name] {
				bad(t, "relation %s: duplicate", r.Name)
			}
			rels[r.Name] = true
			target := s.Table(r.Target)
			if target == nil {
				bad(t, "relation %s: unknown table %s", r.Name, r.Target)
				continue
			}
			switch r.Kind {
			case RelOne:
				c := t.Column(r.Column)
				if c == nil {
					bad(t, "relation %s: unknown column %s", r.Name, r.Column)
				} else if c.Ref == nil || c.Ref.Table != r.Target {
					bad(t, "relation %s: column %s has no foreign key to %s", r.Name, r.Column, r.Target)
				}
			case RelMany:
				c := target.Column(r.Column)
				if c == nil {
					bad(t, "relation %s: unknown column %s.%s", r.Name, r.Target, r.Column)
				} else if c.Ref == nil || c.Ref.Table != t.Name {
					bad(t, "relation %s: column %s.%s has no foreign key to %s", r.Name, r.Target, r.Column, t.Name)
				}
			default:
				bad(t, "relation %s: invalid kind %q", r.Name, r.Kind)
			}
		}
		for _, tr := range t.Triggers {
			if s.function(tr.Function) == nil {
				bad(t, "trigger %s: unknown function %s", tr.Name, tr.Function)
			}
		}
	}
	return errors.Join(errs...)
}

func (t *Table) hasUniqueOn(col string) bool {
	for _, ix := range t.AllIndexes() {
		if ix.IsUnique && ix.Where == "" && len(ix.Columns) == 1 && ix.Columns[0] == col {
			return true
		}
	}
	return false
}

func validIdent(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
