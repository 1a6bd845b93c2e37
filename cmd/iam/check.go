package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

func init() { extraCommands = append(extraCommands, newCheckCmd) }

func newCheckCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "check",
		Short: "Compare the live database with the declared schema (read-only)",
		Long: `Compare the database's current schema with the declared IAM schema through
pg_catalog, read-only: tables, columns (type, nullability, default), indexes
(columns, uniqueness, predicate), foreign keys (target, actions), checks,
enums and their values in order, triggers, row level security and policies,
trigger functions (body, SECURITY INVOKER, search_path pinned to the schema
then pg_temp), and the migration version. Any SECURITY DEFINER function of
the schema, declared or not, without a search_path ending in pg_temp is
reported too: a caller could run code with its owner's rights.

Prints the differences grouped by table (--json for JSON) and exits 1 on any.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := app.Connect(cmd.Context())
			if err != nil {
				return err
			}
			defer conn.Close(cmd.Context())
			r, err := migrate.Check(cmd.Context(), conn, schema.IAM(), migrate.WithMigrations(migrate.Default()))
			if err != nil {
				return err
			}
			if app.JSON {
				if err := r.WriteJSON(app.Out); err != nil {
					return err
				}
			} else if err := r.WriteText(app.Out); err != nil {
				return err
			}
			if !r.OK() {
				return Exit(ExitDrift, fmt.Errorf("%d difference(s) between the database and the declared schema", len(r.Drifts)))
			}
			return nil
		},
	}
}
