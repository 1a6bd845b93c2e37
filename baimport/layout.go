package baimport

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Map is the --map file: Better Auth's own modelName/fields renames per
// model, as in the auth config, e.g.
//
//	{"user": {"modelName": "users", "fields": {"emailVerified": "email_verified"}}}
//
// A model or field not in the map is looked up by the naming conventions
// (camelCase as `auth migrate` creates, snake_case as the Drizzle and
// Prisma generators create, and both with usePlural's trailing "s").
type Map map[string]ModelMap

// ModelMap renames one model.
type ModelMap struct {
	ModelName string            `json:"modelName,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
}

// ReadMap reads a --map file. Unknown models are an error naming them.
func ReadMap(path string) (Map, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--map: %w", err)
	}
	var m Map
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("--map %s: %w", path, err)
	}
	for name := range m {
		if !isModel(name) {
			return nil, fmt.Errorf("--map %s: unknown Better Auth model %q (known: %s)", path, name, strings.Join(Models, ", "))
		}
	}
	return m, nil
}

func isModel(name string) bool {
	for _, m := range Models {
		if m == name {
			return true
		}
	}
	return false
}

// Naming conventions of the source's table and column names.
const (
	NamingCamel       = "camelCase"        // auth migrate / getMigrations (Kysely)
	NamingSnake       = "snake_case"       // Drizzle/Prisma generators, Kysely CamelCasePlugin
	NamingCamelPlural = "camelCase plural" // usePlural
	NamingSnakePlural = "snake_case plural"
	NamingPascal      = "PascalCase"
	NamingMap         = "--map"
)

// sourceColumn is a column of the source database.
type sourceColumn struct {
	Name     string
	DataType string // information_schema.columns.data_type
}

// sourceTable is a table of the source database.
type sourceTable struct {
	Name    string
	Columns map[string]sourceColumn
	Order   []string
}

// boundModel is a model found in the source: its table and, for each
// field, the column it is in ("" when the source lacks the field).
type boundModel struct {
	*model
	Source  *sourceTable
	Naming  string
	Columns map[string]string // field -> source column
	IDCol   string
	Unknown []string // source columns no field maps to
}

// Layout is what detection found in the source schema.
type Layout struct {
	Schema string
	// Naming is the convention of the user table.
	Naming  string
	models  []*boundModel
	Absent  []string // models whose table is not in the source
	Foreign []string // source tables that are no Better Auth model we move
}

func readSourceTables(ctx context.Context, tx pgx.Tx) (string, map[string]*sourceTable, error) {
	var sch string
	if err := tx.QueryRow(ctx, `SELECT current_schema()`).Scan(&sch); err != nil {
		return "", nil, fmt.Errorf("source: reading the current schema: %w", err)
	}
	rows, err := tx.Query(ctx, `
SELECT c.table_name, c.column_name, c.data_type
  FROM information_schema.columns c
  JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
 WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
 ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return "", nil, fmt.Errorf("source: listing tables: %w", err)
	}
	defer rows.Close()
	tables := map[string]*sourceTable{}
	for rows.Next() {
		var tn, cn, dt string
		if err := rows.Scan(&tn, &cn, &dt); err != nil {
			return "", nil, err
		}
		t := tables[tn]
		if t == nil {
			t = &sourceTable{Name: tn, Columns: map[string]sourceColumn{}}
			tables[tn] = t
		}
		t.Columns[cn] = sourceColumn{Name: cn, DataType: dt}
		t.Order = append(t.Order, cn)
	}
	return sch, tables, rows.Err()
}

// snake converts a Better Auth camelCase name to snake_case as the Drizzle
// generator does ("credentialID" -> "credential_id", "twoFactor" -> "two_factor").
func snake(s string) string {
	var b strings.Builder
	for i, r := range s {
		if r >= 'A' && r <= 'Z' {
			prevLower := i > 0 && (s[i-1] < 'A' || s[i-1] > 'Z')
			if i > 0 && prevLower {
				b.WriteByte('_')
			}
			b.WriteRune(r + ('a' - 'A'))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func pascal(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

type candidate struct{ name, naming string }

func tableCandidates(model string) []candidate {
	return []candidate{
		{model, NamingCamel},
		{snake(model), NamingSnake},
		{model + "s", NamingCamelPlural},
		{snake(model) + "s", NamingSnakePlural},
		{pascal(model), NamingPascal},
	}
}

func columnCandidates(field string) []string {
	return []string{field, snake(field), strings.ToLower(field)}
}

// detect binds the models to the source's tables.
func detect(sch string, tables map[string]*sourceTable, mp Map, models []*model) (*Layout, error) {
	l := &Layout{Schema: sch}
	used := map[string]bool{}
	for _, m := range models {
		mm := mp[m.Name]
		var t *sourceTable
		naming := ""
		if mm.ModelName != "" {
			t = tables[mm.ModelName]
			if t == nil {
				return nil, fmt.Errorf("--map: model %s: table %q not found in schema %s", m.Name, mm.ModelName, sch)
			}
			naming = NamingMap
		} else {
			for _, c := range tableCandidates(m.Name) {
				if tt := tables[c.name]; tt != nil && !used[c.name] {
					t, naming = tt, c.naming
					break
				}
			}
		}
		if t == nil {
			l.Absent = append(l.Absent, m.Name)
			continue
		}
		used[t.Name] = true
		bm := &boundModel{model: m, Source: t, Naming: naming, Columns: map[string]string{}}
		mapped := map[string]bool{}
		for _, f := range m.Fields {
			if col, ok := mm.Fields[f.Name]; ok {
				if _, ok := t.Columns[col]; !ok {
					return nil, fmt.Errorf("--map: model %s field %s: column %q not found in table %s", m.Name, f.Name, col, t.Name)
				}
				bm.Columns[f.Name] = col
				mapped[col] = true
				continue
			}
			for _, c := range columnCandidates(f.Name) {
				if _, ok := t.Columns[c]; ok && !mapped[c] {
					bm.Columns[f.Name] = c
					mapped[c] = true
					break
				}
			}
		}
		for fname := range mm.Fields {
			if m.field(fname) == nil {
				return nil, fmt.Errorf("--map: model %s has no field %q that iam stores", m.Name, fname)
			}
		}
		bm.IDCol = bm.Columns["id"]
		if bm.IDCol == "" {
			return nil, fmt.Errorf("source table %s (model %s) has no id column", t.Name, m.Name)
		}
		for _, c := range t.Order {
			if !mapped[c] {
				bm.Unknown = append(bm.Unknown, c)
			}
		}
		if m.Name == "user" {
			l.Naming = naming
			if naming != NamingMap && bm.Columns["emailVerified"] == "email_verified" {
				l.Naming = NamingSnake
				if strings.HasSuffix(t.Name, "s") {
					l.Naming = NamingSnakePlural
				}
			}
		}
		l.models = append(l.models, bm)
	}
	for name := range tables {
		if !used[name] {
			l.Foreign = append(l.Foreign, name)
		}
	}
	sort.Strings(l.Foreign)
	if l.Naming == "" {
		return nil, fmt.Errorf("source schema %s has no Better Auth user table (looked for %s; use --map for a custom modelName, or put the schema first in the URL's search_path)",
			sch, strings.Join(names(tableCandidates("user")), ", "))
	}
	return l, nil
}

func names(cs []candidate) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = fmt.Sprintf("%q", c.name)
	}
	return out
}

// notMovedReason says why a foreign source table is not moved ("" for a
// table that is no Better Auth model, e.g. the application's own).
func notMovedReason(table string) (string, string) {
	for model := range NotMoved {
		for _, c := range tableCandidates(model) {
			if c.name == table {
				return model, NotMovedReason(model)
			}
		}
	}
	return "", ""
}
