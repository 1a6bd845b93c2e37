package baimport

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
)

// Problem is a row (or a table) the import refuses: the source table, the
// source row's id ("" for the whole table), the field and the rule it
// breaks. It never holds a value of the row.
type Problem struct {
	Table    string `json:"table"`
	SourceID string `json:"source_id,omitempty"`
	Field    string `json:"field,omitempty"`
	Rule     string `json:"rule"`
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Table)
	if p.SourceID != "" {
		fmt.Fprintf(&b, " %s", p.SourceID)
	}
	if p.Field != "" {
		fmt.Fprintf(&b, " %s", p.Field)
	}
	fmt.Fprintf(&b, ": %s", p.Rule)
	return b.String()
}

// TableReport is what happened to one Better Auth model.
type TableReport struct {
	Model       string `json:"model"`
	SourceTable string `json:"source_table,omitempty"`
	TargetTable string `json:"target_table"`
	Naming      string `json:"naming,omitempty"`
	// Absent: the source has no table for the model (the plugin is not
	// used); nothing to move.
	Absent bool `json:"absent,omitempty"`
	Read   int  `json:"read"`
	// Rows is what the import writes (or, in a dry run, would write): Read
	// minus Skipped.
	Rows    int `json:"rows"`
	Written int `json:"written"`
	// Skipped counts rows left out on purpose, by reason.
	Skipped map[string]int `json:"skipped,omitempty"`
	// Cleared counts references set to NULL because they point nowhere
	// (Better Auth keeps them without a foreign key), by field and reason.
	Cleared map[string]int `json:"cleared,omitempty"`
	// UnknownColumns are source columns that no iam column stores
	// (additionalFields of the app): a problem unless allowed.
	UnknownColumns []string `json:"unknown_columns,omitempty"`
	// MissingFields are Better Auth fields the source table does not have
	// (a plugin or an option not used): their iam columns get the default.
	MissingFields []string `json:"missing_fields,omitempty"`
	Problems      int      `json:"problems"`
}

// NotMovedTable is a source table the import leaves where it is.
type NotMovedTable struct {
	Table  string `json:"table"`
	Model  string `json:"model,omitempty"`
	Reason string `json:"reason"`
}

// Report is the result of an import (also of a dry run and of a refused one).
type Report struct {
	SourceSchema string          `json:"source_schema"`
	Naming       string          `json:"naming"`
	DryRun       bool            `json:"dry_run"`
	Committed    bool            `json:"committed"`
	Tables       []*TableReport  `json:"tables"`
	NotMoved     []NotMovedTable `json:"not_moved,omitempty"`
	Problems     []Problem       `json:"problems,omitempty"`
	// ProblemCount counts every problem; Problems lists the first
	// MaxProblems of them.
	ProblemCount int     `json:"problem_count"`
	RowsRead     int     `json:"rows_read"`
	RowsWritten  int     `json:"rows_written"`
	ReadSeconds  float64 `json:"read_seconds"`
	WriteSeconds float64 `json:"write_seconds"`
	Seconds      float64 `json:"seconds"`
}

// MaxProblems bounds the problems a report lists (all are counted).
const MaxProblems = 1000

// OK reports whether the import found no problem.
func (r *Report) OK() bool { return r.ProblemCount == 0 }

func (r *Report) problem(tr *TableReport, p Problem) {
	r.ProblemCount++
	if tr != nil {
		tr.Problems++
	}
	if len(r.Problems) < MaxProblems {
		r.Problems = append(r.Problems, p)
	}
}

// WriteText prints the report for people.
func (r *Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "source schema %s, %s names\n", r.SourceSchema, r.Naming)
	fmt.Fprintln(tw, "model\tsource table\ttarget table\tread\tto write\twritten\tskipped\tproblems")
	for _, t := range r.Tables {
		if t.Absent {
			fmt.Fprintf(tw, "%s\t(absent)\t%s\t-\t-\t-\t-\t-\n", t.Model, t.TargetTable)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%d\n", t.Model, t.SourceTable, t.TargetTable, t.Read, t.Rows, t.Written, counts(t.Skipped), t.Problems)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, t := range r.Tables {
		if len(t.Cleared) > 0 {
			fmt.Fprintf(w, "%s: references cleared (they point nowhere): %s\n", t.Model, counts(t.Cleared))
		}
		if len(t.UnknownColumns) > 0 {
			fmt.Fprintf(w, "%s: source columns not stored by iam: %s\n", t.Model, strings.Join(t.UnknownColumns, ", "))
		}
		if len(t.MissingFields) > 0 {
			fmt.Fprintf(w, "%s: fields absent in the source (iam defaults): %s\n", t.Model, strings.Join(t.MissingFields, ", "))
		}
	}
	for _, n := range r.NotMoved {
		if n.Model != "" {
			fmt.Fprintf(w, "not moved: %s (%s): %s\n", n.Table, n.Model, n.Reason)
		} else {
			fmt.Fprintf(w, "not moved: %s: %s\n", n.Table, n.Reason)
		}
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	if r.ProblemCount > len(r.Problems) {
		fmt.Fprintf(w, "... and %d more problems\n", r.ProblemCount-len(r.Problems))
	}
	switch {
	case r.ProblemCount > 0:
		fmt.Fprintf(w, "%d problem(s): nothing written\n", r.ProblemCount)
	case r.DryRun:
		fmt.Fprintf(w, "dry run: %d rows would be written, nothing written (read %.1fs)\n", r.RowsWritten, r.ReadSeconds)
	default:
		fmt.Fprintf(w, "imported %d of %d rows in one transaction in %.1fs (read %.1fs, write %.1fs)\n", r.RowsWritten, r.RowsRead, r.Seconds, r.ReadSeconds, r.WriteSeconds)
	}
	return nil
}

func counts(m map[string]int) string {
	if len(m) == 0 {
		return "0"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}
