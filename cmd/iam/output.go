package main

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// Table prints rows as aligned columns under an optional header line
// (human output; callers use JSONOr to offer JSON instead).
func (a *App) Table(header []string, rows [][]string) {
	w := tabwriter.NewWriter(a.Out, 0, 4, 2, ' ', 0)
	if len(header) > 0 {
		fmt.Fprintln(w, strings.Join(header, "\t"))
	}
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	_ = w.Flush()
}
