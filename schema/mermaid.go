package schema

import (
	"fmt"
	"strings"
)

// Mermaid renders the schema as a Mermaid entity-relationship diagram: every
// table with its columns (PK, FK, UK markers) and one relationship line per
// foreign key, labelled with the column. Deterministic.
func (s *Schema) Mermaid() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%%%% %s\n%%%% Refresh with: %s\n", GeneratedHeader, DiagramCommand)
	b.WriteString("erDiagram\n")
	for _, t := range s.Tables {
		fmt.Fprintf(&b, "    %s {\n", t.Name)
		for _, c := range t.Columns {
			var keys []string
			if c.Name == ColRowID {
				keys = append(keys, "PK")
			}
			if c.Ref != nil {
				keys = append(keys, "FK")
			}
			if c.Unique || t.uniqueAlone(c.Name) {
				keys = append(keys, "UK")
			}
			line := fmt.Sprintf("        %s %s", mermaidType(c), c.Name)
			if len(keys) > 0 {
				line += " " + strings.Join(keys, ", ")
			}
			if !c.NotNull {
				line += ` "nullable"`
			}
			b.WriteString(line + "\n")
		}
		b.WriteString("    }\n")
	}
	for _, t := range s.Tables {
		for _, c := range t.ForeignKeys() {
			left := "||"
			if !c.NotNull {
				left = "|o"
			}
			right := "o{"
			if t.uniqueAlone(c.Name) || c.Unique {
				right = "o|"
			}
			fmt.Fprintf(&b, "    %s %s--%s %s : %q\n", c.Ref.Table, left, right, t.Name, c.Name)
		}
	}
	return b.String()
}

// uniqueAlone reports whether a unique index or constraint covers exactly col.
func (t *Table) uniqueAlone(col string) bool {
	for _, ix := range t.AllIndexes() {
		if ix.IsUnique && !ix.Primary && ix.Where == "" && len(ix.Columns) == 1 && ix.Columns[0] == col {
			return true
		}
	}
	return false
}

func mermaidType(c *Column) string {
	if c.Enum != nil {
		return "enum"
	}
	return string(c.Type)
}
