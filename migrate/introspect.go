package migrate

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Querier is what Check and Introspect read through: *pgx.Conn, *pgxpool.Pool
// and pgx.Tx all satisfy it. Only SELECTs on pg_catalog are sent.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// DBSchema is what Introspect reads from one PostgreSQL schema (namespace).
type DBSchema struct {
	Database  string
	Namespace string
	Tables    map[string]*DBTable
	Enums     map[string][]string // enum name -> values in order
	Functions map[string]string   // function name -> source (prosrc), functions without arguments
	// Routines are every function and procedure of the schema, whatever
	// their arguments, ordered by Signature.
	Routines []DBFunction
}

// DBFunction is one function or procedure as pg_proc describes it.
type DBFunction struct {
	Name string
	// Signature is the name with the identity arguments as ALTER FUNCTION
	// takes them (pg_get_function_identity_arguments), e.g.
	// "lookup(p_id text, p_at timestamp with time zone)".
	Signature string
	Args      int  // number of arguments (pronargs)
	Procedure bool // a procedure (prokind p), not a function
	// SecurityDefiner: the routine runs with its owner's rights (prosecdef).
	SecurityDefiner bool
	// Config holds the settings the routine sets while it runs (proconfig),
	// as "name=value": "search_path=public, pg_temp".
	Config []string
}

// Routine returns the function (not procedure) named name with args
// arguments, or nil; with overloads of that arity, the first by signature.
func (db *DBSchema) Routine(name string, args int) *DBFunction {
	for i := range db.Routines {
		if f := &db.Routines[i]; f.Name == name && f.Args == args && !f.Procedure {
			return f
		}
	}
	return nil
}

// SearchPath returns the value of the search_path the routine sets while
// it runs, and whether it sets one.
func (f DBFunction) SearchPath() (string, bool) {
	for _, c := range f.Config {
		if v, ok := strings.CutPrefix(c, "search_path="); ok {
			return v, true
		}
	}
	return "", false
}

// PinnedSearchPath reports whether the routine sets a search_path whose last
// element is pg_temp. Only then can no caller's temporary table, view,
// type or domain shadow a name the routine resolves: unless listed,
// pg_temp is searched first for relations and types.
func (f DBFunction) PinnedSearchPath() bool {
	v, ok := f.SearchPath()
	if !ok {
		return false
	}
	path := searchPathElements(v)
	return len(path) > 0 && path[len(path)-1] == "pg_temp"
}

// searchPathElements splits a search_path value into its schema names,
// without surrounding spaces and quotes.
func searchPathElements(v string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(v); i++ {
		ch := v[i]
		switch {
		case ch == '"' && quoted && i+1 < len(v) && v[i+1] == '"':
			cur.WriteByte('"')
			i++
		case ch == '"':
			quoted = !quoted
		case ch == ',' && !quoted:
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		case (ch == ' ' || ch == '\t') && !quoted:
			// unquoted spaces only surround names
		default:
			cur.WriteByte(ch)
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" || len(out) > 0 {
		out = append(out, s)
	}
	return out
}

// DBTable is one table as pg_catalog describes it.
type DBTable struct {
	Name        string
	Columns     []DBColumn
	Indexes     map[string]DBIndex
	ForeignKeys map[string]DBForeignKey
	Checks      map[string]string // name -> expression (without CHECK and outer parentheses)
	Triggers    map[string]string // name -> pg_get_triggerdef, schema qualifier removed
	RLSEnabled  bool
	RLSForced   bool
	Policies    map[string]DBPolicy
}

// Column returns the column named name, or nil.
func (t *DBTable) Column(name string) *DBColumn {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

// DBColumn is one column.
type DBColumn struct {
	Name     string
	Type     string // format_type()
	NotNull  bool
	Default  string // pg_get_expr(), "" for none
	Identity string // "ALWAYS", "BY DEFAULT" or ""
}

// DBIndex is one index.
type DBIndex struct {
	Name    string
	Columns []string // pg_get_indexdef per key column (column names or expressions)
	Unique  bool
	Primary bool
	Where   string // predicate, "" for none
	Method  string
}

// DBForeignKey is one foreign key constraint.
type DBForeignKey struct {
	Name       string
	Columns    []string
	RefTable   string
	RefColumns []string
	OnDelete   string
	OnUpdate   string
}

// DBPolicy is one row level security policy.
type DBPolicy struct {
	Name       string
	Command    string // ALL, SELECT, INSERT, UPDATE, DELETE
	Permissive bool
	Using      string
	WithCheck  string
}

// Introspect reads tables, columns, indexes, constraints, triggers, row
// level security, policies, enums, functions and procedures (with their
// security and settings) of the connection's current schema from
// pg_catalog. It only reads.
func Introspect(ctx context.Context, q Querier) (*DBSchema, error) {
	db := &DBSchema{Tables: map[string]*DBTable{}, Enums: map[string][]string{}, Functions: map[string]string{}}
	var ns *string
	if err := q.QueryRow(ctx, "SELECT current_database(), current_schema()").Scan(&db.Database, &ns); err != nil {
		return nil, fmt.Errorf("introspect: current schema: %w", err)
	}
	if ns == nil {
		return nil, fmt.Errorf("introspect: no current schema: the search_path names no existing schema")
	}
	db.Namespace = *ns

	byOID := map[uint32]*DBTable{}
	err := each(ctx, q, `
SELECT c.oid, c.relname, c.relrowsecurity, c.relforcerowsecurity
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')
ORDER BY c.relname`, func(r pgx.Rows) error {
		var oid uint32
		t := &DBTable{Indexes: map[string]DBIndex{}, ForeignKeys: map[string]DBForeignKey{},
			Checks: map[string]string{}, Triggers: map[string]string{}, Policies: map[string]DBPolicy{}}
		if err := r.Scan(&oid, &t.Name, &t.RLSEnabled, &t.RLSForced); err != nil {
			return err
		}
		byOID[oid] = t
		db.Tables[t.Name] = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("introspect: tables: %w", err)
	}
	oids := make([]uint32, 0, len(byOID))
	for oid := range byOID {
		oids = append(oids, oid)
	}

	err = each(ctx, q, `
SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
       COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text
FROM pg_catalog.pg_attribute a
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum`, func(r pgx.Rows) error {
		var oid uint32
		var c DBColumn
		var ident string
		if err := r.Scan(&oid, &c.Name, &c.Type, &c.NotNull, &c.Default, &ident); err != nil {
			return err
		}
		switch ident {
		case "a":
			c.Identity = "ALWAYS"
		case "d":
			c.Identity = "BY DEFAULT"
		}
		t := byOID[oid]
		t.Columns = append(t.Columns, c)
		return nil
	}, oids)
	if err != nil {
		return nil, fmt.Errorf("introspect: columns: %w", err)
	}

	err = each(ctx, q, `
SELECT i.indrelid, ic.relname, i.indisunique, i.indisprimary,
       COALESCE(pg_catalog.pg_get_expr(i.indpred, i.indrelid), ''),
       ARRAY(SELECT pg_catalog.pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) AS k ORDER BY k),
       am.amname
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE i.indrelid = ANY($1)`, func(r pgx.Rows) error {
		var oid uint32
		var ix DBIndex
		if err := r.Scan(&oid, &ix.Name, &ix.Unique, &ix.Primary, &ix.Where, &ix.Columns, &ix.Method); err != nil {
			return err
		}
		byOID[oid].Indexes[ix.Name] = ix
		return nil
	}, oids)
	if err != nil {
		return nil, fmt.Errorf("introspect: indexes: %w", err)
	}

	err = each(ctx, q, `
SELECT c.conrelid, c.conname, c.contype::text, pg_catalog.pg_get_constraintdef(c.oid),
       COALESCE(rc.relname, ''),
       ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o),
       ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(n, o)
             JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o),
       c.confdeltype::text, c.confupdtype::text
FROM pg_catalog.pg_constraint c
LEFT JOIN pg_catalog.pg_class rc ON rc.oid = c.confrelid
WHERE c.conrelid = ANY($1) AND c.contype IN ('c', 'f')`, func(r pgx.Rows) error {
		var oid uint32
		var name, typ, def, refTable, del, upd string
		var cols, refCols []string
		if err := r.Scan(&oid, &name, &typ, &def, &refTable, &cols, &refCols, &del, &upd); err != nil {
			return err
		}
		t := byOID[oid]
		if typ == "c" {
			def = strings.TrimSuffix(strings.TrimPrefix(def, "CHECK "), " NOT VALID")
			t.Checks[name] = def
			return nil
		}
		t.ForeignKeys[name] = DBForeignKey{Name: name, Columns: cols, RefTable: refTable, RefColumns: refCols,
			OnDelete: fkAction(del), OnUpdate: fkAction(upd)}
		return nil
	}, oids)
	if err != nil {
		return nil, fmt.Errorf("introspect: constraints: %w", err)
	}

	err = each(ctx, q, `
SELECT t.tgrelid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true)
FROM pg_catalog.pg_trigger t WHERE t.tgrelid = ANY($1) AND NOT t.tgisinternal`, func(r pgx.Rows) error {
		var oid uint32
		var name, def string
		if err := r.Scan(&oid, &name, &def); err != nil {
			return err
		}
		byOID[oid].Triggers[name] = strings.ReplaceAll(def, quoteIdentIfNeeded(db.Namespace)+".", "")
		return nil
	}, oids)
	if err != nil {
		return nil, fmt.Errorf("introspect: triggers: %w", err)
	}

	err = each(ctx, q, `
SELECT p.polrelid, p.polname, p.polcmd::text, p.polpermissive,
       COALESCE(pg_catalog.pg_get_expr(p.polqual, p.polrelid), ''),
       COALESCE(pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), '')
FROM pg_catalog.pg_policy p WHERE p.polrelid = ANY($1)`, func(r pgx.Rows) error {
		var oid uint32
		var p DBPolicy
		var cmd string
		if err := r.Scan(&oid, &p.Name, &cmd, &p.Permissive, &p.Using, &p.WithCheck); err != nil {
			return err
		}
		p.Command = map[string]string{"*": "ALL", "r": "SELECT", "a": "INSERT", "w": "UPDATE", "d": "DELETE"}[cmd]
		byOID[oid].Policies[p.Name] = p
		return nil
	}, oids)
	if err != nil {
		return nil, fmt.Errorf("introspect: policies: %w", err)
	}

	err = each(ctx, q, `
SELECT t.typname, ARRAY(SELECT e.enumlabel FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder)
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
WHERE n.nspname = current_schema() AND t.typtype = 'e'`, func(r pgx.Rows) error {
		var name string
		var vals []string
		if err := r.Scan(&name, &vals); err != nil {
			return err
		}
		db.Enums[name] = vals
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("introspect: enums: %w", err)
	}

	err = each(ctx, q, `
SELECT p.proname, p.proname || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ')',
       p.pronargs, p.prokind::text, p.prosecdef, COALESCE(p.proconfig, '{}'), p.prosrc
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p')
ORDER BY 2`, func(r pgx.Rows) error {
		var f DBFunction
		var kind, src string
		if err := r.Scan(&f.Name, &f.Signature, &f.Args, &kind, &f.SecurityDefiner, &f.Config, &src); err != nil {
			return err
		}
		f.Procedure = kind == "p"
		db.Routines = append(db.Routines, f)
		if !f.Procedure && f.Args == 0 {
			db.Functions[f.Name] = src
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("introspect: functions: %w", err)
	}
	return db, nil
}

func each(ctx context.Context, q Querier, sql string, fn func(pgx.Rows) error, args ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func fkAction(code string) string {
	switch code {
	case "r":
		return "RESTRICT"
	case "c":
		return "CASCADE"
	case "n":
		return "SET NULL"
	case "d":
		return "SET DEFAULT"
	default:
		return "NO ACTION"
	}
}

func quoteIdentIfNeeded(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return pgx.Identifier{s}.Sanitize()
		}
	}
	return s
}
