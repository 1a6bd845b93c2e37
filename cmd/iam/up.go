package main

import (
	"os"
	"strings"

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
			res, err := app.applyUp(ctx, migrate.Default().Latest())
			if err != nil {
				return err
			}
			for _, hook := range afterUpHooks {
				v, err := hook.run(ctx, app)
				if err != nil {
					return err
				}
				if v != nil {
					res[hook.name] = v
				}
			}
			if app.DatabaseURL == "" {
				url, err := app.URL(ctx)
				if err != nil {
					return err
				}
				res["url"] = url
				app.Printf("\nconnect with: psql '%s'\n", url)
				app.Printf("stop with:    %s db stop   (data stays in %s)\n", selfName(), app.Dir)
			}
			if app.JSON {
				return app.PrintJSON(res)
			}
			return nil
		},
	}
}

// selfName is how the user ran this command: "go run ./cmd/iam" when the
// binary lives in the go tool's build cache, else "iam".
func selfName() string {
	if exe, err := os.Executable(); err == nil && strings.Contains(exe, "go-build") {
		return "go run ./cmd/iam"
	}
	return "iam"
}
