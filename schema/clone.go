package schema

import "slices"

// Clone returns a deep copy of s (sharing its Base), for tests and tools
// that derive a variant of a declaration without touching the original.
// The copy is not validated again.
func (s *Schema) Clone() *Schema {
	c := &Schema{Name: s.Name, Base: s.Base, GrantTo: slices.Clone(s.GrantTo)}
	for _, e := range s.Enums {
		e.Values = slices.Clone(e.Values)
		c.Enums = append(c.Enums, e)
	}
	for _, f := range s.Functions {
		f2 := *f
		c.Functions = append(c.Functions, &f2)
	}
	for _, r := range s.Roles {
		r2 := *r
		c.Roles = append(c.Roles, &r2)
	}
	for _, t := range s.Tables {
		t2 := t.clone()
		t2.schema = c
		c.Tables = append(c.Tables, t2)
	}
	return c
}

func (t *Table) clone() *Table {
	c := &Table{Name: t.Name, Tenancy: t.Tenancy, BetterAuthModel: t.BetterAuthModel, Doc: t.Doc, Go: t.Go}
	for _, col := range t.Columns {
		col2 := *col
		if col.Enum != nil {
			e := *col.Enum
			e.Values = slices.Clone(e.Values)
			col2.Enum = &e
		}
		if col.Ref != nil {
			r := *col.Ref
			col2.Ref = &r
		}
		if col.BetterAuth != nil {
			b := *col.BetterAuth
			col2.BetterAuth = &b
		}
		col2.table = c
		c.Columns = append(c.Columns, &col2)
	}
	for _, ix := range t.Indexes {
		ix2 := *ix
		ix2.Columns = slices.Clone(ix.Columns)
		c.Indexes = append(c.Indexes, &ix2)
	}
	for _, ck := range t.Checks {
		ck2 := *ck
		c.Checks = append(c.Checks, &ck2)
	}
	for _, r := range t.Relations {
		r2 := *r
		r2.table = c
		c.Relations = append(c.Relations, &r2)
	}
	for _, tr := range t.Triggers {
		tr2 := *tr
		tr2.Events = slices.Clone(tr.Events)
		tr2.Args = slices.Clone(tr.Args)
		c.Triggers = append(c.Triggers, &tr2)
	}
	extra := map[*Policy]bool{}
	for _, p := range t.extraPolicies {
		extra[p] = true
	}
	for _, p := range t.Policies {
		p2 := *p
		c.Policies = append(c.Policies, &p2)
		if extra[p] {
			// so that a later Add, which recomputes the policies, keeps it
			c.extraPolicies = append(c.extraPolicies, &p2)
		}
	}
	return c
}
