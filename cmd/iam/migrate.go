package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/beep/iam/migrate"
)

func newMigrateCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply, roll back and inspect the IAM schema migrations",
		Long: `Apply, roll back and inspect the IAM schema migrations embedded in this
binary. Versions are recorded in the table ` + migrate.DefaultTable + `. Concurrent runs
(several deploys at once) are safe: an advisory lock makes each migration
apply once. An applied migration whose file changed is refused (exit 1).`,
	}
	var to int
	up := &cobra.Command{
		Use:   "up",
		Short: "Apply pending migrations (all, or up to --to)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			target := migrate.Default().Latest()
			if cmd.Flags().Changed("to") {
				target = to
			}
			if target < 0 || target > migrate.Default().Latest() {
				return Usage("--to %d: must be between 0 and %d", target, migrate.Default().Latest())
			}
			return app.migrateUp(cmd.Context(), target)
		},
	}
	up.Flags().IntVar(&to, "to", 0, "apply up to this version only")

	var steps, downTo int
	var yes bool
	down := &cobra.Command{
		Use:   "down",
		Short: "Roll back the last migration (or --steps N, or down --to a version); asks first unless --yes",
		Long: `Roll back the last applied migration, the last --steps N, or every one
above --to N (0: all). Rolling back drops the tables the migrations created
and the data in them, so it needs a confirmation: --yes (or --force), or,
on a terminal, answering "yes" to the question naming the migrations. With
--json or when stdin is not a terminal, down without --yes refuses (exit 2)
and changes nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m := migrate.Default()
			if cmd.Flags().Changed("to") && cmd.Flags().Changed("steps") {
				return Usage("--to and --steps: give one of them")
			}
			if steps < 1 {
				return Usage("--steps %d: must be at least 1", steps)
			}
			if downTo < 0 || downTo > m.Latest() {
				return Usage("--to %d: must be between 0 and %d", downTo, m.Latest())
			}
			conn, err := app.Connect(cmd.Context())
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(cmd.Context()))
			if !yes {
				before, err := m.Status(cmd.Context(), conn)
				if err != nil {
					return err
				}
				revert := toRevert(before, cmd.Flags().Changed("to"), downTo, steps)
				if err := app.confirmDown(cmd.Context(), revert); err != nil {
					return err
				}
			}
			var done []migrate.Step
			if cmd.Flags().Changed("to") {
				done, err = m.DownTo(cmd.Context(), conn, downTo)
			} else {
				done, err = m.Down(cmd.Context(), conn, steps)
			}
			app.printSteps(done)
			if err != nil {
				return err
			}
			st, err := m.Status(cmd.Context(), conn)
			if err != nil {
				return err
			}
			return app.JSONOr(map[string]any{"steps": nonNil(done), "status": st}, func() {
				if len(done) == 0 {
					app.Printf("nothing to roll back\n")
				}
				app.Printf("database at version %d of %d\n", st.Current, st.Latest)
			})
		},
	}
	down.Flags().IntVar(&steps, "steps", 1, "number of migrations to roll back")
	down.Flags().IntVar(&downTo, "to", 0, "roll back every migration above this version (0: all)")
	down.Flags().BoolVarP(&yes, "yes", "y", false, "roll back without asking (the migrations' tables and data are dropped)")
	down.Flags().BoolVar(&yes, "force", false, "same as --yes")

	status := &cobra.Command{
		Use:   "status",
		Short: "List applied (with time) and pending migrations",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := app.Connect(cmd.Context())
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(cmd.Context()))
			st, err := migrate.Default().Status(cmd.Context(), conn)
			if err != nil {
				return err
			}
			return app.JSONOr(st, func() { app.printStatus(st) })
		},
	}
	validate := &cobra.Command{
		Use:   "validate",
		Short: "Check that applied migrations match this binary's files (exit 1 on drift)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conn, err := app.Connect(cmd.Context())
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(cmd.Context()))
			m := migrate.Default()
			st, err := m.Status(cmd.Context(), conn)
			if err != nil {
				return err
			}
			if err := m.Validate(cmd.Context(), conn); err != nil {
				return Exit(ExitDrift, err)
			}
			pending := len(st.Pending())
			return app.JSONOr(map[string]any{"ok": true, "current": st.Current, "latest": st.Latest, "pending": pending}, func() {
				app.Printf("ok: %d applied migrations match their files; %d pending\n", st.Current, pending)
			})
		},
	}
	cmd.AddCommand(up, down, status, validate)
	return cmd
}

// toRevert lists, newest first, the applied migrations that down would
// roll back: those above version to (byTarget), else the last steps.
func toRevert(st *migrate.Status, byTarget bool, to, steps int) []migrate.MigrationStatus {
	var out []migrate.MigrationStatus
	for k := len(st.Migrations) - 1; k >= 0; k-- {
		ms := st.Migrations[k]
		if !ms.Applied {
			continue
		}
		if byTarget && ms.Version <= to || !byTarget && len(out) >= steps {
			break
		}
		out = append(out, ms)
	}
	return out
}

// confirmDown asks on the terminal before migrations are rolled back, and
// refuses (exit 2) without one or with --json. Nothing to roll back needs
// no confirmation.
func (a *App) confirmDown(ctx context.Context, revert []migrate.MigrationStatus) error {
	if len(revert) == 0 {
		return nil
	}
	names := make([]string, len(revert))
	for i, ms := range revert {
		names[i] = fmt.Sprintf("%04d_%s", ms.Version, ms.Name)
	}
	list := strings.Join(names, ", ")
	if a.JSON || !a.Interactive {
		why := "stdin is not a terminal"
		if a.JSON {
			why = "--json asks no questions"
		}
		return Usage("migrate down would roll back %s and drop their tables and data: pass --yes (or --force) to confirm (%s); nothing was rolled back", list, why)
	}
	url, err := a.URL(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Err, "iam migrate down will roll back %d migration(s) on %s:\n", len(revert), redactURL(url))
	for _, n := range names {
		fmt.Fprintf(a.Err, "  %s\n", n)
	}
	fmt.Fprintf(a.Err, "This drops their tables and the data in them. Type \"yes\" to continue: ")
	line, err := bufio.NewReader(a.In).ReadString('\n')
	answer := strings.ToLower(strings.TrimSpace(line))
	if answer != "yes" && answer != "y" {
		if err != nil && answer == "" {
			fmt.Fprintln(a.Err)
		}
		return Usage("migrate down: not confirmed (the answer was not \"yes\"); nothing was rolled back (--yes skips the question)")
	}
	return nil
}

// migrateUp applies the IAM migrations up to target and prints the steps
// and the resulting status.
func (a *App) migrateUp(ctx context.Context, target int) error {
	res, err := a.applyUp(ctx, target)
	if err != nil {
		return err
	}
	if a.JSON {
		return a.PrintJSON(res)
	}
	return nil
}

// applyUp applies the IAM migrations up to target, prints the steps and the
// status for humans, and returns them for --json (the caller prints them, so
// that `iam up` can emit one JSON document).
func (a *App) applyUp(ctx context.Context, target int) (map[string]any, error) {
	conn, err := a.Connect(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	m := migrate.Default()
	done, err := m.UpTo(ctx, conn, target)
	a.printSteps(done)
	if err != nil {
		return nil, err
	}
	st, err := m.Status(ctx, conn)
	if err != nil {
		return nil, err
	}
	if !a.JSON {
		if len(done) == 0 {
			a.Printf("nothing to apply\n")
		}
		a.printStatus(st)
	}
	return map[string]any{"steps": nonNil(done), "status": st}, nil
}

func (a *App) printSteps(steps []migrate.Step) {
	for _, s := range steps {
		verb := "applied"
		if s.Direction == "down" {
			verb = "rolled back"
		}
		a.Printf("%s %04d_%s (%s)\n", verb, s.Version, s.Name, s.Duration.Round(time.Millisecond))
	}
}

func (a *App) printStatus(st *migrate.Status) {
	rows := make([][]string, 0, len(st.Migrations)+len(st.Unknown))
	for _, ms := range st.Migrations {
		state, at := "pending", ""
		if ms.Applied {
			state = "applied"
			if ms.Modified {
				state = "MODIFIED since applied"
			}
			at = ms.AppliedAt.UTC().Format("2006-01-02 15:04:05 UTC")
		}
		rows = append(rows, []string{fmt.Sprintf("%04d", ms.Version), ms.Name, state, at})
	}
	for _, u := range st.Unknown {
		rows = append(rows, []string{fmt.Sprintf("%04d", u.Version), u.Name, "UNKNOWN to this binary", u.AppliedAt.UTC().Format("2006-01-02 15:04:05 UTC")})
	}
	a.Table([]string{"VERSION", "NAME", "STATE", "APPLIED AT"}, rows)
	a.Printf("database at version %d of %d (table %s), %d pending\n", st.Current, st.Latest, st.Table, len(st.Pending()))
}

func nonNil(steps []migrate.Step) []migrate.Step {
	if steps == nil {
		return []migrate.Step{}
	}
	return steps
}
