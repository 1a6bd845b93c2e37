package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/beep/iam/schema"
)

func init() { extraCommands = append(extraCommands, newSchemaCmd) }

// schemaSubcommands lets other files add `iam schema <name>` commands (e.g.
// the Drizzle renderer) without touching this one.
var schemaSubcommands []func(*App) *cobra.Command

func newSchemaCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Render the declared schema: SQL, diagram, docs",
		Long: `Render artefacts from the Go declaration of the IAM schema (package schema).

Without --write the artefact is printed to stdout. With --write the committed
files are refreshed (run from the repository root or pass --root); with
--check nothing is written and the command exits 1 when a committed file is
out of date.`,
	}
	cmd.AddCommand(
		newRenderCmd(app, "sql", "Print the DDL of the whole current schema (up; --down for the drop)",
			schema.SQLArtefacts, func(down bool, _ bool) string {
				if down {
					return schema.IAM().SQLDown(schema.SQLCommand)
				}
				return schema.IAM().SQLUp(schema.SQLCommand)
			}),
		newRenderCmd(app, "diagram", "Print the Mermaid entity-relationship diagram (--svg for the SVG image)",
			schema.DiagramArtefacts, func(_ bool, svg bool) string {
				if svg {
					return schema.IAM().SVG()
				}
				return schema.IAM().Mermaid()
			}),
		newRenderCmd(app, "docs", "Print the generated reference section of docs/schema.md",
			schema.DocsArtefacts, func(bool, bool) string { return schema.IAM().DocsReference() }),
	)
	for _, f := range schemaSubcommands {
		cmd.AddCommand(f(app))
	}
	return cmd
}

func newRenderCmd(app *App, name, short string, artefacts func() []schema.Artefact, render func(down, svg bool) string) *cobra.Command {
	var write, check, down, svg bool
	var root string
	cmd := &cobra.Command{
		Use:   name,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			if write && check {
				return Usage("--write and --check exclude each other")
			}
			if !write && !check {
				_, err := fmt.Fprint(app.Out, render(down, svg))
				return err
			}
			if name == "sql" {
				return Usage("migration 0001 is frozen (applied migrations never change): put a schema change in a new numbered migration under migrate/migrations and check it with `iam check` (docs/architecture.md, \"Changing the schema\")")
			}
			return refreshArtefacts(app, root, artefacts(), check)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&write, "write", false, "refresh the committed files instead of printing")
	f.BoolVar(&check, "check", false, "exit 1 when a committed file differs from a fresh rendering")
	f.StringVar(&root, "root", ".", "repository root for --write and --check")
	switch name {
	case "sql":
		f.BoolVar(&down, "down", false, "print the down migration")
	case "diagram":
		f.BoolVar(&svg, "svg", false, "print the SVG image instead of Mermaid")
	}
	return cmd
}

// artefactResult is the JSON form of one refreshed or checked file.
type artefactResult struct {
	Path    string `json:"path"`
	Changed bool   `json:"changed"`
}

func refreshArtefacts(app *App, root string, arts []schema.Artefact, checkOnly bool) error {
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		return Usage("%s is not the repository root (no go.mod): run from the root or pass --root", root)
	}
	var results []artefactResult
	stale := 0
	for _, a := range arts {
		path := filepath.Join(root, a.Path)
		old, err := os.ReadFile(path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		b, err := a.Render(old)
		if err != nil {
			return fmt.Errorf("render %s: %w", a.Path, err)
		}
		changed := !bytes.Equal(old, b)
		results = append(results, artefactResult{Path: a.Path, Changed: changed})
		if !changed {
			continue
		}
		stale++
		if checkOnly {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			return err
		}
	}
	err := app.JSONOr(results, func() {
		for _, r := range results {
			switch {
			case !r.Changed:
				app.Printf("%s: up to date\n", r.Path)
			case checkOnly:
				app.Printf("%s: out of date; refresh with: %s\n", r.Path, commandFor(arts, r.Path))
			default:
				app.Printf("%s: written\n", r.Path)
			}
		}
	})
	if err != nil {
		return err
	}
	if checkOnly && stale > 0 {
		return Exit(ExitDrift, fmt.Errorf("%d generated file(s) out of date", stale))
	}
	return nil
}

func commandFor(arts []schema.Artefact, path string) string {
	for _, a := range arts {
		if a.Path == path {
			return a.Command
		}
	}
	return ""
}
