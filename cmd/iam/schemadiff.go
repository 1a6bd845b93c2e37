package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

func init() { schemaSubcommands = append(schemaSubcommands, newSchemaDiffCmd) }

// migrationName is the rule for --name: the file name part after NNNN_.
var migrationName = regexp.MustCompile(`^[a-z0-9][a-z0-9_]*$`)

func newSchemaDiffCmd(app *App) *cobra.Command {
	var write bool
	var name, dir string
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Draft the next migration: the DDL from the migrated database to the declarations",
		Long: `Compare the database (which must have every migration applied: run
iam migrate up first) with the schema declared in package schema, and draft
the statements that take it there, up and down, as the next numbered
migration. Applied migrations are never edited: a schema change is an edit
of the declarations plus this draft, reviewed by hand ("-- REVIEW:" lines
say what to write yourself, "-- DROPS DATA" marks destructive statements),
then go test ./migrate/ (the freshly migrated database must check clean).

Without --write the draft is printed; with --write --name NAME it is
written to DIR/NNNN_NAME.up.sql and .down.sql with the next free number.
Exits 0 with nothing to draft.`,
		Example: "  iam schema diff\n  iam schema diff --write --name add_user_nickname",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if write && !migrationName.MatchString(name) {
				return Exit(ExitUsage, fmt.Errorf("--name: %q must be lower-case letters, digits and underscores (the file name after NNNN_)", name))
			}
			conn, err := app.Connect(cmd.Context())
			if err != nil {
				return err
			}
			defer conn.Close(cmd.Context())
			r, err := migrate.Check(cmd.Context(), conn, schema.IAM(), migrate.WithMigrations(migrate.Default()))
			if err != nil {
				return err
			}
			if r.Migration != nil && r.Migration.Applied != r.Migration.Known {
				return Exit(ExitDrift, fmt.Errorf("the database is at migration %d of %d: run iam migrate up first, the draft starts from the last migration",
					r.Migration.Applied, r.Migration.Known))
			}
			up, down := migrate.Draft(schema.IAM(), r)
			if up == "" && down == "" {
				fmt.Fprintln(app.Out, "iam: the declarations and the migrations agree; nothing to draft")
				return nil
			}
			if !write {
				fmt.Fprintf(app.Out, "-- up\n%s\n-- down\n%s", up, down)
				return nil
			}
			next, err := nextMigrationNumber(dir)
			if err != nil {
				return err
			}
			head := "-- Drafted by iam schema diff; review every statement, then remove this line.\n"
			for suffix, body := range map[string]string{"up": up, "down": down} {
				path := filepath.Join(dir, fmt.Sprintf("%04d_%s.%s.sql", next, name, suffix))
				if err := os.WriteFile(path, []byte(head+body), 0o644); err != nil {
					return err
				}
				fmt.Fprintf(app.Out, "%s: written\n", path)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&write, "write", false, "write the draft as the next numbered migration")
	cmd.Flags().StringVar(&name, "name", "", "with --write: the migration's name (lower case, digits, underscores)")
	cmd.Flags().StringVar(&dir, "migrations", filepath.Join("migrate", "migrations"), "with --write: the migrations directory")
	return cmd
}

// nextMigrationNumber is one more than the highest NNNN_ prefix in dir.
func nextMigrationNumber(dir string) (int, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("--migrations: %w (run from the repository root or pass --migrations)", err)
	}
	var nums []int
	for _, e := range entries {
		var n int
		if _, err := fmt.Sscanf(e.Name(), "%04d_", &n); err == nil && strings.HasSuffix(e.Name(), ".sql") {
			nums = append(nums, n)
		}
	}
	sort.Ints(nums)
	if len(nums) == 0 {
		return 1, nil
	}
	return nums[len(nums)-1] + 1, nil
}
