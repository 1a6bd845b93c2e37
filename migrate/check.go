package migrate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/schema"
)

// Drift kinds: what kind of object differs.
const (
	KindTable      = "table"
	KindColumn     = "column"
	KindIndex      = "index"
	KindForeignKey = "foreign_key"
	KindCheck      = "check"
	KindTrigger    = "trigger"
	KindRLS        = "rls"
	KindPolicy     = "policy"
	KindEnum       = "enum"
	KindFunction   = "function"
	KindProcedure  = "procedure"
	KindMigration  = "migration"
)

// Drift problems.
const (
	Missing    = "missing"    // declared, not in the database
	Unexpected = "unexpected" // in the database, not declared
	Changed    = "changed"    // in both, different
	// Insecure: in the database, whether declared or not, and a hazard: a
	// SECURITY DEFINER function without a pinned search_path.
	Insecure = "insecure"
)

// Drift is one difference between the declaration and the database.
type Drift struct {
	Table   string `json:"table,omitempty"` // "" for enums, functions and migrations
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Problem string `json:"problem"`
	// Field is the attribute that differs for Changed: type, nullable,
	// default, identity, columns, unique, primary, predicate, target,
	// on_delete, on_update, expression, definition, enabled, forced,
	// command, permissive, using, with_check, values, body, security,
	// search_path, version; for Insecure, search_path (Want is the pinned
	// path to set, Got the function's, "" for none).
	Field string `json:"field,omitempty"`
	Want  string `json:"want,omitempty"`
	Got   string `json:"got,omitempty"`
}

// String renders the drift on one line, without the table.
func (d Drift) String() string {
	if d.Kind == KindMigration {
		if d.Problem == Missing {
			return fmt.Sprintf("migration %s: pending: the database is at version %s of %s; run `iam migrate up`", d.Name, d.Got, d.Want)
		}
		return fmt.Sprintf("migration %s: the database is at version %s, newer than this binary knows (%s); upgrade iam", d.Name, d.Got, d.Want)
	}
	if d.Problem == Insecure {
		return fmt.Sprintf("%s %s: security definer without a pinned search_path (got %s): a caller's temporary "+
			"objects can shadow the tables and types it uses and run code with its owner's rights; "+
			"make it SECURITY INVOKER or pin it: ALTER %s %s SET search_path = %s",
			d.Kind, d.Name, orNone(d.Got), strings.ToUpper(d.Kind), d.Name, d.Want)
	}
	s := d.Kind + " " + d.Name + ": " + d.Problem
	if d.Field != "" {
		s += " " + d.Field
	}
	if d.Want != "" || d.Got != "" {
		s += fmt.Sprintf(": want %s, got %s", orNone(d.Want), orNone(d.Got))
	}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// MigrationState is what the version table says.
type MigrationState struct {
	Table   string `json:"table"`
	Applied int    `json:"applied"` // highest applied version, 0 for none
	Known   int    `json:"known"`   // highest version this binary has
}

// Report is the result of Check.
type Report struct {
	Schema    string          `json:"schema"`    // declared schema name
	Database  string          `json:"database"`  // current_database()
	Namespace string          `json:"namespace"` // current_schema()
	Tables    int             `json:"tables"`    // declared tables
	Found     int             `json:"found"`     // declared tables present in the database
	Migration *MigrationState `json:"migration,omitempty"`
	Summary   string          `json:"summary"`
	Drifts    []Drift         `json:"drifts"`
}

// OK reports whether the database matches the declaration.
func (r *Report) OK() bool { return len(r.Drifts) == 0 }

// Find returns the drifts of kind on table (any table when "") named name
// (any when "").
func (r *Report) Find(table, kind, name string) []Drift {
	var out []Drift
	for _, d := range r.Drifts {
		if (table == "" || d.Table == table) && (kind == "" || d.Kind == kind) && (name == "" || d.Name == name) {
			out = append(out, d)
		}
	}
	return out
}

// WriteText writes the report for people: the summary, then the drifts
// grouped by table (enums, functions and migrations first).
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	b.WriteString(r.Summary)
	b.WriteString("\n")
	var groups []string
	byGroup := map[string][]Drift{}
	for _, d := range r.Drifts {
		g := d.Table
		if g == "" {
			g = "(schema)"
		}
		if _, ok := byGroup[g]; !ok {
			groups = append(groups, g)
		}
		byGroup[g] = append(byGroup[g], d)
	}
	for _, g := range groups {
		fmt.Fprintf(&b, "\n%s:\n", g)
		for _, d := range byGroup[g] {
			fmt.Fprintf(&b, "  %s\n", d)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// CheckOption configures Check.
type CheckOption func(*checkOptions)

type checkOptions struct {
	migrator *Migrator
}

// WithMigrations makes Check also compare the database's migration version
// table with the versions m knows: a database migrated by a newer binary,
// or with pending migrations, is reported.
func WithMigrations(m *Migrator) CheckOption { return func(o *checkOptions) { o.migrator = m } }

// Check compares the live database behind q (its current schema) with the
// declared schema s: tables, columns (type, nullability, default, identity),
// indexes (columns, uniqueness, predicate), foreign keys (target, actions),
// checks, triggers, row level security and policies, enums (values in order)
// and trigger functions (body; SECURITY INVOKER; search_path pinned to the
// schema, then pg_temp). Tables of the database that s does not declare are
// ignored (they may belong to the application or to s's base); columns,
// indexes and constraints on declared tables that s does not declare are
// drift. Any SECURITY DEFINER function or procedure of the schema, declared
// or not, whose search_path is not pinned with pg_temp last is reported as
// Insecure: whoever can call it could otherwise run code with its owner's
// rights.
//
// Check only reads pg_catalog; when q can begin a transaction it reads in a
// READ ONLY transaction. An error is returned only when the catalog cannot be
// read; an empty database or another application's is a report full of
// missing tables, with a summary that says so.
func Check(ctx context.Context, q Querier, s *schema.Schema, opts ...CheckOption) (*Report, error) {
	var o checkOptions
	for _, opt := range opts {
		opt(&o)
	}
	if b, ok := q.(interface {
		BeginTx(context.Context, pgx.TxOptions) (pgx.Tx, error)
	}); ok {
		tx, err := b.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
		if err != nil {
			return nil, fmt.Errorf("check: begin read-only transaction: %w", err)
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		q = tx
	}
	db, err := Introspect(ctx, q)
	if err != nil {
		return nil, err
	}
	r := Compare(s, db)
	if o.migrator != nil {
		st, err := readVersion(ctx, q, o.migrator)
		if err != nil {
			return nil, err
		}
		r.Migration = st
		switch {
		case st.Applied > st.Known:
			r.Drifts = append([]Drift{{Kind: KindMigration, Name: st.Table, Problem: Changed, Field: "version",
				Want: fmt.Sprint(st.Known), Got: fmt.Sprint(st.Applied)}}, r.Drifts...)
		case st.Applied < st.Known:
			r.Drifts = append([]Drift{{Kind: KindMigration, Name: st.Table, Problem: Missing, Field: "version",
				Want: fmt.Sprint(st.Known), Got: fmt.Sprint(st.Applied)}}, r.Drifts...)
		}
		r.Summary = summarize(r)
	}
	return r, nil
}

func readVersion(ctx context.Context, q Querier, m *Migrator) (*MigrationState, error) {
	st := &MigrationState{Table: m.Table(), Known: m.Latest()}
	var exists bool
	if err := q.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", m.Table()).Scan(&exists); err != nil {
		return nil, fmt.Errorf("check: look up version table %s: %w", m.Table(), err)
	}
	if !exists {
		return st, nil
	}
	ident := pgx.Identifier(strings.Split(m.Table(), ".")).Sanitize()
	var v *int
	err := q.QueryRow(ctx, "SELECT max(version) FROM "+ident).Scan(&v)
	if err != nil {
		var pgErr interface{ SQLState() string }
		if errors.As(err, &pgErr) && pgErr.SQLState() == "42703" {
			// A table of that name without our columns: another tool's.
			return nil, fmt.Errorf("check: %s is not an iam version table: %w", m.Table(), err)
		}
		return nil, fmt.Errorf("check: read version table %s: %w", m.Table(), err)
	}
	if v != nil {
		st.Applied = *v
	}
	return st, nil
}

// Compare compares a declared schema with an introspected one. It is the
// pure part of Check.
func Compare(s *schema.Schema, db *DBSchema) *Report {
	r := &Report{Schema: s.Name, Database: db.Database, Namespace: db.Namespace, Tables: len(s.Tables)}
	add := func(d Drift) { r.Drifts = append(r.Drifts, d) }

	for _, e := range s.Enums {
		got, ok := db.Enums[e.Name]
		switch {
		case !ok:
			add(Drift{Kind: KindEnum, Name: e.Name, Problem: Missing})
		case !slices.Equal(got, e.Values):
			add(Drift{Kind: KindEnum, Name: e.Name, Problem: Changed, Field: "values",
				Want: strings.Join(e.Values, ", "), Got: strings.Join(got, ", ")})
		}
	}
	declared := map[string]bool{}
	wantPath := quoteIdentIfNeeded(db.Namespace) + ", pg_temp"
	for _, f := range s.Functions {
		declared[f.Name] = true
		got, ok := db.Functions[f.Name]
		if !ok {
			add(Drift{Kind: KindFunction, Name: f.Name, Problem: Missing})
			continue
		}
		if strings.TrimSpace(got) != strings.TrimSpace(f.Body) {
			add(Drift{Kind: KindFunction, Name: f.Name, Problem: Changed, Field: "body"})
		}
		fn := db.Routine(f.Name, 0)
		if fn == nil {
			continue // a database introspected by another means
		}
		if fn.SecurityDefiner {
			add(Drift{Kind: KindFunction, Name: f.Name, Problem: Changed, Field: "security", Want: "invoker", Got: "definer"})
		}
		if path, set := fn.SearchPath(); !set || !slices.Equal(searchPathElements(path), []string{db.Namespace, "pg_temp"}) {
			add(Drift{Kind: KindFunction, Name: f.Name, Problem: Changed, Field: "search_path", Want: wantPath, Got: path})
		}
	}
	// Definer rights with a search_path a caller can change (or extend with
	// pg_temp, searched first when not listed): the escalation of issue 10.
	for _, fn := range db.Routines {
		if !fn.SecurityDefiner || fn.PinnedSearchPath() || declared[fn.Name] && fn.Args == 0 && !fn.Procedure {
			continue
		}
		kind := KindFunction
		if fn.Procedure {
			kind = KindProcedure
		}
		got, _ := fn.SearchPath()
		add(Drift{Kind: kind, Name: fn.Signature, Problem: Insecure, Field: "search_path", Want: wantPath, Got: got})
	}
	for _, t := range s.Tables {
		dt, ok := db.Tables[t.Name]
		if !ok {
			add(Drift{Table: t.Name, Kind: KindTable, Name: t.Name, Problem: Missing})
			continue
		}
		r.Found++
		compareTable(t, dt, add)
	}
	r.Summary = summarize(r)
	return r
}

func compareTable(t *schema.Table, dt *DBTable, add func(Drift)) {
	d := func(kind, name, problem, field, want, got string) {
		add(Drift{Table: t.Name, Kind: kind, Name: name, Problem: problem, Field: field, Want: want, Got: got})
	}
	// Columns, in declaration order, then unexpected ones in table order.
	for _, c := range t.Columns {
		g := dt.Column(c.Name)
		if g == nil {
			d(KindColumn, c.Name, Missing, "", columnSummary(c.Type.Catalog(), c.NotNull, c.Default), "")
			continue
		}
		if g.Type != c.Type.Catalog() {
			d(KindColumn, c.Name, Changed, "type", c.Type.Catalog(), g.Type)
		}
		if g.NotNull != c.NotNull {
			d(KindColumn, c.Name, Changed, "nullable", nullability(c.NotNull), nullability(g.NotNull))
		}
		if schema.Unwrap(g.Default) != schema.Unwrap(c.Default) {
			d(KindColumn, c.Name, Changed, "default", c.Default, g.Default)
		}
		if g.Identity != c.Identity {
			d(KindColumn, c.Name, Changed, "identity", c.Identity, g.Identity)
		}
	}
	for _, g := range dt.Columns {
		if t.Column(g.Name) == nil {
			d(KindColumn, g.Name, Unexpected, "", "", columnSummary(g.Type, g.NotNull, g.Default))
		}
	}

	// Indexes (including those behind PRIMARY KEY and UNIQUE constraints).
	declared := map[string]bool{}
	for _, ix := range t.AllIndexes() {
		declared[ix.Name] = true
		g, ok := dt.Indexes[ix.Name]
		if !ok {
			d(KindIndex, ix.Name, Missing, "", indexSummary(ix.Columns, ix.IsUnique, ix.Where), "")
			continue
		}
		if !slices.Equal(g.Columns, ix.Columns) {
			d(KindIndex, ix.Name, Changed, "columns", strings.Join(ix.Columns, ", "), strings.Join(g.Columns, ", "))
		}
		if g.Unique != ix.IsUnique {
			d(KindIndex, ix.Name, Changed, "unique", fmt.Sprint(ix.IsUnique), fmt.Sprint(g.Unique))
		}
		if g.Primary != ix.Primary {
			d(KindIndex, ix.Name, Changed, "primary", fmt.Sprint(ix.Primary), fmt.Sprint(g.Primary))
		}
		if schema.Unwrap(g.Where) != schema.Unwrap(ix.Where) {
			d(KindIndex, ix.Name, Changed, "predicate", ix.Where, g.Where)
		}
		if g.Method != "btree" {
			d(KindIndex, ix.Name, Changed, "method", "btree", g.Method)
		}
	}
	for _, name := range sortedKeys(dt.Indexes) {
		if !declared[name] {
			g := dt.Indexes[name]
			d(KindIndex, name, Unexpected, "", "", indexSummary(g.Columns, g.Unique, g.Where))
		}
	}

	// Foreign keys.
	fks := map[string]bool{}
	for _, c := range t.ForeignKeys() {
		name := c.ConstraintName()
		fks[name] = true
		want := fkSummary([]string{c.Name}, c.Ref.Table, []string{c.Ref.Column}, string(c.Ref.OnDelete), string(c.Ref.OnUpdate))
		g, ok := dt.ForeignKeys[name]
		if !ok {
			d(KindForeignKey, name, Missing, "", want, "")
			continue
		}
		if !slices.Equal(g.Columns, []string{c.Name}) {
			d(KindForeignKey, name, Changed, "columns", c.Name, strings.Join(g.Columns, ", "))
		}
		if g.RefTable != c.Ref.Table || !slices.Equal(g.RefColumns, []string{c.Ref.Column}) {
			d(KindForeignKey, name, Changed, "target", c.Ref.Table+"("+c.Ref.Column+")", g.RefTable+"("+strings.Join(g.RefColumns, ", ")+")")
		}
		if g.OnDelete != string(c.Ref.OnDelete) {
			d(KindForeignKey, name, Changed, "on_delete", string(c.Ref.OnDelete), g.OnDelete)
		}
		if g.OnUpdate != string(c.Ref.OnUpdate) {
			d(KindForeignKey, name, Changed, "on_update", string(c.Ref.OnUpdate), g.OnUpdate)
		}
	}
	for _, name := range sortedKeys(dt.ForeignKeys) {
		if !fks[name] {
			g := dt.ForeignKeys[name]
			d(KindForeignKey, name, Unexpected, "", "", fkSummary(g.Columns, g.RefTable, g.RefColumns, g.OnDelete, g.OnUpdate))
		}
	}

	// Checks.
	checks := map[string]bool{}
	for _, c := range t.Checks {
		checks[c.Name] = true
		g, ok := dt.Checks[c.Name]
		if !ok {
			d(KindCheck, c.Name, Missing, "", c.Expr, "")
			continue
		}
		if schema.Unwrap(g) != schema.Unwrap(c.Expr) {
			d(KindCheck, c.Name, Changed, "expression", schema.Unwrap(c.Expr), schema.Unwrap(g))
		}
	}
	for _, name := range sortedKeys(dt.Checks) {
		if !checks[name] {
			d(KindCheck, name, Unexpected, "", "", schema.Unwrap(dt.Checks[name]))
		}
	}

	// Triggers.
	trs := map[string]bool{}
	for _, tr := range t.Triggers {
		trs[tr.Name] = true
		want := tr.Definition(t.Name)
		g, ok := dt.Triggers[tr.Name]
		if !ok {
			d(KindTrigger, tr.Name, Missing, "", want, "")
			continue
		}
		if g != want {
			d(KindTrigger, tr.Name, Changed, "definition", want, g)
		}
	}
	for _, name := range sortedKeys(dt.Triggers) {
		if !trs[name] {
			d(KindTrigger, name, Unexpected, "", "", dt.Triggers[name])
		}
	}

	// Row level security and policies.
	if dt.RLSEnabled != t.RLS() {
		d(KindRLS, t.Name, Changed, "enabled", fmt.Sprint(t.RLS()), fmt.Sprint(dt.RLSEnabled))
	}
	if dt.RLSForced != t.RLS() {
		d(KindRLS, t.Name, Changed, "forced", fmt.Sprint(t.RLS()), fmt.Sprint(dt.RLSForced))
	}
	pols := map[string]bool{}
	for _, p := range t.Policies {
		pols[p.Name] = true
		g, ok := dt.Policies[p.Name]
		if !ok {
			d(KindPolicy, p.Name, Missing, "", schema.Unwrap(p.Using), "")
			continue
		}
		if g.Command != p.Command {
			d(KindPolicy, p.Name, Changed, "command", p.Command, g.Command)
		}
		if !g.Permissive {
			d(KindPolicy, p.Name, Changed, "permissive", "true", "false")
		}
		if schema.Unwrap(g.Using) != schema.Unwrap(p.Using) {
			d(KindPolicy, p.Name, Changed, "using", schema.Unwrap(p.Using), schema.Unwrap(g.Using))
		}
		if schema.Unwrap(g.WithCheck) != schema.Unwrap(p.WithCheck) {
			d(KindPolicy, p.Name, Changed, "with_check", schema.Unwrap(p.WithCheck), schema.Unwrap(g.WithCheck))
		}
	}
	for _, name := range sortedKeys(dt.Policies) {
		if !pols[name] {
			d(KindPolicy, name, Unexpected, "", "", schema.Unwrap(dt.Policies[name].Using))
		}
	}
}

func summarize(r *Report) string {
	head := fmt.Sprintf("schema %q vs database %q (schema %s)", r.Schema, r.Database, r.Namespace)
	if r.Migration != nil && r.Migration.Applied > r.Migration.Known {
		return fmt.Sprintf("%s: the database is at migration %d but this binary knows only up to %d; "+
			"upgrade iam before checking (%d differences below)", head, r.Migration.Applied, r.Migration.Known, len(r.Drifts)-1)
	}
	switch {
	case len(r.Drifts) == 0:
		return head + ": no drift"
	case r.Found == 0 && r.Tables > 0:
		return fmt.Sprintf("%s: none of the %d declared tables exist: an empty database, another application's, "+
			"or the wrong schema on the search_path; run `iam migrate up` to create them", head, r.Tables)
	default:
		return fmt.Sprintf("%s: %d difference(s)", head, len(r.Drifts))
	}
}

func columnSummary(typ string, notNull bool, def string) string {
	s := typ + " " + nullability(notNull)
	if def != "" {
		s += " DEFAULT " + def
	}
	return s
}

func nullability(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "NULL"
}

func indexSummary(cols []string, unique bool, where string) string {
	s := "(" + strings.Join(cols, ", ") + ")"
	if unique {
		s = "UNIQUE " + s
	}
	if where != "" {
		s += " WHERE " + schema.Unwrap(where)
	}
	return s
}

func fkSummary(cols []string, refTable string, refCols []string, del, upd string) string {
	return fmt.Sprintf("(%s) -> %s(%s) ON DELETE %s ON UPDATE %s", strings.Join(cols, ", "), refTable, strings.Join(refCols, ", "), del, upd)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
