package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/beep/iam/baimport"
)

func init() { extraCommands = append(extraCommands, newImportCmd) }

func newImportCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Import users and everything around them from another system",
	}
	cmd.AddCommand(newImportBetterAuthCmd(app))
	return cmd
}

func newImportBetterAuthCmd(app *App) *cobra.Command {
	var (
		from, mapFile, idMap   string
		dryRun, allowUnknown   bool
		keepExpired, noProgess bool
	)
	cmd := &cobra.Command{
		Use:   "better-auth --from SOURCE_URL",
		Short: "Move a Better Auth database into the iam schema (one transaction)",
		Long: `import better-auth reads a live Better Auth database (--from; its
search_path selects the schema) and writes it into the database migrated by
iam migrate up (--database-url / DATABASE_URL / the embedded default).

The source layout is detected: camelCase tables as auth migrate /
getMigrations create them, snake_case as the Drizzle and Prisma generators
(and Kysely's CamelCasePlugin) create them, either with usePlural's "s".
--map FILE takes Better Auth's own renames as JSON:
  {"user": {"modelName": "users", "fields": {"emailVerified": "email_verified"}}}

Moved: users, accounts, sessions, verifications, organizations, members,
teams, team members, invitations, organization roles, API keys, two-factor
rows, passkeys, JWKS, device codes, SSO providers, subscriptions, wallet
addresses and rate limits. Every row gets a new <table>__<uuidv7> id (time
part from its createdAt) and every reference is rewritten, also apikey and
subscription referenceId, session activeOrganizationId/activeTeamId/
impersonatedBy and comma-separated invitation team lists. Secrets are
copied byte for byte (password hashes, API key hashes, encrypted TOTP
secrets and backup codes, JWKS keys, passkey public keys), sessions keep
their tokens: signed-in users stay signed in. Expired sessions and
verifications are skipped (--keep-expired moves them).

The source is read in one REPEATABLE READ READ ONLY transaction; the
target is written in one transaction by COPY: all or nothing. Rows the
target would refuse (bad e-mail, dangling reference, duplicate, a value
the target already has) are reported by table, source id, field and rule,
and nothing is written. Importing twice is refused: the second run finds
the users' e-mail addresses in the target. --dry-run does every check,
also against the target, and writes nothing.

Progress goes to stderr on a terminal; --json prints JSON lines (progress
events, then the report). Exit 0: imported (or a clean dry run); 1:
problems, nothing written; 3: a database unreachable; 5: other failure.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if from == "" {
				return Usage("--from SOURCE_URL is required (the Better Auth database)")
			}
			opts := baimport.Options{
				Source: from, DryRun: dryRun, AllowUnknownColumns: allowUnknown, KeepExpired: keepExpired,
			}
			if mapFile != "" {
				m, err := baimport.ReadMap(mapFile)
				if err != nil {
					return Usage("%v", err)
				}
				opts.Map = m
			}
			target, err := app.URL(cmd.Context())
			if err != nil {
				return err
			}
			opts.Target = target
			var idFile *os.File
			if idMap != "" && !dryRun {
				idFile, err = os.OpenFile(idMap, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					return Usage("--id-map: %v (it is never overwritten)", err)
				}
				defer idFile.Close()
				opts.IDMap = idFile
			}
			var jsonMu sync.Mutex
			emit := func(v any) {
				jsonMu.Lock()
				defer jsonMu.Unlock()
				b, _ := json.Marshal(v)
				fmt.Fprintf(app.Out, "%s\n", b)
			}
			var bar *tableBar
			switch {
			case app.JSON:
				opts.Progress = func(e baimport.Event) {
					emit(struct {
						Kind string `json:"event"`
						baimport.Event
					}{"progress", e})
				}
			case !noProgess && stderrIsTerminal(app.Err):
				bar = &tableBar{w: app.Err}
				opts.Progress = bar.update
			}
			rep, runErr := baimport.Run(cmd.Context(), opts)
			bar.finish()
			if idFile != nil && (runErr != nil || !rep.Committed) {
				idFile.Close()
				_ = os.Remove(idMap)
			}
			if rep != nil && rep.SourceSchema != "" {
				if app.JSON {
					emit(struct {
						Kind string `json:"event"`
						*baimport.Report
					}{"report", rep})
				} else if err := rep.WriteText(app.Out); err != nil {
					return err
				}
			}
			if runErr != nil {
				if errors.Is(runErr, baimport.ErrProblems) {
					return reported(Exit(ExitDrift, runErr))
				}
				if rep != nil && rep.SourceSchema != "" {
					return reported(runErr)
				}
				return runErr
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "URL of the Better Auth database (read only)")
	f.StringVar(&mapFile, "map", "", "JSON file with Better Auth modelName/fields renames per model")
	f.BoolVar(&dryRun, "dry-run", false, "read and check everything, write nothing")
	f.BoolVar(&allowUnknown, "allow-unknown-columns", false, "leave source columns iam does not store behind (listed in the report) instead of refusing")
	f.BoolVar(&keepExpired, "keep-expired", false, "also move expired sessions and verifications")
	f.StringVar(&idMap, "id-map", "", "write model,old id,new id lines to this new file after the commit (for your own tables)")
	f.BoolVar(&noProgess, "no-progress", false, "no progress bars on a terminal")
	return cmd
}

func stderrIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && isTerminal(f)
}

// tableBar draws one progress line per model and phase on a terminal.
type tableBar struct {
	mu   sync.Mutex
	w    io.Writer
	cur  string
	last int
}

func (b *tableBar) update(e baimport.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	key := e.Phase + " " + e.Model
	if key != b.cur {
		if b.cur != "" {
			fmt.Fprintln(b.w)
		}
		b.cur, b.last = key, -1
	}
	pct := 100
	if e.Total > 0 {
		pct = e.Done * 100 / e.Total
	}
	if pct == b.last {
		return
	}
	b.last = pct
	const width = 30
	fill := pct * width / 100
	fmt.Fprintf(b.w, "\r%-5s %-16s [%s%s] %3d%% %d/%d", e.Phase, e.Model, strings.Repeat("#", fill), strings.Repeat(".", width-fill), pct, e.Done, e.Total)
}

func (b *tableBar) finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cur != "" {
		fmt.Fprintln(b.w)
	}
}
