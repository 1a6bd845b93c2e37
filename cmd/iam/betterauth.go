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

func init() { extraCommands = append(extraCommands, newBetterAuthCmd) }

// emitResult is the JSON form of `iam betterauth emit --out DIR`.
type emitResult struct {
	Path    string `json:"path"`
	Bytes   int    `json:"bytes"`
	Changed bool   `json:"changed"`
}

func newBetterAuthCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "betterauth",
		Short: "Better Auth interop: the TypeScript module a Better Auth app runs on this schema with",
		Args:  cobra.NoArgs,
	}
	var out string
	var check bool
	emit := &cobra.Command{
		Use:   "emit",
		Short: "Render the TypeScript module (Drizzle schema + withIam) for Better Auth 1.7",
		Long: `Render, from the schema declarations, the TypeScript module a Better Auth 1.7 app
imports to run on the iam database: "schema" (a Drizzle schema with Better Auth's model and
field names as keys and the iam table and column names as SQL names) and
"withIam(options, db)" (the Drizzle adapter, <table>__<uuidv7> ids, sessions in the database).

Without --out the module is printed. With --out DIR it is written to DIR/` + schema.BetterAuthModuleFile + `;
with --check as well, nothing is written and the command exits 1 when the file differs.
No database is needed.`,
		Example: "  iam betterauth emit --out interop/betterauth\n  iam betterauth emit > src/iam.ts",
		Args:    cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			src, err := schema.BetterAuthModule(schema.IAM())
			if err != nil {
				return Exit(ExitFailure, err)
			}
			if out == "" {
				if check {
					return Usage("--check needs --out DIR (the directory holding %s)", schema.BetterAuthModuleFile)
				}
				_, err := app.Out.Write(src)
				return err
			}
			if st, err := os.Stat(out); err != nil || !st.IsDir() {
				return Usage("--out %q is not a directory", out)
			}
			path := filepath.Join(out, schema.BetterAuthModuleFile)
			old, err := os.ReadFile(path)
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				return Exit(ExitFailure, err)
			}
			res := emitResult{Path: path, Bytes: len(src), Changed: !bytes.Equal(old, src)}
			if check {
				if res.Changed {
					_ = app.JSONOr(res, func() {})
					return Exit(ExitDrift, fmt.Errorf("%s is out of date; refresh it with: iam betterauth emit --out %s", path, out))
				}
				return app.JSONOr(res, func() { app.Printf("%s is up to date\n", path) })
			}
			if res.Changed {
				if err := os.WriteFile(path, src, 0o644); err != nil {
					return Exit(ExitFailure, err)
				}
			}
			return app.JSONOr(res, func() {
				if res.Changed {
					app.Printf("wrote %s (%d bytes)\n", path, res.Bytes)
				} else {
					app.Printf("%s is up to date\n", path)
				}
			})
		},
	}
	emit.Flags().StringVar(&out, "out", "", "directory to write "+schema.BetterAuthModuleFile+" into (default: print to stdout)")
	emit.Flags().BoolVar(&check, "check", false, "with --out: write nothing, exit 1 when the file differs")
	cmd.AddCommand(emit)
	return cmd
}
