package schema

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// This file renders the TypeScript module a Better Auth app imports to run on
// the iam schema: a Drizzle schema keyed by Better Auth's model and field
// names (SQL names are ours) and withIam(options, db), which merges in the
// adapter and id generation. The renderer works on a small neutral model
// (drizzleModule) so that it can be tested without a database; drizzle_decl.go
// builds that model from the table declarations.

// BetterAuthModuleFile is the file name `iam betterauth emit` writes into its
// output directory.
const BetterAuthModuleFile = "iam.ts"

// BetterAuthRefreshCommand is the command that rewrites the committed module.
const BetterAuthRefreshCommand = "go run ./cmd/iam betterauth emit --out interop/betterauth"

// drizzleModule is everything the TypeScript module is rendered from.
type drizzleModule struct {
	Enums  []drizzleEnum
	Tables []drizzleTable
}

// drizzleEnum is a Postgres enum type.
type drizzleEnum struct {
	Name   string
	Values []string
}

// drizzleTable is one table as the renderer sees it.
type drizzleTable struct {
	Name    string // SQL table name
	Model   string // Better Auth model name, "" when Better Auth has none
	Columns []drizzleColumn
	Indexes []drizzleIndex
}

// drizzleIndex is an index of the table (not the primary key's, not partial).
type drizzleIndex struct {
	Name    string
	Columns []string // SQL column names
	Unique  bool
}

// drizzleColumn is one column as the renderer sees it.
type drizzleColumn struct {
	Name  string // SQL column name
	Field string // Better Auth field name, "" when Better Auth has none
	// Key, when not "", is the property name of a column Better Auth has no
	// field for whose camelCase name is a Better Auth field of the table
	// (iam_scim_identity_tombstone.deleted_at beside Better Auth's deletedAt,
	// identity_deleted_at): "iam" + the camelCase name.
	Key        string
	Writes     bool   // Better Auth writes the column (only meaningful with Field)
	BAType     string // Better Auth type: string, number, boolean, date, json, string[], number[]
	PGType     string // Postgres type as declared (text, bigint, timestamptz, jsonb, an enum name, ...)
	Enum       bool   // PGType names a Postgres enum
	NotNull    bool
	Default    string // SQL default expression, "" when none
	Identity   string // "", "always" or "by default"
	DBDerived  bool   // filled by the database (trigger) when an insert omits it
	PrimaryKey bool
	Unique     bool
	Ref        *drizzleRef
}

// drizzleRef is a single-column foreign key.
type drizzleRef struct {
	Table    string // SQL table name
	Column   string // SQL column name
	OnDelete string // SQL action, e.g. "CASCADE", "SET NULL"; "" = NO ACTION
	OnUpdate string
}

// key is the TypeScript property name of the table in the schema object.
func (t drizzleTable) key() string {
	if t.Model != "" {
		return t.Model
	}
	return camelCase(t.Name)
}

// key is the TypeScript property name of the column inside its table.
func (c drizzleColumn) key() string {
	if c.Field != "" {
		return c.Field
	}
	if c.Key != "" {
		return c.Key
	}
	return camelCase(c.Name)
}

// camelCase turns snake_case (with optional leading underscores) into
// lowerCamelCase: "_row_id" -> "rowId", "shared_user" -> "sharedUser".
func camelCase(s string) string {
	parts := strings.Split(strings.TrimLeft(s, "_"), "_")
	var b strings.Builder
	for i, p := range parts {
		if p == "" {
			continue
		}
		if i == 0 || b.Len() == 0 {
			b.WriteString(p)
			continue
		}
		r := []rune(p)
		r[0] = unicode.ToUpper(r[0])
		b.WriteString(string(r))
	}
	return b.String()
}

// enumIdent is the TypeScript identifier of the pgEnum for a Postgres enum.
func enumIdent(name string) string { return camelCase(strings.TrimSuffix(name, "_enum")) + "Enum" }

// tsString quotes s as a TypeScript string literal.
func tsString(s string) string { return strconv.Quote(s) }

// tsReserved lists identifiers a table key must not shadow in the module.
var tsReserved = map[string]bool{
	"schema": true, "withIam": true, "withIamKysely": true, "iamModels": true, "iamPluginRenamed": true, "relations": true, "iamGenerateId": true, "uuidv7": true, "iamTableOfModel": true,
	"sql": true, "pgTable": true, "pgEnum": true, "text": true, "boolean": true, "integer": true,
	"bigint": true, "timestamp": true, "jsonb": true, "uuid": true, "drizzleAdapter": true,
	"default": true, "delete": true, "new": true, "class": true, "function": true, "import": true,
	"export": true, "const": true, "let": true, "var": true, "in": true, "of": true, "enum": true,
}

// validate reports a model the module cannot represent: duplicate keys,
// references to unknown tables, types without a Drizzle builder.
func (m drizzleModule) validate() error {
	tables := map[string]drizzleTable{}
	keys := map[string]string{}
	enums := map[string]bool{}
	for _, e := range m.Enums {
		if enums[e.Name] {
			return fmt.Errorf("drizzle: enum %q declared twice", e.Name)
		}
		enums[e.Name] = true
	}
	for _, t := range m.Tables {
		if _, dup := tables[t.Name]; dup {
			return fmt.Errorf("drizzle: table %q declared twice", t.Name)
		}
		tables[t.Name] = t
		k := t.key()
		if other, dup := keys[k]; dup {
			return fmt.Errorf("drizzle: tables %q and %q both map to schema key %q", other, t.Name, k)
		}
		if tsReserved[k] {
			return fmt.Errorf("drizzle: table %q maps to reserved identifier %q", t.Name, k)
		}
		keys[k] = t.Name
		ckeys := map[string]string{}
		for _, c := range t.Columns {
			ck := c.key()
			if other, dup := ckeys[ck]; dup {
				return fmt.Errorf("drizzle: table %q: columns %q and %q both map to key %q", t.Name, other, c.Name, ck)
			}
			ckeys[ck] = c.Name
			if c.Enum {
				if !enums[c.PGType] {
					return fmt.Errorf("drizzle: table %q column %q: enum %q is not declared", t.Name, c.Name, c.PGType)
				}
			} else if _, err := columnBuilder(c); err != nil {
				return fmt.Errorf("drizzle: table %q column %q: %w", t.Name, c.Name, err)
			}
		}
	}
	for _, t := range m.Tables {
		for _, c := range t.Columns {
			if c.Ref == nil {
				continue
			}
			target, ok := tables[c.Ref.Table]
			if !ok {
				return fmt.Errorf("drizzle: table %q column %q references unknown table %q", t.Name, c.Name, c.Ref.Table)
			}
			found := false
			for _, tc := range target.Columns {
				found = found || tc.Name == c.Ref.Column
			}
			if !found {
				return fmt.Errorf("drizzle: table %q column %q references unknown column %q.%q", t.Name, c.Name, c.Ref.Table, c.Ref.Column)
			}
		}
	}
	return nil
}

// columnBuilder returns the Drizzle builder call for a column's type.
func columnBuilder(c drizzleColumn) (string, error) {
	name := tsString(c.Name)
	if c.Enum {
		return enumIdent(c.PGType) + "(" + name + ")", nil
	}
	t := strings.ToLower(strings.TrimSpace(c.PGType))
	switch t {
	case "text":
		return "text(" + name + ")", nil
	case "boolean", "bool":
		return "boolean(" + name + ")", nil
	case "integer", "int", "int4":
		return "integer(" + name + ")", nil
	case "bigint", "int8":
		return "bigint(" + name + `, { mode: "number" })`, nil
	case "timestamptz", "timestamp with time zone":
		return "timestamp(" + name + `, { withTimezone: true, mode: "date" })`, nil
	case "jsonb":
		return "jsonb(" + name + ")", nil
	case "uuid":
		return "uuid(" + name + ")", nil
	case "timestamp", "timestamp without time zone":
		return "", fmt.Errorf("type %q is refused: every date is timestamptz", c.PGType)
	}
	return "", fmt.Errorf("type %q has no Drizzle builder in the emitter", c.PGType)
}

// tsType is the TypeScript type a jsonb column carries, from the Better Auth type.
func (c drizzleColumn) jsonType() string {
	switch c.BAType {
	case "string[]":
		return "string[]"
	case "number[]":
		return "number[]"
	}
	return ""
}

var sqlAction = map[string]string{
	"CASCADE": "cascade", "SET NULL": "set null", "SET DEFAULT": "set default",
	"RESTRICT": "restrict", "NO ACTION": "no action",
}

// renderColumn writes one column definition.
func renderColumn(b *bytes.Buffer, c drizzleColumn, tableKeys map[string]string, colKeys map[string]map[string]string) {
	builder, _ := columnBuilder(c)
	b.WriteString("  " + c.key() + ": " + builder)
	if jt := c.jsonType(); jt != "" {
		b.WriteString(".$type<" + jt + ">()")
	}
	if c.PrimaryKey {
		b.WriteString(".primaryKey()")
	}
	switch c.Identity {
	case "always":
		b.WriteString(".generatedAlwaysAsIdentity()")
	case "by default":
		b.WriteString(".generatedByDefaultAsIdentity()")
	}
	if c.NotNull && !c.PrimaryKey {
		b.WriteString(".notNull()")
	}
	if c.Unique && !c.PrimaryKey {
		b.WriteString(".unique()")
	}
	switch {
	case c.Default != "":
		b.WriteString(".default(sql`" + strings.ReplaceAll(c.Default, "`", "\\`") + "`)")
	case c.DBDerived && c.Identity == "":
		// Filled by a trigger when an insert omits it: the column default is NULL and
		// the trigger replaces it, so Better Auth's check must see it as defaulted.
		b.WriteString(".default(sql`NULL`)")
	}
	if r := c.Ref; r != nil {
		b.WriteString(".references((): AnyPgColumn => " + tableKeys[r.Table] + "." + colKeys[r.Table][r.Column])
		var opts []string
		if a := sqlAction[strings.ToUpper(r.OnDelete)]; a != "" && a != "no action" {
			opts = append(opts, "onDelete: "+tsString(a))
		}
		if a := sqlAction[strings.ToUpper(r.OnUpdate)]; a != "" && a != "no action" {
			opts = append(opts, "onUpdate: "+tsString(a))
		}
		if len(opts) > 0 {
			b.WriteString(", { " + strings.Join(opts, ", ") + " }")
		}
		b.WriteString(")")
	}
	b.WriteString(",")
	switch {
	case c.Field == "":
		b.WriteString(" // not a Better Auth field")
	case !c.Writes:
		b.WriteString(" // read by Better Auth, filled by the database")
	}
	b.WriteString("\n")
}

// drizzleRelation is one foreign key exposed as a pair of Drizzle relations,
// named the way Better Auth's generator names them and its adapter looks them
// up for joins (advanced.database.joins): the child gets one(<parent model>),
// the parent many(<child model>s).
type drizzleRelation struct {
	Child, Parent   drizzleTable
	Column, Target  string // child column key, parent column key
	OneKey, ManyKey string
}

// relations picks, per (child, parent) pair of Better Auth tables, the
// foreign key Better Auth joins on: the only one between them, or else the
// one whose field is "<parent model>Id". Ambiguous pairs get no relation, as
// Drizzle could not tell them apart.
func (m drizzleModule) relations() []drizzleRelation {
	byName := map[string]drizzleTable{}
	for _, t := range m.Tables {
		byName[t.Name] = t
	}
	var out []drizzleRelation
	for _, child := range m.Tables {
		if child.Model == "" {
			continue
		}
		cands := map[string][]drizzleColumn{}
		var parents []string
		for _, c := range child.Columns {
			if c.Ref == nil || c.Field == "" || c.Ref.Table == child.Name || byName[c.Ref.Table].Model == "" {
				continue
			}
			if len(cands[c.Ref.Table]) == 0 {
				parents = append(parents, c.Ref.Table)
			}
			cands[c.Ref.Table] = append(cands[c.Ref.Table], c)
		}
		for _, pn := range parents {
			parent := byName[pn]
			cs := cands[pn]
			var pick *drizzleColumn
			if len(cs) == 1 {
				pick = &cs[0]
			} else {
				for i := range cs {
					if cs[i].Field == parent.Model+"Id" {
						pick = &cs[i]
					}
				}
			}
			if pick == nil {
				continue
			}
			target := ""
			for _, pc := range parent.Columns {
				if pc.Name == pick.Ref.Column {
					target = pc.key()
				}
			}
			out = append(out, drizzleRelation{Child: child, Parent: parent, Column: pick.key(), Target: target,
				OneKey: parent.Model, ManyKey: child.Model + "s"})
		}
	}
	return out
}

// render produces the TypeScript module text.
func (m drizzleModule) render() ([]byte, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	tableKeys := map[string]string{}
	colKeys := map[string]map[string]string{}
	for _, t := range m.Tables {
		tableKeys[t.Name] = t.key()
		colKeys[t.Name] = map[string]string{}
		for _, c := range t.Columns {
			colKeys[t.Name][c.Name] = c.key()
		}
	}
	used := map[string]bool{}
	usedEnums := map[string]bool{}
	for _, t := range m.Tables {
		for _, c := range t.Columns {
			if c.Enum {
				usedEnums[c.PGType] = true
				continue
			}
			builder, _ := columnBuilder(c)
			used[builder[:strings.IndexByte(builder, '(')]] = true
		}
	}
	var builders []string
	for k := range used {
		builders = append(builders, k)
	}
	if len(usedEnums) > 0 {
		builders = append(builders, "pgEnum")
	}
	builders = append(builders, "pgTable", "type AnyPgColumn")
	sort.Strings(builders)

	var b bytes.Buffer
	b.WriteString(`// Code generated by "iam betterauth emit" from github.com/beep/iam/schema. DO NOT EDIT.
// Refresh: ` + BetterAuthRefreshCommand + `
//
// Better Auth 1.7 on the iam PostgreSQL schema:
//   const db = drizzle(new Pool({ connectionString }), { schema });
//   export const auth = betterAuth(withIam({ plugins: [organization(), ...] }, db));
// The connection's role must bypass row-level security (iam_auth); see docs/betterauth.md.
import type { BetterAuthOptions, BetterAuthPlugin } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { relations, sql } from "drizzle-orm";
import { ` + strings.Join(builders, ", ") + ` } from "drizzle-orm/pg-core";

`)
	for _, e := range m.Enums {
		if !usedEnums[e.Name] {
			continue
		}
		vals := make([]string, len(e.Values))
		for i, v := range e.Values {
			vals[i] = tsString(v)
		}
		fmt.Fprintf(&b, "/** Postgres enum %s. */\nexport const %s = pgEnum(%s, [%s]);\n\n", e.Name, enumIdent(e.Name), tsString(e.Name), strings.Join(vals, ", "))
	}
	for _, t := range m.Tables {
		if t.Model != "" {
			fmt.Fprintf(&b, "/** Table %s: Better Auth model %q. */\n", t.Name, t.Model)
		} else {
			fmt.Fprintf(&b, "/** Table %s: no Better Auth model. */\n", t.Name)
		}
		fmt.Fprintf(&b, "export const %s = pgTable(%s, {\n", t.key(), tsString(t.Name))
		for _, c := range t.Columns {
			renderColumn(&b, c, tableKeys, colKeys)
		}
		b.WriteString("});\n\n")
	}

	rels := m.relations()
	var relNames []string
	for _, t := range m.Tables {
		var ones, manys []drizzleRelation
		for _, r := range rels {
			if r.Child.Name == t.Name {
				ones = append(ones, r)
			}
			if r.Parent.Name == t.Name {
				manys = append(manys, r)
			}
		}
		if len(ones)+len(manys) == 0 {
			continue
		}
		name := t.key() + "Relations"
		relNames = append(relNames, name)
		var helpers []string
		if len(ones) > 0 {
			helpers = append(helpers, "one")
		}
		if len(manys) > 0 {
			helpers = append(helpers, "many")
		}
		fmt.Fprintf(&b, "/** Relations of %s, named as Better Auth's joins expect. */\nexport const %s = relations(%s, ({ %s }) => ({\n", t.key(), name, t.key(), strings.Join(helpers, ", "))
		for _, r := range ones {
			fmt.Fprintf(&b, "  %s: one(%s, { fields: [%s.%s], references: [%s.%s] }),\n", r.OneKey, r.Parent.key(), t.key(), r.Column, r.Parent.key(), r.Target)
		}
		for _, r := range manys {
			fmt.Fprintf(&b, "  %s: many(%s),\n", r.ManyKey, r.Child.key())
		}
		b.WriteString("}));\n\n")
	}

	b.WriteString("/**\n * schema is the Drizzle schema: Better Auth model names as keys, plus the relations.\n * Use it for both drizzle(pool, { schema }) and drizzleAdapter(db, { provider: \"pg\", schema }).\n */\nexport const schema = {\n")
	for _, t := range m.Tables {
		fmt.Fprintf(&b, "  %s,\n", t.key())
	}
	for _, n := range relNames {
		fmt.Fprintf(&b, "  %s,\n", n)
	}
	b.WriteString("};\n\n")

	b.WriteString("/** iamTableOfModel maps each Better Auth model to its iam table; ids are \"<table>__<uuid>\". */\nexport const iamTableOfModel: Readonly<Record<string, string>> = {\n")
	for _, t := range m.Tables {
		if t.Model != "" {
			fmt.Fprintf(&b, "  %s: %s,\n", t.Model, tsString(t.Name))
		}
	}
	b.WriteString("};\n\n")

	b.WriteString(tsIamModelType)
	b.WriteString("/**\n * iamModels maps each Better Auth model to its iam table (modelName) and each of its fields\n * to the iam column (fieldName): the renames withIamKysely hands to Better Auth's Kysely adapter,\n * with the required columns a trigger fills and the iam indexes on Better Auth's fields.\n */\n")
	b.WriteString("export const iamModels: Readonly<Record<string, IamModel>> = {\n")
	for _, t := range m.Tables {
		if t.Model == "" {
			continue
		}
		var fields, filled, indexes []string
		field := map[string]bool{}
		for _, c := range t.Columns {
			switch {
			case c.Field != "":
				field[c.Name] = true
				if c.Field != "id" {
					fields = append(fields, c.Field+": "+tsString(c.Name))
				}
			case c.NotNull && c.Default == "" && c.Identity == "" && c.DBDerived:
				// Required, no default, filled by a trigger: Better Auth must know the
				// column exists (its database check refuses required columns it never
				// writes) and never write it.
				filled = append(filled, fmt.Sprintf("%s: { column: %s, type: %s }", c.key(), tsString(c.Name), tsString(baTypeOf(c))))
			}
		}
	indexLoop:
		for _, ix := range t.Indexes {
			cols := make([]string, len(ix.Columns))
			for i, c := range ix.Columns {
				if !field[c] {
					continue indexLoop // Better Auth can only declare indexes on its fields
				}
				cols[i] = tsString(c)
			}
			indexes = append(indexes, fmt.Sprintf("{ name: %s, columns: [%s], unique: %t }", tsString(ix.Name), strings.Join(cols, ", "), ix.Unique))
		}
		fmt.Fprintf(&b, "  %s: {\n    modelName: %s,\n    fields: { %s },\n", t.Model, tsString(t.Name), strings.Join(fields, ", "))
		if len(filled) > 0 {
			fmt.Fprintf(&b, "    filledByDatabase: { %s },\n", strings.Join(filled, ", "))
		}
		if len(indexes) > 0 {
			b.WriteString("    indexes: [\n")
			for _, ix := range indexes {
				b.WriteString("      " + ix + ",\n")
			}
			b.WriteString("    ],\n")
		}
		b.WriteString("  },\n")
	}
	b.WriteString("};\n")
	b.WriteString(tsRuntime)
	return b.Bytes(), nil
}

// baTypeOf is the Better Auth field type of a column without Better Auth metadata.
func baTypeOf(c drizzleColumn) string {
	switch strings.ToLower(c.PGType) {
	case "boolean", "bool":
		return "boolean"
	case "integer", "int", "int4", "bigint", "int8":
		return "number"
	case "timestamptz", "timestamp with time zone":
		return "date"
	case "jsonb":
		return "json"
	}
	return "string"
}

// tsIamModelType declares the shape of iamModels.
const tsIamModelType = `/** IamModel is a Better Auth model as the iam schema stores it. */
export type IamModel = {
  /** the iam table */
  readonly modelName: string;
  /** Better Auth field name -> iam column */
  readonly fields: Readonly<Record<string, string>>;
  /** required columns Better Auth never writes, filled by a trigger (key: the field name Better Auth is told) */
  readonly filledByDatabase?: Readonly<Record<string, { readonly column: string; readonly type: "string" | "number" | "boolean" | "date" | "json" }>>;
  /** the iam indexes on Better Auth's columns, by name */
  readonly indexes?: readonly { readonly name: string; readonly columns: readonly string[]; readonly unique: boolean }[];
};

`

// tsRuntime is the hand-written part of the module: UUIDv7, id generation and withIam.
const tsRuntime = `
/** uuidv7 returns a new RFC 9562 version 7 UUID (48-bit millisecond time, then random bits). */
export function uuidv7(): string {
  const b = new Uint8Array(16);
  globalThis.crypto.getRandomValues(b);
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
}

/**
 * iamGenerateId is Better Auth's advanced.database.generateId for the iam schema:
 * "<table>__<uuidv7>" for every model the schema knows; a bare UUIDv7 for models it does not.
 */
export function iamGenerateId({ model }: { model: string; size?: number }): string {
  const table = iamTableOfModel[model];
  return table ? table + "__" + uuidv7() : uuidv7();
}

/**
 * withIam returns the Better Auth options with everything the iam schema needs merged in:
 * the Drizzle adapter on the iam schema (transactions on), iam ids, and sessions kept in
 * the database even with a secondary storage (Go services verify them there).
 * Pass the Drizzle database (drizzle-orm/node-postgres) that connects as a role that
 * bypasses row-level security (a login whose sessions SET role iam_auth).
 */
export function withIam<O extends BetterAuthOptions>(
  options: O,
  db: Parameters<typeof drizzleAdapter>[0],
): O & { database: ReturnType<typeof drizzleAdapter> } {
  const advanced = options.advanced ?? {};
  return {
    ...options,
    database: drizzleAdapter(db, { provider: "pg", schema, transaction: true }),
    session: { ...options.session, storeSessionInDatabase: true },
    advanced: {
      ...advanced,
      database: { ...advanced.database, generateId: iamGenerateId },
    },
  };
}

/** iamCoreModel is the options of a core model (user, session, ...) with the iam table and column names. */
function iamCoreModel<M extends { modelName?: string; fields?: object }>(model: string, options: M | undefined): M {
  const m = iamModels[model];
  return { ...options, modelName: m.modelName, fields: { ...options?.fields, ...m.fields } } as M;
}

/**
 * iamPluginRenamed returns the plugin with the iam table and column names in its schema:
 * every model the iam schema has gets its modelName, every field the iam table has gets
 * its fieldName. Models and fields the iam schema lacks are left as the plugin declares
 * them, so Better Auth's schema check names them. Required columns a trigger fills
 * (filledByDatabase) become fields Better Auth neither writes nor returns, and the
 * plugin's unnamed indexes take the name of the iam index on the same columns.
 */
export function iamPluginRenamed<P extends BetterAuthPlugin>(plugin: P): P {
  if (!plugin.schema) return plugin;
  const schema: Record<string, any> = {};
  for (const [key, model] of Object.entries(plugin.schema)) {
    const m = iamModels[key];
    if (!m) {
      schema[key] = model;
      continue;
    }
    const fields: Record<string, any> = {};
    for (const [name, field] of Object.entries(model.fields ?? {})) {
      fields[name] = m.fields[name] ? { ...field, fieldName: m.fields[name] } : field;
    }
    for (const [name, f] of Object.entries(m.filledByDatabase ?? {})) {
      fields[name] ??= { type: f.type, fieldName: f.column, required: false, input: false, returned: false };
    }
    const column = (name: string) => fields[name]?.fieldName ?? name;
    const indexes = model.indexes?.map((ix) => {
      if (ix.name) return ix;
      const cols = ix.fields.map(column);
      const ours = m.indexes?.find((o) => o.unique === !!ix.unique && o.columns.length === cols.length && o.columns.every((c, i) => c === cols[i]));
      return ours ? { ...ix, name: ours.name } : ix;
    });
    schema[key] = { ...model, modelName: m.modelName, fields, ...(indexes ? { indexes } : {}) };
  }
  return { ...plugin, schema };
}

/**
 * withIamKysely is withIam for Better Auth's built-in Kysely adapter (database: a pg.Pool,
 * Better Auth's default): instead of a Drizzle schema it hands Better Auth the iam names as
 * modelName/fields renames, for the core models, the rate limit table and every plugin's
 * schema (iamModels), plus the same iam ids and sessions in the database. Better Auth's
 * getMigrations then finds nothing to create on a migrated database; never run it with
 * migrations of its own: the iam migrations own the schema.
 * Pass the pg.Pool (or Kysely instance) that connects as a role that bypasses row-level
 * security (a login whose sessions SET role iam_auth).
 */
export function withIamKysely<O extends BetterAuthOptions>(
  options: O,
  database: Exclude<NonNullable<BetterAuthOptions["database"]>, (...args: any[]) => any>,
): O & { database: typeof database } {
  const advanced = options.advanced ?? {};
  return {
    ...options,
    database,
    user: iamCoreModel("user", options.user),
    session: { ...iamCoreModel("session", options.session), storeSessionInDatabase: true },
    account: iamCoreModel("account", options.account),
    verification: iamCoreModel("verification", options.verification),
    rateLimit: iamCoreModel("rateLimit", options.rateLimit),
    plugins: options.plugins?.map(iamPluginRenamed),
    advanced: {
      ...advanced,
      database: { ...advanced.database, generateId: iamGenerateId },
    },
  };
}
`
