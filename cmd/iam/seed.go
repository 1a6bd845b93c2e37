package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/beep/iam/internal/demo"
	"github.com/beep/iam/store"
)

func init() {
	extraCommands = append(extraCommands, newSeedCmd)
	afterUpHooks = append(afterUpHooks, upHook{name: "demo", run: upDemo})
}

// upDemo is `iam up`'s demo step: only on the embedded default database, so
// that `iam up --database-url` in a deploy never writes a demo tenant into a
// real database (`iam seed` does it on purpose anywhere).
func upDemo(ctx context.Context, app *App) (any, error) {
	if app.DatabaseURL != "" {
		app.Printf("\ndemo tenant not created on --database-url/DATABASE_URL (run `%s seed` to create it there)\n", selfName())
		return nil, nil
	}
	rep, err := runSeed(ctx, app)
	if err != nil {
		return nil, err
	}
	printSeed(app, rep)
	return rep, nil
}

func newSeedCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "seed",
		Short: "Create the demo tenant (idempotent)",
		Long: `seed makes sure the demo tenant exists, through the store (role iam_app,
row-level security in force): the organization "demo" with its owner, two
more members, a team, a pending invitation and an API key. Running it again
changes nothing; a run interrupted half-way is completed by the next one.
The API key is printed only when it is created.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := runSeed(cmd.Context(), app)
			if err != nil {
				return err
			}
			return app.JSONOr(rep, func() { printSeed(app, rep) })
		},
	}
}

// runSeed opens the store on the command's database and seeds the demo.
func runSeed(ctx context.Context, app *App) (demo.Report, error) {
	url, err := app.URL(ctx)
	if err != nil {
		return demo.Report{}, err
	}
	s, err := store.Open(ctx, url, store.Options{MaxConns: 4})
	if err != nil {
		return demo.Report{}, Exit(ExitUnreachable, fmt.Errorf("seed: %w", err))
	}
	defer s.Close()
	rep, err := demo.Seed(ctx, s)
	if err != nil {
		return rep, fmt.Errorf("seed: %w", err)
	}
	return rep, nil
}

// printSeed prints the seed report for humans (nothing with --json).
func printSeed(app *App, rep demo.Report) {
	if app.JSON {
		return
	}
	verb := "found"
	if rep.Created {
		verb = "created"
	}
	app.Printf("\ndemo tenant %s: %s (%s)\n", verb, rep.Organization.Name, rep.Organization.ID)
	rows := [][]string{}
	for _, m := range rep.Members {
		rows = append(rows, []string{"member", m.ID.String(), string(m.Role), m.UserID.String()})
	}
	if rep.Team != nil {
		rows = append(rows, []string{"team", rep.Team.ID.String(), rep.Team.Name, ""})
	}
	if rep.Invitation != nil {
		rows = append(rows, []string{"invitation", rep.Invitation.ID.String(), string(rep.Invitation.Status), rep.Invitation.Email})
	}
	if rep.APIKey != nil {
		start := ""
		if rep.APIKey.Start != nil {
			start = *rep.APIKey.Start + "…"
		}
		rows = append(rows, []string{"api key", rep.APIKey.ID.String(), start, ""})
	}
	app.Table([]string{"KIND", "ID", "WHAT", "WHO"}, rows)
	app.Printf("sign in as %s with password %q\n", rep.Owner.Email, rep.Password)
	if rep.PlainAPIKey != "" {
		app.Printf("API key (shown once): %s\n", rep.PlainAPIKey)
	}
}
