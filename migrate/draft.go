package migrate

import (
	"fmt"
	"sort"
	"strings"

	"github.com/beep/iam/schema"
)

// Draft renders, from a Check report of a database that went through every
// migration, the statements that take it to the declarations of s: a draft
// of the next migration's up and down files, for a developer to review.
// Applied migrations are never edited; schema changes arrive as a new
// numbered migration, and this is its first version.
//
// Every drift becomes statements or, where no safe statement exists (a
// column type change that may need a USING clause, a dropped object whose
// definition the report does not carry), a "-- REVIEW:" line that says what
// to write by hand. Statements that drop data are marked "-- DROPS DATA".
func Draft(s *schema.Schema, r *Report) (up, down string) {
	var u, d []string
	funcs := false
	review := func(dst *[]string, format string, args ...any) {
		*dst = append(*dst, "-- REVIEW: "+fmt.Sprintf(format, args...))
	}
	drifts := append([]Drift(nil), r.Drifts...)
	// Tables and functions first, so that what follows can use them.
	order := map[string]int{KindEnum: 0, KindFunction: 1, KindTable: 2, KindColumn: 3}
	sort.SliceStable(drifts, func(i, j int) bool { return rank(order, drifts[i].Kind) < rank(order, drifts[j].Kind) })
	for _, x := range drifts {
		t := s.Table(x.Table)
		switch x.Kind {
		case KindEnum:
			e, ok := s.Enum(x.Name)
			if x.Problem == Missing && ok {
				u = append(u, fmt.Sprintf("CREATE TYPE %s AS ENUM (%s);", e.Name, quoteList(e.Values)))
				d = append(d, fmt.Sprintf("DROP TYPE %s;", e.Name))
			} else {
				review(&u, "%s (ALTER TYPE ... ADD VALUE cannot run in a transaction block before PostgreSQL 12 and values cannot be removed)", x)
			}
		case KindFunction:
			f := s.Function(x.Name)
			if f == nil || (x.Problem != Missing && x.Problem != Changed) {
				review(&u, "%s", x)
				continue
			}
			if !funcs {
				u = append(u, strings.TrimSpace(schema.FunctionSearchPathSQL))
				funcs = true
			}
			u = append(u, f.CreateSQL())
			if x.Problem == Missing {
				d = append(d, fmt.Sprintf("DROP FUNCTION %s();", f.Name))
			} else {
				review(&d, "restore the previous body of %s() from the migration that last created it", f.Name)
			}
		case KindTable:
			switch {
			case x.Problem == Missing && t != nil:
				u = append(u, strings.TrimSpace(t.CreateSQL()))
				for _, c := range t.ForeignKeys() {
					u = append(u, schema.ForeignKeySQL(t.Name, c))
				}
				d = append(d, fmt.Sprintf("DROP TABLE %s; -- DROPS DATA", t.Name))
			case x.Problem == Unexpected:
				u = append(u, fmt.Sprintf("DROP TABLE %s; -- DROPS DATA", x.Name))
				review(&d, "recreate table %s (copy its CREATE TABLE from the migration that made it)", x.Name)
			default:
				review(&u, "%s", x)
			}
		case KindColumn:
			draftColumn(t, x, &u, &d, review)
		case KindIndex:
			ix := indexOf(t, x.Name)
			switch {
			case x.Problem == Missing && ix != nil:
				u = append(u, schema.IndexDDL(t.Name, ix)+";")
				d = append(d, fmt.Sprintf("DROP INDEX %s;", x.Name))
			case x.Problem == Changed && ix != nil:
				u = append(u, fmt.Sprintf("DROP INDEX %s;", x.Name), schema.IndexDDL(t.Name, ix)+";")
				review(&d, "recreate index %s as it was (%s: %s)", x.Name, x.Field, x.Got)
			case x.Problem == Unexpected:
				u = append(u, fmt.Sprintf("DROP INDEX %s;", x.Name))
				review(&d, "recreate index %s on %s %s", x.Name, x.Table, x.Got)
			default:
				review(&u, "%s", x)
			}
		case KindCheck:
			switch x.Problem {
			case Missing:
				u = append(u, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s);", x.Table, x.Name, schema.Unwrap(x.Want)))
				d = append(d, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", x.Table, x.Name))
			case Changed:
				u = append(u, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", x.Table, x.Name),
					fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s);", x.Table, x.Name, x.Want))
				// d is reversed at the end: the drop must come out first.
				d = append(d, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s);", x.Table, x.Name, x.Got),
					fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", x.Table, x.Name))
			case Unexpected:
				u = append(u, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s;", x.Table, x.Name))
				d = append(d, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s CHECK (%s);", x.Table, x.Name, x.Got))
			}
		case KindTrigger:
			switch x.Problem {
			case Missing:
				u = append(u, x.Want+";")
				d = append(d, fmt.Sprintf("DROP TRIGGER %s ON %s;", x.Name, x.Table))
			case Changed:
				u = append(u, fmt.Sprintf("DROP TRIGGER %s ON %s;", x.Name, x.Table), x.Want+";")
				d = append(d, x.Got+";", fmt.Sprintf("DROP TRIGGER %s ON %s;", x.Name, x.Table))
			case Unexpected:
				u = append(u, fmt.Sprintf("DROP TRIGGER %s ON %s;", x.Name, x.Table))
				d = append(d, x.Got+";")
			}
		case KindRLS:
			verb := map[string]string{"enabled": "ROW LEVEL SECURITY", "forced": "ROW LEVEL SECURITY"}[x.Field]
			on, off := "ENABLE", "DISABLE"
			if x.Field == "forced" {
				on, off = "FORCE", "NO FORCE"
			}
			if x.Want == "true" {
				u = append(u, fmt.Sprintf("ALTER TABLE %s %s %s;", x.Table, on, verb))
				d = append(d, fmt.Sprintf("ALTER TABLE %s %s %s;", x.Table, off, verb))
			} else {
				u = append(u, fmt.Sprintf("ALTER TABLE %s %s %s;", x.Table, off, verb))
				d = append(d, fmt.Sprintf("ALTER TABLE %s %s %s;", x.Table, on, verb))
			}
		case KindPolicy:
			p := policyOf(t, x.Name)
			switch {
			case x.Problem == Missing && p != nil:
				u = append(u, p.SQL(t.Name))
				d = append(d, fmt.Sprintf("DROP POLICY %s ON %s;", p.Name, t.Name))
			case x.Problem == Changed && p != nil:
				u = append(u, fmt.Sprintf("DROP POLICY %s ON %s;", p.Name, t.Name), p.SQL(t.Name))
				review(&d, "recreate policy %s on %s as it was (%s: %s)", p.Name, t.Name, x.Field, x.Got)
			case x.Problem == Unexpected:
				u = append(u, fmt.Sprintf("DROP POLICY %s ON %s;", x.Name, x.Table))
				review(&d, "recreate policy %s on %s (USING %s)", x.Name, x.Table, x.Got)
			default:
				review(&u, "%s", x)
			}
		default:
			review(&u, "%s", x)
		}
	}
	// Down undoes up in reverse order.
	for i, j := 0, len(d)-1; i < j; i, j = i+1, j-1 {
		d[i], d[j] = d[j], d[i]
	}
	return join(u), join(d)
}

func draftColumn(t *schema.Table, x Drift, u, d *[]string, review func(*[]string, string, ...any)) {
	var c *schema.Column
	if t != nil {
		c = t.Column(x.Name)
	}
	switch {
	case x.Problem == Missing && c != nil:
		if c.NotNull && c.Default == "" && c.Identity == "" {
			nullable := *c
			nullable.NotNull = false
			*u = append(*u, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s;", t.Name, schema.ColumnDDL(&nullable)))
			review(u, "backfill %s.%s for existing rows, then:", t.Name, c.Name)
			*u = append(*u, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET NOT NULL;", t.Name, c.Name))
		} else {
			*u = append(*u, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s;", t.Name, schema.ColumnDDL(c)))
		}
		if c.Ref != nil {
			*u = append(*u, schema.ForeignKeySQL(t.Name, c))
		}
		*d = append(*d, fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s; -- DROPS DATA", t.Name, c.Name))
	case x.Problem == Unexpected:
		*u = append(*u, fmt.Sprintf("ALTER TABLE %s DROP COLUMN %s; -- DROPS DATA", x.Table, x.Name))
		*d = append(*d, fmt.Sprintf("ALTER TABLE %s ADD COLUMN %s %s;", x.Table, x.Name, x.Got))
	case x.Problem == Changed && c != nil && x.Field == "nullable":
		set, unset := "SET NOT NULL", "DROP NOT NULL"
		if !c.NotNull {
			set, unset = unset, set
		}
		*u = append(*u, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s %s;", t.Name, c.Name, set))
		*d = append(*d, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s %s;", t.Name, c.Name, unset))
	case x.Problem == Changed && c != nil && x.Field == "default":
		*u = append(*u, alterDefault(t.Name, c.Name, x.Want))
		*d = append(*d, alterDefault(t.Name, c.Name, x.Got))
	case x.Problem == Changed && c != nil && x.Field == "type":
		*u = append(*u, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE %s; -- REVIEW: add USING %s::%s if the cast is not implicit", t.Name, c.Name, x.Want, c.Name, x.Want))
		*d = append(*d, fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s TYPE %s; -- REVIEW: may lose data", t.Name, c.Name, x.Got))
	default:
		review(u, "%s.%s", x.Table, x)
	}
}

func alterDefault(table, column, def string) string {
	if def == "" {
		return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s DROP DEFAULT;", table, column)
	}
	return fmt.Sprintf("ALTER TABLE %s ALTER COLUMN %s SET DEFAULT %s;", table, column, def)
}

func indexOf(t *schema.Table, name string) *schema.Index {
	if t == nil {
		return nil
	}
	for _, ix := range t.Indexes {
		if ix.Name == name {
			return ix
		}
	}
	return nil
}

func policyOf(t *schema.Table, name string) *schema.Policy {
	if t == nil {
		return nil
	}
	for _, p := range t.Policies {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func rank(order map[string]int, kind string) int {
	if r, ok := order[kind]; ok {
		return r
	}
	return len(order)
}

func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "'" + strings.ReplaceAll(v, "'", "''") + "'"
	}
	return strings.Join(q, ", ")
}

func join(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	return strings.Join(lines, "\n") + "\n"
}
