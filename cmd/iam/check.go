package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

func init() { extraCommands = append(extraCommands, newCheckCmd) }

func newCheckCmd(app *App) *cobra.Command {
	var citus bool
	cmd := &cobra.Command{
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

Prints the differences grouped by table (--json for JSON) and exits 1 on any.

With --citus it checks instead what Citus would refuse or need changed if
the live schema were distributed the way docs/scaling.md describes (it
needs no Citus: it reads the catalog): which tables distribute by
organization_id (the organization table by its id), which become
reference tables and which stay local; primary keys, unique indexes and
foreign keys without the distribution column; foreign keys between
distributed, reference and local tables that Citus refuses; NULL allowed
in the distribution column; triggers, RLS policies (subqueries, settings
the workers would not see), SECURITY DEFINER functions, identity columns
and sequences; and the lookups (Better Auth's among them) that carry no
organization_id and so fan out to every shard. Exits 1 when anything
would be refused or need a change, 0 when only fan-out findings (or
none) remain.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := app.Connect(cmd.Context())
			if err != nil {
				return err
			}
			defer conn.Close(cmd.Context())
			if citus {
				r, err := migrate.CitusCheck(cmd.Context(), conn)
				if err != nil {
					return err
				}
				if app.JSON {
					err = r.WriteJSON(app.Out)
				} else {
					err = r.WriteText(app.Out)
				}
				if err != nil {
					return err
				}
				if !r.OK() {
					return Exit(ExitDrift, fmt.Errorf("citus: %d finding(s) Citus would refuse, %d that would need a change",
						r.Count(migrate.CitusRefuse), r.Count(migrate.CitusChange)))
				}
				return nil
			}
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
	cmd.Flags().BoolVar(&citus, "citus", false, "check the schema against the Citus layout of docs/scaling.md instead of the declarations")
	return cmd
}
