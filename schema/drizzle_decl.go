package schema

import (
	"fmt"
	"strings"
)

// BetterAuthModule renders the TypeScript module for a Better Auth 1.7 app
// on the schema s (and its bases): a Drizzle schema named `schema` with
// Better Auth's model and field names as keys and our table and column names
// as SQL names, and `withIam(options, db)`. It covers every table and column
// of the declaration, including those Better Auth does not use. The output is
// deterministic.
func BetterAuthModule(s *Schema) ([]byte, error) {
	m, err := drizzleModuleOf(s)
	if err != nil {
		return nil, err
	}
	return m.render()
}

// drizzleModuleOf converts declarations into the renderer's model. Base
// schemas come first so that references resolve.
func drizzleModuleOf(s *Schema) (drizzleModule, error) {
	var chain []*Schema
	for cur := s; cur != nil; cur = cur.Base {
		chain = append([]*Schema{cur}, chain...)
	}
	var m drizzleModule
	for _, sc := range chain {
		for _, e := range sc.Enums {
			m.Enums = append(m.Enums, drizzleEnum{Name: e.Name, Values: append([]string(nil), e.Values...)})
		}
		for _, t := range sc.Tables {
			dt := drizzleTable{Name: t.Name, Model: t.BetterAuthModel}
			for _, c := range t.Columns {
				dc := drizzleColumn{
					Name:       c.Name,
					PGType:     string(c.Type),
					Enum:       c.Enum != nil,
					NotNull:    c.NotNull,
					Default:    c.Default,
					DBDerived:  c.Derived != "",
					PrimaryKey: c.Name == ColRowID,
					Unique:     c.Unique,
				}
				switch c.Identity {
				case "":
				case "ALWAYS":
					dc.Identity = "always"
				case "BY DEFAULT":
					dc.Identity = "by default"
				default:
					return m, fmt.Errorf("drizzle: table %q column %q: unknown identity %q", t.Name, c.Name, c.Identity)
				}
				// Better Auth metadata counts only on tables Better Auth uses (the
				// factories mark every id column, also on seed-only tables).
				if ba := c.BetterAuth; ba != nil && t.BetterAuthModel != "" {
					dc.Field = ba.Name
					dc.BAType = string(ba.Type)
					dc.Writes = ba.Writes
				}
				if r := c.Ref; r != nil {
					dc.Ref = &drizzleRef{Table: r.Table, Column: r.Column, OnDelete: string(r.OnDelete), OnUpdate: string(r.OnUpdate)}
				}
				dt.Columns = append(dt.Columns, dc)
			}
			for _, ix := range t.Indexes {
				if ix.Primary || ix.Where != "" {
					continue
				}
				dt.Indexes = append(dt.Indexes, drizzleIndex{Name: ix.Name, Columns: append([]string(nil), ix.Columns...), Unique: ix.IsUnique})
			}
			fields := map[string]bool{}
			for _, c := range dt.Columns {
				if c.Field != "" {
					fields[c.Field] = true
				}
			}
			for i, c := range dt.Columns {
				if k := camelCase(c.Name); c.Field == "" && fields[k] {
					dt.Columns[i].Key = "iam" + strings.ToUpper(k[:1]) + k[1:]
				}
			}
			m.Tables = append(m.Tables, dt)
		}
	}
	return m, nil
}
