package schema

import (
	"bytes"
	"fmt"
	"strings"
)

// Markers around the generated part of docs/schema.md; everything outside
// them is hand-written and kept.
const (
	DocsBeginMarker = "<!-- BEGIN GENERATED REFERENCE (go run ./cmd/iam schema docs --write); DO NOT EDIT BELOW -->"
	DocsEndMarker   = "<!-- END GENERATED REFERENCE -->"
)

// DocsReference renders the reference tables of the schema as Markdown: per
// table its tenancy, Better Auth model, columns (type, null, default, Better
// Auth field, reference, notes), indexes, checks, triggers, row level
// security and relations. Deterministic.
func (s *Schema) DocsReference() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## Reference: the %d tables\n\n", len(s.Tables))
	b.WriteString("Every table has the global columns `id` (public id, unique), `_row_id` (primary key), ")
	b.WriteString("`created_at`, `updated_at`, `deleted_at`, `created_by`, `updated_by`, `deleted_by`, `version`, `source`; ")
	b.WriteString("organization-scoped tables also `organization_id`. They are listed once per table below, greyed by *(global)*.\n\n")
	b.WriteString("| table | tenancy | Better Auth model | columns | description |\n|---|---|---|---|---|\n")
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "| [`%s`](#%s) | %s | %s | %d | %s |\n", t.Name, t.Name, t.Tenancy, orDash(code(t.BetterAuthModel)), len(t.Columns), mdEscape(t.Doc))
	}
	if len(s.Enums) > 0 {
		b.WriteString("\n### Enums\n\n| enum | values (in order) |\n|---|---|\n")
		for _, e := range s.Enums {
			fmt.Fprintf(&b, "| `%s` | %s |\n", e.Name, strings.Join(e.Values, ", "))
		}
	}
	if len(s.Functions) > 0 {
		b.WriteString("\n### Trigger functions\n\n| function | what it does |\n|---|---|\n")
		for _, f := range s.Functions {
			fmt.Fprintf(&b, "| `%s()` | %s |\n", f.Name, mdEscape(f.Doc))
		}
	}
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "\n### %s\n\n", t.Name)
		if t.Doc != "" {
			b.WriteString(t.Doc + " ")
		}
		fmt.Fprintf(&b, "Tenancy: %s.", t.Tenancy)
		if t.BetterAuthModel != "" {
			fmt.Fprintf(&b, " Better Auth model `%s`.", t.BetterAuthModel)
		}
		b.WriteString("\n\n| column | type | null | default | Better Auth field | references | notes |\n|---|---|---|---|---|---|---|\n")
		for _, c := range t.Columns {
			null := "NOT NULL"
			if !c.NotNull {
				null = "null"
			}
			def := c.Default
			if c.Identity != "" {
				def = "identity (" + strings.ToLower(c.Identity) + ")"
			}
			ba := ""
			if c.BetterAuth != nil && t.BetterAuthModel != "" {
				ba = fmt.Sprintf("`%s` (%s)", c.BetterAuth.Name, c.BetterAuth.Type)
			}
			ref := ""
			if c.Ref != nil {
				ref = fmt.Sprintf("%s.%s, delete %s, update %s", c.Ref.Table, c.Ref.Column, strings.ToLower(string(c.Ref.OnDelete)), strings.ToLower(string(c.Ref.OnUpdate)))
			}
			var notes []string
			if c.Global {
				notes = append(notes, "*(global)*")
			}
			if c.Unique {
				notes = append(notes, "unique")
			}
			if c.Doc != "" {
				notes = append(notes, c.Doc)
			}
			if c.Derived != "" {
				notes = append(notes, "derived: "+c.Derived)
			}
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s | %s |\n", c.Name, c.Type, null, orDash(code(def)), orDash(ba), orDash(ref), mdEscape(strings.Join(notes, "; ")))
		}
		b.WriteString("\nIndexes:\n\n")
		for _, ix := range t.AllIndexes() {
			kind := "index"
			switch {
			case ix.Primary:
				kind = "primary key"
			case ix.Constraint:
				kind = "unique constraint"
			case ix.IsUnique:
				kind = "unique index"
			}
			line := fmt.Sprintf("- `%s`: %s on (%s)", ix.Name, kind, strings.Join(ix.Columns, ", "))
			if ix.Where != "" {
				line += fmt.Sprintf(" where `%s`", Unwrap(ix.Where))
			}
			b.WriteString(line + "\n")
		}
		if len(t.Checks) > 0 {
			b.WriteString("\nChecks:\n\n")
			for _, c := range t.Checks {
				fmt.Fprintf(&b, "- `%s`: `%s`\n", c.Name, mdEscape(Unwrap(c.Expr)))
			}
		}
		b.WriteString("\nTriggers:\n\n")
		for _, tr := range t.Triggers {
			when := ""
			if tr.When != "" {
				when = fmt.Sprintf(" when `%s`", mdEscape(tr.When))
			}
			fmt.Fprintf(&b, "- `%s`: %s %s%s, `%s()`\n", tr.Name, tr.Timing, strings.Join(tr.Events, " or "), when, tr.Function)
		}
		if t.RLS() {
			b.WriteString("\nRow level security: enabled and forced.\n\n")
			for _, p := range t.Policies {
				fmt.Fprintf(&b, "- policy `%s` for %s: `%s`\n", p.Name, p.Command, mdEscape(Unwrap(p.Using)))
			}
		}
		if len(t.Relations) > 0 {
			b.WriteString("\nRelations:\n\n")
			for _, r := range t.Relations {
				via := t.Name + "." + r.Column
				if r.Kind == RelMany {
					via = r.Target + "." + r.Column
				}
				fmt.Fprintf(&b, "- `%s`: %s `%s` (via %s)\n", r.Name, r.Kind, r.Target, via)
			}
		}
	}
	return b.String()
}

// UpdateDocs replaces the generated part of a docs page (between
// DocsBeginMarker and DocsEndMarker) with DocsReference, keeping the rest.
// A page without markers gets them appended.
func (s *Schema) UpdateDocs(old []byte) []byte {
	gen := DocsBeginMarker + "\n\n" + s.DocsReference() + "\n" + DocsEndMarker + "\n"
	begin := bytes.Index(old, []byte(DocsBeginMarker))
	end := bytes.Index(old, []byte(DocsEndMarker))
	if begin < 0 || end < begin {
		out := bytes.TrimRight(old, "\n")
		if len(out) > 0 {
			out = append(out, "\n\n"...)
		}
		return append(out, gen...)
	}
	rest := old[end+len(DocsEndMarker):]
	rest = bytes.TrimPrefix(rest, []byte("\n"))
	out := append([]byte{}, old[:begin]...)
	out = append(out, gen...)
	return append(out, rest...)
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(s, "|", `\|`) + "`"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
