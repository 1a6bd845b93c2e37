package schema

import (
	"fmt"
	"strings"

	"github.com/beep/iam/domain"
)

// Tenancy says whether and how a table belongs to an organization.
type Tenancy int

// Tenancy values.
const (
	// Global tables belong to no organization (NewTable).
	Global Tenancy = iota
	// TenantRequired tables have organization_id NOT NULL (NewOrgTable).
	TenantRequired
	// TenantOptional tables have a nullable organization_id: a row belongs
	// either to an organization or to a user (NewOrgTable(...).OptionalTenant()).
	TenantOptional
)

// String returns "global", "organization" or "optional organization".
func (t Tenancy) String() string {
	switch t {
	case TenantRequired:
		return "organization"
	case TenantOptional:
		return "optional organization"
	default:
		return "global"
	}
}

// Names of the columns the factories add, in table order.
const (
	ColID             = "id"
	ColRowID          = "_row_id"
	ColOrganizationID = "organization_id"
	ColCreatedAt      = "created_at"
	ColUpdatedAt      = "updated_at"
	ColDeletedAt      = "deleted_at"
	ColCreatedBy      = "created_by"
	ColUpdatedBy      = "updated_by"
	ColDeletedBy      = "deleted_by"
	ColVersion        = "version"
	ColSource         = "source"
)

// TenantSetting is the per-transaction setting that carries the current
// organization id for row level security: SET LOCAL app.current_org_id = '...'.
const TenantSetting = "app.current_org_id"

// TouchFunction is the trigger function that keeps updated_at and version on
// every UPDATE; TouchTrigger is the name of the trigger on each table.
const (
	TouchFunction = "iam_touch_row"
	TouchTrigger  = "iam_touch_row"
)

// TenantGuardFunction keeps every organization-scoped row in its
// organization: an UPDATE that changes organization_id is refused (except the
// cascade of an organization's own id change). TenantGuardTrigger is its
// trigger on each such table; the name sorts after the tables' derive
// triggers, so it sees their result.
const (
	TenantGuardFunction = "iam_tenant_guard"
	TenantGuardTrigger  = "iam_tenant_guard"
)

// SameTenantFunction is the trigger function behind SameTenant.
const SameTenantFunction = "iam_same_tenant"

// APIKeyHashSetting is the per-transaction setting through which API key
// verification names the one key it may read and change without a tenant:
// the policies apikey_verify_* admit the row whose hash equals it.
const APIKeyHashSetting = "app.apikey_hash"

// OAuthTokenHashSetting is the per-transaction setting through which OAuth
// access token verification (iam_verify_oauth_token, migration 0006) names
// the one access token it may read without a tenant: the policy
// oauth_access_token_verify admits the row whose stored hash equals it.
const OAuthTokenHashSetting = "app.oauth_token_hash"

// TenantPolicy is the name of the row level security policy of every
// organization-scoped table.
const TenantPolicy = "tenant_isolation"

// Part is something a table declaration is made of: a *Column, *Index,
// *Check, *Relation or *Trigger.
type Part interface{ addTo(*Table) }

// Table is a declared table.
type Table struct {
	Name    string
	Tenancy Tenancy
	// BetterAuthModel is the Better Auth model stored in this table ("user",
	// "twoFactor", ...), "" when Better Auth does not use it.
	BetterAuthModel string
	Doc             string
	Columns         []*Column
	Indexes         []*Index
	Checks          []*Check
	Relations       []*Relation
	Triggers        []*Trigger
	// Policies are the row level security policies; RLS is enabled and
	// forced when there is at least one.
	Policies []*Policy
	// extraPolicies are declared with ExtraPolicy and kept by setPolicy.
	extraPolicies []*Policy
	// Go is how the generated code names the entity.
	Go GoEntity
	// ForeignID, when not empty, says why the table's ids are not typed ids
	// (ForeignIDs): Better Auth writes them.
	ForeignID string

	schema *Schema
}

func newTable(name string, tenancy Tenancy, parts []Part) *Table {
	t := &Table{Name: name, Tenancy: tenancy}
	idRule := fmt.Sprintf("^%s%s[0-9a-f-]{36}$", name, domain.IDSeparator)
	Text(ColID).Required().UniqueKey().
		DefaultSQL(fmt.Sprintf("(%s::text || gen_random_uuid())", quoteLiteral(name+domain.IDSeparator))).
		BA("id").globalCol().
		Describe("public id, <table>__<uuid>; Go writes UUIDv7, the default (v4) serves psql and Better Auth without generateId").
		addTo(t)
	BigInt(ColRowID).Required().identity("ALWAYS").globalCol().Describe("private row id, primary key").addTo(t)
	if tenancy != Global {
		Text(ColOrganizationID).Required().
			References(domain.TableOrganization, ColID, Cascade, Cascade).globalCol().
			Describe("owning organization").Param().addTo(t)
	}
	Timestamptz(ColCreatedAt).Required().DefaultNow().globalCol().addTo(t)
	Timestamptz(ColUpdatedAt).Required().DefaultNow().globalCol().DerivedBy("set to now() by the iam_touch_row trigger on UPDATE").addTo(t)
	Timestamptz(ColDeletedAt).globalCol().Describe("soft delete marker").addTo(t)
	Text(ColCreatedBy).globalCol().Describe("acting user id or process name").addTo(t)
	Text(ColUpdatedBy).globalCol().addTo(t)
	Text(ColDeletedBy).globalCol().addTo(t)
	Int(ColVersion).Required().DefaultInt(1).globalCol().DerivedBy("incremented by the iam_touch_row trigger on UPDATE").Describe("optimistic locking version").addTo(t)
	Text(ColSource).globalCol().Describe("free text: api, import, migration, better-auth, ...").addTo(t)

	Chk(name+"_id_check", fmt.Sprintf("id ~ %s::text", quoteLiteral(idRule))).addTo(t)
	Chk(name+"_version_check", "version >= 1").addTo(t)
	(&Trigger{Name: TouchTrigger, Timing: "BEFORE", Events: []string{"UPDATE"}, Function: TouchFunction}).addTo(t)
	if tenancy != Global {
		Idx(shortName(name)+"_organization_id_idx", ColOrganizationID).addTo(t)
		(&Trigger{Name: TenantGuardTrigger, Timing: "BEFORE", Events: []string{"UPDATE"}, Function: TenantGuardFunction,
			When: Changed(ColOrganizationID)}).addTo(t)
	}
	for _, p := range parts {
		p.addTo(t)
	}
	t.setPolicy()
	return t
}

// NewTable declares a global table (not organization-scoped) with the global
// columns id, _row_id, created_at, updated_at, deleted_at, created_by,
// updated_by, deleted_by, version and source, the id and version checks and
// the updated_at/version trigger, followed by parts.
func NewTable(name string, parts ...Part) *Table { return newTable(name, Global, parts) }

// NewOrgTable declares an organization-scoped table: NewTable's columns plus
// organization_id NOT NULL (foreign key to shared_organization, ON DELETE
// CASCADE ON UPDATE CASCADE), an index on it, and row level security enabled
// and forced with the policy organization_id = current_setting('app.current_org_id', true).
func NewOrgTable(name string, parts ...Part) *Table { return newTable(name, TenantRequired, parts) }

// OptionalTenant makes organization_id nullable: a row belongs to an
// organization or, with NULL, to a user. The policy lets NULL rows through;
// the store reaches them only by their user id.
func (t *Table) OptionalTenant() *Table {
	if t.Tenancy == Global {
		panic(fmt.Sprintf("schema: table %s: OptionalTenant on a global table (use NewOrgTable)", t.Name))
	}
	t.Tenancy = TenantOptional
	t.Column(ColOrganizationID).NotNull = false
	t.setPolicy()
	return t
}

// Model sets the Better Auth model name of the table.
func (t *Table) Model(name string) *Table { t.BetterAuthModel = name; return t }

// Describe sets the table's documentation.
func (t *Table) Describe(doc string) *Table { t.Doc = doc; return t }

// Add appends more parts after construction.
func (t *Table) Add(parts ...Part) *Table {
	for _, p := range parts {
		p.addTo(t)
	}
	return t
}

func (t *Table) setPolicy() {
	t.Policies = nil
	if t.Tenancy == Global {
		t.Policies = append(t.Policies, t.extraPolicies...)
		return
	}
	expr := fmt.Sprintf("(organization_id = current_setting('%s'::text, true))", TenantSetting)
	if t.Tenancy == TenantOptional {
		// A row of no organization (a user's) is visible only where no
		// tenant is set (the store's global handle); a tenant sees its own
		// rows and nothing else.
		expr = fmt.Sprintf("((organization_id = current_setting('%[1]s'::text, true)) OR ((organization_id IS NULL) AND %[2]s))", TenantSetting, NoTenantExpr)
	}
	t.Policies = append([]*Policy{{Name: TenantPolicy, Command: "ALL", Using: expr, WithCheck: expr}}, t.extraPolicies...)
}

// NoTenantExpr is true where no tenant is set (app.current_org_id unset or
// empty): the store's global handle, never a handle bound to an
// organization.
var NoTenantExpr = fmt.Sprintf("(COALESCE(current_setting('%s'::text, true), ''::text) = ''::text)", TenantSetting)

// ExtraPolicy adds a permissive row level security policy beside the tenant
// policy of an organization-scoped table (permissive policies are ORed:
// each one admits more rows, so every one needs a security review). On a
// global table it turns row level security on: then the table's extra
// policies are all there is, one per command that must work.
func ExtraPolicy(name, command, using, withCheck string) Part {
	return &Policy{Name: name, Command: command, Using: using, WithCheck: withCheck}
}

func (p *Policy) addTo(t *Table) {
	t.extraPolicies = append(t.extraPolicies, p)
	if t.Tenancy == Global {
		t.setPolicy()
	}
}

// RLS reports whether row level security is enabled (and forced) on the table.
func (t *Table) RLS() bool { return len(t.Policies) > 0 }

// Schema returns the schema the table belongs to (nil before it is added to one).
func (t *Table) Schema() *Schema { return t.schema }

// Column returns the column named name, or nil.
func (t *Table) Column(name string) *Column {
	for _, c := range t.Columns {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Relation returns the relation named name, or nil.
func (t *Table) Relation(name string) *Relation {
	for _, r := range t.Relations {
		if r.Name == name {
			return r
		}
	}
	return nil
}

// Index returns the index named name, or nil.
func (t *Table) Index(name string) *Index {
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

// ForeignKeys returns the columns that have a foreign key, in column order.
func (t *Table) ForeignKeys() []*Column {
	var out []*Column
	for _, c := range t.Columns {
		if c.Ref != nil {
			out = append(out, c)
		}
	}
	return out
}

// BetterAuthColumn returns the column of Better Auth field name, or nil.
func (t *Table) BetterAuthColumn(field string) *Column {
	for _, c := range t.Columns {
		if c.BetterAuth != nil && c.BetterAuth.Name == field {
			return c
		}
	}
	return nil
}

// AllIndexes returns every index PostgreSQL has for the table: the primary
// key, one per UNIQUE column constraint, then the declared indexes.
func (t *Table) AllIndexes() []*Index {
	out := []*Index{{Name: t.Name + "_pkey", Columns: []string{ColRowID}, IsUnique: true, Primary: true}}
	for _, c := range t.Columns {
		if c.Unique {
			out = append(out, &Index{Name: constraintName(t.Name, c.Name, "key"), Columns: []string{c.Name}, IsUnique: true, Constraint: true})
		}
	}
	return append(out, t.Indexes...)
}

func (c *Column) globalCol() *Column           { c.Global = true; return c }
func (c *Column) identity(kind string) *Column { c.Identity = kind; return c }

// Index is a declared index.
type Index struct {
	Name     string
	Columns  []string
	IsUnique bool
	// Where is the partial index predicate as PostgreSQL prints it, "" for none.
	Where string
	// Primary and Constraint mark the indexes behind PRIMARY KEY and UNIQUE
	// constraints (not rendered as CREATE INDEX).
	Primary    bool
	Constraint bool
}

// Idx declares a (non-unique) index on columns.
func Idx(name string, columns ...string) *Index { return &Index{Name: name, Columns: columns} }

// UniqueIdx declares a unique index on columns.
func UniqueIdx(name string, columns ...string) *Index {
	return &Index{Name: name, Columns: columns, IsUnique: true}
}

// Partial sets the index predicate (written as PostgreSQL prints it).
func (ix *Index) Partial(where string) *Index { ix.Where = where; return ix }

func (ix *Index) addTo(t *Table) { t.Indexes = append(t.Indexes, ix) }

// Check is a CHECK constraint.
type Check struct {
	Name string
	Expr string // as PostgreSQL prints it, without the outer CHECK ( )
}

// Chk declares a CHECK constraint.
func Chk(name, expr string) *Check { return &Check{Name: name, Expr: expr} }

func (c *Check) addTo(t *Table) { t.Checks = append(t.Checks, c) }

// RelationKind is one or many.
type RelationKind string

// Relation kinds.
const (
	RelOne  RelationKind = "one"
	RelMany RelationKind = "many"
)

// Relation is a named, navigable link between two tables, backed by a
// foreign key. A "one" relation follows a column of this table to the target;
// a "many" relation collects the rows of the target whose Column points here.
type Relation struct {
	Name   string
	Kind   RelationKind
	Target string // target table name
	Column string // one: local column; many: the target's column
	table  *Table
}

// One declares a to-one relation following column of this table to target.
func One(name, target, column string) *Relation {
	return &Relation{Name: name, Kind: RelOne, Target: target, Column: column}
}

// Many declares a to-many relation: the rows of target whose column refers to
// this table.
func Many(name, target, column string) *Relation {
	return &Relation{Name: name, Kind: RelMany, Target: target, Column: column}
}

func (r *Relation) addTo(t *Table) { t.Relations = append(t.Relations, r); r.table = t }

// From returns the table that declares the relation.
func (r *Relation) From() *Table { return r.table }

// TargetTable returns the related table.
func (r *Relation) TargetTable() *Table {
	if r.table == nil || r.table.schema == nil {
		return nil
	}
	return r.table.schema.Table(r.Target)
}

// ForeignKey returns the column that carries the relation's foreign key:
// the local column for one, the target's column for many.
func (r *Relation) ForeignKey() *Column {
	if r.Kind == RelOne {
		return r.table.Column(r.Column)
	}
	if tt := r.TargetTable(); tt != nil {
		return tt.Column(r.Column)
	}
	return nil
}

// Trigger is a row trigger on the table.
type Trigger struct {
	Name     string
	Timing   string   // "BEFORE" or "AFTER"
	Events   []string // "INSERT", "UPDATE", "DELETE", in that order
	Function string   // trigger function name
	// Args are string literals passed to the function (TG_ARGV).
	Args []string
	// When is the trigger's WHEN condition as pg_get_triggerdef prints it
	// (without its outer parentheses), "" for none. PostgreSQL evaluates it
	// without calling the function, so an UPDATE that leaves the watched
	// columns alone costs no PL/pgSQL call.
	When string
}

// NewTrigger declares a FOR EACH ROW trigger.
func NewTrigger(name, timing, function string, events ...string) *Trigger {
	return &Trigger{Name: name, Timing: timing, Events: events, Function: function}
}

func (tr *Trigger) addTo(t *Table) { t.Triggers = append(t.Triggers, tr) }

// Definition returns the trigger as pg_get_triggerdef prints it.
func (tr *Trigger) Definition(table string) string {
	args := make([]string, len(tr.Args))
	for i, a := range tr.Args {
		args[i] = quoteLiteral(a)
	}
	when := ""
	if tr.When != "" {
		when = " WHEN (" + tr.When + ")"
	}
	return fmt.Sprintf("CREATE TRIGGER %s %s %s ON %s FOR EACH ROW%s EXECUTE FUNCTION %s(%s)",
		tr.Name, tr.Timing, strings.Join(tr.Events, " OR "), table, when, tr.Function, strings.Join(args, ", "))
}

// OnlyWhen sets the trigger's WHEN condition (see Trigger.When).
func (tr *Trigger) OnlyWhen(cond string) *Trigger { tr.When = cond; return tr }

// Changed is a WHEN condition that holds when an UPDATE changes any of
// columns, in pg_get_triggerdef's spelling.
func Changed(columns ...string) string {
	parts := make([]string, len(columns))
	for i, c := range columns {
		parts[i] = fmt.Sprintf("new.%[1]s IS DISTINCT FROM old.%[1]s", c)
	}
	return strings.Join(parts, " OR ")
}

// WithArgs sets the string arguments the trigger passes to its function.
func (tr *Trigger) WithArgs(args ...string) *Trigger { tr.Args = args; return tr }

// SameTenant declares that column (a reference to parent.parentColumn, both
// organization-scoped) must point at a row of the same organization: trigger
// iam_same_tenant refuses anything else with the error a missing row gets,
// so a reference can neither cross tenants nor reveal another tenant's ids.
func SameTenant(column, parent, parentColumn string) *Trigger {
	return NewTrigger(SameTenantFunction+"_"+column, "BEFORE", SameTenantFunction, "INSERT", "UPDATE").
		WithArgs(column, parent, parentColumn)
}

// Policy is a row level security policy (permissive, for all roles).
type Policy struct {
	Name      string
	Command   string // ALL, SELECT, ...
	Using     string
	WithCheck string
}

// Function is a PL/pgSQL trigger function the schema creates.
type Function struct {
	Name string
	Doc  string
	Body string // the PL/pgSQL block between $$ ... $$
}

func constraintName(table, column, suffix string) string {
	return table + "_" + column + "_" + suffix
}

// shortName drops the slice prefix: iam_member -> member, shared_user -> user.
func shortName(table string) string {
	for _, p := range []string{"iam_", "shared_"} {
		if s, ok := strings.CutPrefix(table, p); ok {
			return s
		}
	}
	return table
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// fieldPart maps an existing (global) column to a Better Auth field.
type fieldPart struct{ column, field string }

// Field marks a column the factory added (created_at, updated_at,
// organization_id, ...) as the Better Auth field named field.
func Field(column, field string) Part { return fieldPart{column, field} }

func (f fieldPart) addTo(t *Table) {
	c := t.Column(f.column)
	if c == nil {
		panic(fmt.Sprintf("schema: table %s: Field(%q, %q): unknown column %s", t.Name, f.column, f.field, f.column))
	}
	c.BA(f.field)
}

type derivedPart struct{ column, how string }

// Derived documents that the database fills column (a column the factory
// added) when a writer leaves it out, and how.
func Derived(column, how string) Part { return derivedPart{column, how} }

func (d derivedPart) addTo(t *Table) {
	c := t.Column(d.column)
	if c == nil {
		panic(fmt.Sprintf("schema: table %s: Derived(%q): unknown column %s", t.Name, d.column, d.column))
	}
	c.DerivedBy(d.how)
}

// AlsoIDs widens the typed-id check of a table to admit, besides typed
// ids, the ids Better Auth writes itself in one flow (forceAllowId) that
// match rule, a regular expression; why says which flow. The column
// default still makes a typed id, and domain.ParseID accepts the other
// form only for an entity that says so (domain.ForeignIDAccepter).
func (t *Table) AlsoIDs(rule, why string) *Table {
	name := t.Name + "_id_check"
	for _, c := range t.Checks {
		if c.Name == name {
			c.Expr = fmt.Sprintf("(%s) OR (id ~ %s::text)", c.Expr, quoteLiteral(rule))
		}
	}
	t.Column(ColID).Describe("public id: a typed id, or written by Better Auth: " + why)
	return t
}

// ForeignIDs drops the typed-id check of a table whose ids Better Auth
// writes itself (forceAllowId) in a form of its own; why says what it
// writes. The column default still makes a typed id when a writer leaves
// the id out.
func (t *Table) ForeignIDs(why string) *Table {
	name := t.Name + "_id_check"
	checks := t.Checks[:0]
	for _, c := range t.Checks {
		if c.Name != name {
			checks = append(checks, c)
		}
	}
	t.Checks = checks
	t.ForeignID = why
	t.Column(ColID).Describe("public id, written by Better Auth: " + why)
	return t
}
