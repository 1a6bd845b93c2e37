package main

import (
	"github.com/spf13/cobra"

	"github.com/beep/iam/migrate"
)

func newUpCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "up",
		Short: "Start the embedded database (or use --database-url), migrate it, and show its status",
		Long: `The one command to get a working IAM database: without a database URL it
creates (first time) and starts the embedded PostgreSQL under ./.iam/, then
applies every pending migration, runs the follow-up steps other layers
register (such as a demo tenant), and prints the status and the URL to
connect with.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if err := app.migrateUp(ctx, migrate.Default().Latest()); err != nil {
				return err
			}
			for _, hook := range afterUpHooks {
				if err := hook(ctx, app); err != nil {
					return err
				}
			}
			if app.DatabaseURL == "" {
				url, err := app.URL(ctx)
				if err != nil {
					return err
				}
				app.Printf("\nconnect with: psql '%s'\n", url)
				app.Printf("stop with:    go run ./cmd/iam db stop   (data stays in %s)\n", app.Dir)
			}
			return nil
		},
	}
}
