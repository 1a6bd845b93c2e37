package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/beep/iam/internal/pgcluster"
	"github.com/beep/iam/migrate"
)

// Exit codes of the iam command (see the package documentation).
const (
	// ExitOK: the command did what was asked.
	ExitOK = 0
	// ExitDrift: the database disagrees with the migrations or the schema
	// (an edited applied migration, a failed check).
	ExitDrift = 1
	// ExitUsage: unknown command or flag, or a bad argument.
	ExitUsage = 2
	// ExitUnreachable: the database URL is malformed or the server cannot
	// be reached.
	ExitUnreachable = 3
	// ExitLocalServer: the embedded database cannot run (server binaries
	// missing, data directory owned by another user, port in use, start
	// failure).
	ExitLocalServer = 4
	// ExitFailure: anything else (a migration failed, ...).
	ExitFailure = 5
)

// ExitError carries the exit code an error should end the command with.
// Commands return Exit(code, err) to choose one; other errors are mapped by
// their kind (see exitCode).
type ExitError struct {
	Code int
	Err  error
}

// Error implements error.
func (e *ExitError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ExitError) Unwrap() error { return e.Err }

// Exit wraps err so the command exits with code.
func Exit(code int, err error) error {
	if err == nil {
		return nil
	}
	return &ExitError{Code: code, Err: err}
}

// reportedError is an error whose command already printed its JSON
// document (e.g. `db status` saying unreachable): run prints the error line
// to stderr but no second JSON document.
type reportedError struct{ error }

func (e reportedError) Unwrap() error { return e.error }

func reported(err error) error { return reportedError{err} }

// Usage wraps a bad-argument error (exit 2).
func Usage(format string, args ...any) error {
	return Exit(ExitUsage, fmt.Errorf(format, args...))
}

// extraCommands is the registry through which other files add top-level
// commands without touching this one. In its own file, e.g. cmd/iam/schema.go:
//
//	func init() { extraCommands = append(extraCommands, newSchemaCmd) }
//
//	func newSchemaCmd(app *App) *cobra.Command {
//		return &cobra.Command{Use: "schema", RunE: func(cmd *cobra.Command, _ []string) error {
//			conn, err := app.Connect(cmd.Context())
//			...
//			return app.JSONOr(v, func() { app.Table(headers, rows) })
//		}}
//	}
//
// The App gives every command the resolved database (URL, Connect, Pool),
// the output writers and helpers, and the exit-code conventions (Exit,
// Usage). Commands are added in registration order after the built-in ones.
var extraCommands []func(*App) *cobra.Command

// afterUpHooks run at the end of `iam up`, after the migrations, in order,
// each with the same App (e.g. the store layer's demo tenant). A hook prints
// its human output through app.Printf and returns what it did; with --json,
// `iam up` prints one document with the migrations and each hook's result
// under the hook's name (nil results are left out).
var afterUpHooks []upHook

// upHook is one step of `iam up` after the migrations.
type upHook struct {
	name string
	run  func(ctx context.Context, app *App) (any, error)
}

// App is the state shared by all commands: global flags, output and the
// database they work on.
type App struct {
	// DatabaseURL is --database-url or $DATABASE_URL; empty selects the
	// embedded default database.
	DatabaseURL string
	// Dir is the embedded database's directory (--dir, $IAM_DIR, ./.iam).
	Dir string
	// PGBin is the server binaries' directory (--pg-bin, $IAM_PG_BIN); empty
	// searches PATH and /usr/lib/postgresql.
	PGBin string
	// JSON selects machine-readable output.
	JSON bool
	// Out and Err are stdout and stderr.
	Out, Err io.Writer
	// In is stdin, read for confirmations; Interactive says whether it is
	// a terminal (without one, commands that need a confirmation refuse
	// unless given --yes).
	In          io.Reader
	Interactive bool

	resolved string // the URL once resolved
	pool     *pgxpool.Pool
}

// URL returns the database URL the commands use: DatabaseURL, or the
// embedded default, which it creates and starts when needed.
func (a *App) URL(ctx context.Context) (string, error) {
	if a.resolved != "" {
		return a.resolved, nil
	}
	if a.DatabaseURL != "" {
		if _, err := pgx.ParseConfig(a.DatabaseURL); err != nil {
			return "", Exit(ExitUnreachable, fmt.Errorf("invalid database URL (--database-url / DATABASE_URL): %w", err))
		}
		a.resolved = a.DatabaseURL
		return a.resolved, nil
	}
	c, err := a.cluster()
	if err != nil {
		return "", err
	}
	if err := a.ensureRunning(ctx, c); err != nil {
		return "", err
	}
	a.resolved = c.URL(embeddedDatabase)
	return a.resolved, nil
}

// Connect opens one connection to the database (the caller closes it). An
// unreachable database gives exit code 3 with a hint.
func (a *App) Connect(ctx context.Context) (*pgx.Conn, error) {
	url, err := a.URL(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, Exit(ExitUnreachable, fmt.Errorf("invalid database URL: %w", err))
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, Exit(ExitUnreachable, fmt.Errorf("cannot connect to the database: %w; check that the server runs and that --database-url / DATABASE_URL is right", err))
	}
	return conn, nil
}

// Pool returns a connection pool on the database, shared by the command's
// callers and closed when the command ends.
func (a *App) Pool(ctx context.Context) (*pgxpool.Pool, error) {
	if a.pool != nil {
		return a.pool, nil
	}
	url, err := a.URL(ctx)
	if err != nil {
		return nil, err
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, Exit(ExitUnreachable, fmt.Errorf("invalid database URL: %w", err))
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = pool.Ping(ctx)
	}
	if err != nil {
		if pool != nil {
			pool.Close()
		}
		return nil, Exit(ExitUnreachable, fmt.Errorf("cannot connect to the database: %w; check that the server runs and that --database-url / DATABASE_URL is right", err))
	}
	a.pool = pool
	return pool, nil
}

// Printf writes human output (suppressed with --json).
func (a *App) Printf(format string, args ...any) {
	if !a.JSON {
		fmt.Fprintf(a.Out, format, args...)
	}
}

// Notef writes a progress note to stderr (kept out of stdout so --json
// output stays parseable).
func (a *App) Notef(format string, args ...any) {
	fmt.Fprintf(a.Err, format, args...)
}

// PrintJSON writes v as indented JSON to stdout.
func (a *App) PrintJSON(v any) error {
	enc := json.NewEncoder(a.Out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// JSONOr prints v as JSON with --json, and otherwise calls human.
func (a *App) JSONOr(v any, human func()) error {
	if a.JSON {
		return a.PrintJSON(v)
	}
	human()
	return nil
}

func (a *App) close() {
	if a.pool != nil {
		a.pool.Close()
		a.pool = nil
	}
}

func newRootCmd(app *App) *cobra.Command {
	root := &cobra.Command{
		Use:   "iam",
		Short: "Manage the IAM schema of a PostgreSQL database",
		Long: `iam manages the IAM schema of a PostgreSQL database.

Without --database-url (or DATABASE_URL) every command uses the embedded
default: a PostgreSQL cluster under ./.iam/ that the first use creates from
the system's server binaries and later uses start and reuse.

Exit codes: 0 ok, 1 drift or failed check, 2 usage, 3 database unreachable
or URL malformed, 4 embedded database cannot run, 5 other failure.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	f := root.PersistentFlags()
	f.StringVar(&app.DatabaseURL, "database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL (default $DATABASE_URL; empty: the embedded database)")
	f.BoolVar(&app.JSON, "json", false, "print machine-readable JSON")
	f.StringVar(&app.Dir, "dir", envOr("IAM_DIR", ".iam"), "directory of the embedded database (default $IAM_DIR or .iam)")
	f.StringVar(&app.PGBin, "pg-bin", os.Getenv("IAM_PG_BIN"), "directory of the PostgreSQL server binaries (default $IAM_PG_BIN, PATH, /usr/lib/postgresql/*/bin)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return Exit(ExitUsage, err) })

	root.AddCommand(newUpCmd(app), newMigrateCmd(app), newDBCmd(app), newVersionCmd(app))
	for _, f := range extraCommands {
		root.AddCommand(f(app))
	}
	return root
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// run executes the command line with the process's stdin and returns the
// exit code; errors are printed as one line to stderr (and as JSON to stdout
// with --json).
func run(args []string, stdout, stderr io.Writer) int {
	return runIO(args, os.Stdin, isTerminal(os.Stdin), stdout, stderr)
}

// runIO is run with a given stdin, which is a terminal when interactive.
func runIO(args []string, stdin io.Reader, interactive bool, stdout, stderr io.Writer) int {
	app := &App{Out: stdout, Err: stderr, In: stdin, Interactive: interactive}
	defer app.close()
	root := newRootCmd(app)
	root.SetArgs(args)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	code := exitCode(err)
	msg := oneLine(err.Error())
	if code == ExitUsage {
		msg += " (see `iam --help`)"
	}
	fmt.Fprintf(stderr, "iam: %s\n", msg)
	var rep reportedError
	if app.JSON && !errors.As(err, &rep) {
		_ = app.PrintJSON(map[string]any{"error": msg, "exit_code": code})
	}
	return code
}

// oneLine folds a multi-line error (pgx lists every connection attempt on
// its own line) into one line, dropping repeated lines.
func oneLine(msg string) string {
	var parts []string
	for _, l := range strings.Split(msg, "\n") {
		l = strings.TrimSpace(l)
		if l != "" && (len(parts) == 0 || parts[len(parts)-1] != l) {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

// exitCode maps an error to the documented exit codes.
func exitCode(err error) int {
	var ee *ExitError
	var connErr *pgconn.ConnectError
	var parseErr *pgconn.ParseConfigError
	switch {
	case errors.As(err, &ee):
		return ee.Code
	case errors.Is(err, migrate.ErrChecksumMismatch), errors.Is(err, migrate.ErrUnknownVersion):
		return ExitDrift
	case errors.Is(err, pgcluster.ErrNoBinaries), errors.Is(err, pgcluster.ErrNotOwner),
		errors.Is(err, pgcluster.ErrPortInUse), errors.Is(err, pgcluster.ErrStart):
		return ExitLocalServer
	case errors.As(err, &connErr), errors.As(err, &parseErr):
		return ExitUnreachable
	}
	// cobra's own argument errors carry no type.
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "invalid argument", "flag needs an argument"} {
		if strings.HasPrefix(msg, p) {
			return ExitUsage
		}
	}
	return ExitFailure
}
