package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/cobra"

	"github.com/beep/iam/internal/pgcluster"
)

// embeddedDatabase is the database the embedded cluster serves to commands.
const embeddedDatabase = "iam"

func (a *App) cluster() (*pgcluster.Cluster, error) {
	c, err := pgcluster.New(pgcluster.Config{Dir: a.Dir, BinDir: a.PGBin, TCP: true})
	if err != nil {
		return nil, Exit(ExitLocalServer, err)
	}
	if a.PGBin != "" {
		if _, err := os.Stat(filepath.Join(a.PGBin, "pg_ctl")); err != nil {
			return nil, Exit(ExitLocalServer, fmt.Errorf("%w in --pg-bin %s: %s", pgcluster.ErrNoBinaries, a.PGBin, pgcluster.InstallHint))
		}
	}
	return c, nil
}

// ensureRunning creates the embedded cluster on first use, starts it when
// stopped, and creates its iam database.
func (a *App) ensureRunning(ctx context.Context, c *pgcluster.Cluster) error {
	unlock, err := c.Lock() // a second iam process waits here, then reuses
	if err != nil {
		return Exit(ExitLocalServer, err)
	}
	defer unlock()
	if !c.Initialized() {
		if err := c.Init(ctx); err != nil {
			return Exit(ExitLocalServer, err)
		}
		a.Notef("iam: created a PostgreSQL cluster in %s (first use; data in %s, server runs as OS user %s, password in %s)\n", c.Dir(), c.DataDir(), c.RunAs(), c.PasswordFile())
	}
	// A cluster made by an older iam trusts every local user: Start moves
	// it to password authentication, restarting it once if it runs.
	upgrade := !c.AuthCurrent()
	if _, running := c.PID(); !running || upgrade {
		if err := c.Start(ctx); err != nil {
			if errors.Is(err, pgcluster.ErrPortInUse) {
				err = fmt.Errorf("%w (pick a free one: `iam db start --port N`)", err)
			}
			return Exit(ExitLocalServer, err)
		}
		if upgrade {
			a.Notef("iam: the embedded database in %s now requires a password (scram-sha-256), kept in %s (mode 0600); `iam db url` prints the URL with it\n", c.Dir(), c.PasswordFile())
		}
		a.Notef("iam: started PostgreSQL in %s on 127.0.0.1:%d\n", c.Dir(), c.Port())
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		hint := "see " + c.LogFile()
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && pgErr.Code == "28P01" {
			hint = "the password in " + c.PasswordFile() + " is not the server's: remove that file and run `iam db start` to set a new one"
		}
		return Exit(ExitLocalServer, fmt.Errorf("connect to the embedded database in %s: %w (%s)", c.Dir(), err, hint))
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", embeddedDatabase).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{embeddedDatabase}.Sanitize()); err != nil {
			return fmt.Errorf("create database %s: %w", embeddedDatabase, err)
		}
	}
	return nil
}

// dbStatus is the JSON form of `iam db status` on the embedded database.
type dbStatus struct {
	Embedded    bool   `json:"embedded"` // true
	Dir         string `json:"dir"`
	Initialized bool   `json:"initialized"`
	Running     bool   `json:"running"`
	PID         int    `json:"pid,omitempty"`
	Port        int    `json:"port,omitempty"`
	// URL has the password redacted, except from `iam db start`.
	URL          string `json:"url,omitempty"`
	PasswordFile string `json:"password_file,omitempty"`
	RunAs        string `json:"run_as"`
	BinDir       string `json:"bin_dir"`
	Data         string `json:"data"`
	Log          string `json:"log"`
}

func newDBCmd(app *App) *cobra.Command {
	db := &cobra.Command{
		Use:   "db",
		Short: "Manage the embedded PostgreSQL database under --dir (default ./.iam)",
		Long: `Manage the embedded PostgreSQL database: a cluster under --dir (default
./.iam: data/, socket/, log/postgres.log) that runs from the system's
server binaries on a loopback port chosen at creation. As root the server
runs as the postgres OS user. Every connection needs the superuser's
password, generated at creation and kept in <dir>/password (mode 0600);
` + "`iam db url`" + ` prints the URL with it. Commands without a database URL
create and start it on their own; these commands manage it explicitly.

With --database-url / DATABASE_URL set, ` + "`db url`" + ` prints that URL (password
redacted) and ` + "`db status`" + ` reports whether it is reachable (exit 3 when not);
` + "`db start`, `db stop` and `db destroy`" + ` refuse (exit 2): they manage the
embedded database only. Neither starts the embedded database then.`,
	}
	var port int
	start := &cobra.Command{
		Use:   "start",
		Short: "Create (first time) and start the embedded database; print its URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.embeddedOnly("start"); err != nil {
				return err
			}
			c, err := app.cluster()
			if err != nil {
				return err
			}
			if port != 0 {
				if _, running := c.PID(); running && port != c.Port() {
					return Usage("--port %d: the database is running on port %d; run `iam db stop` first", port, c.Port())
				}
				if port < 1 || port > 65535 {
					return Usage("--port %d: must be between 1 and 65535", port)
				}
				if c.Initialized() {
					if err := c.SetPort(port); err != nil {
						return err
					}
				} else {
					c, err = pgcluster.New(pgcluster.Config{Dir: app.Dir, BinDir: app.PGBin, TCP: true, Port: port})
					if err != nil {
						return Exit(ExitLocalServer, err)
					}
				}
			}
			if err := app.ensureRunning(cmd.Context(), c); err != nil {
				return err
			}
			return app.JSONOr(statusOf(c, true), func() { fmt.Fprintln(app.Out, c.URL(embeddedDatabase)) })
		},
	}
	start.Flags().IntVar(&port, "port", 0, "TCP port on 127.0.0.1 (default: the one chosen at creation, free at the time)")

	stop := &cobra.Command{
		Use:   "stop",
		Short: "Stop the embedded database (its data stays)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.embeddedOnly("stop"); err != nil {
				return err
			}
			c, err := app.cluster()
			if err != nil {
				return err
			}
			_, wasRunning := c.PID()
			if err := c.Stop(cmd.Context()); err != nil {
				return Exit(ExitLocalServer, err)
			}
			return app.JSONOr(statusOf(c, false), func() {
				switch {
				case !c.Initialized():
					app.Printf("no embedded database in %s\n", c.Dir())
				case wasRunning:
					app.Printf("stopped (data kept in %s)\n", c.Dir())
				default:
					app.Printf("not running (data in %s)\n", c.Dir())
				}
			})
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Show whether the embedded database exists and runs (or whether --database-url is reachable)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if app.DatabaseURL != "" {
				return app.urlStatus(cmd.Context())
			}
			c, err := app.cluster()
			if err != nil {
				return err
			}
			s := statusOf(c, false)
			return app.JSONOr(s, func() {
				state := "not created (any command without a database URL creates it)"
				switch {
				case s.Running:
					state = "running, pid " + strconv.Itoa(s.PID)
				case s.Initialized:
					state = "stopped (`iam db start` starts it)"
				}
				rows := [][]string{{"dir", s.Dir}, {"state", state}}
				if s.Initialized {
					rows = append(rows, []string{"url", s.URL + "   (`iam db url` prints the password)"}, []string{"password", s.PasswordFile},
						[]string{"data", s.Data}, []string{"log", s.Log})
				}
				rows = append(rows, []string{"runs as", s.RunAs}, []string{"binaries", s.BinDir})
				app.Table(nil, rows)
			})
		},
	}
	url := &cobra.Command{
		Use:   "url",
		Short: "Print the embedded database's URL with its password (starting it if needed)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if app.DatabaseURL != "" {
				url, err := app.URL(cmd.Context()) // validates; starts nothing
				if err != nil {
					return err
				}
				app.Notef("iam: --database-url/DATABASE_URL is set: this is that database (password redacted), not the embedded one\n")
				u := redactURL(url)
				return app.JSONOr(map[string]any{"url": u, "embedded": false}, func() { fmt.Fprintln(app.Out, u) })
			}
			c, err := app.cluster()
			if err != nil {
				return err
			}
			if err := app.ensureRunning(cmd.Context(), c); err != nil {
				return err
			}
			u := c.URL(embeddedDatabase)
			return app.JSONOr(map[string]any{"url": u, "embedded": true}, func() { fmt.Fprintln(app.Out, u) })
		},
	}
	destroy := &cobra.Command{
		Use:   "destroy",
		Short: "Stop the embedded database and delete its directory and data",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := app.embeddedOnly("destroy"); err != nil {
				return err
			}
			c, err := app.cluster()
			if err != nil {
				return err
			}
			if _, err := os.Stat(c.Dir()); errors.Is(err, os.ErrNotExist) {
				app.Printf("nothing to destroy in %s\n", c.Dir())
				return app.JSONOr(map[string]any{"dir": c.Dir(), "destroyed": false}, func() {})
			}
			if err := c.Destroy(cmd.Context()); err != nil {
				return Exit(ExitLocalServer, err)
			}
			return app.JSONOr(map[string]any{"dir": c.Dir(), "destroyed": true}, func() { app.Printf("destroyed %s\n", c.Dir()) })
		},
	}
	db.AddCommand(start, stop, status, url, destroy)
	return db
}

// statusOf describes the embedded database; its URL carries the password
// only when reveal is set.
func statusOf(c *pgcluster.Cluster, reveal bool) dbStatus {
	st := c.Status()
	s := dbStatus{Embedded: true, Dir: c.Dir(), Initialized: st.Initialized, Running: st.Running, PID: st.PID,
		RunAs: c.RunAs(), BinDir: c.BinDir(), Data: c.DataDir(), Log: c.LogFile()}
	if st.Initialized {
		s.Port, s.URL = c.Port(), c.URL(embeddedDatabase)
		if !reveal {
			s.URL = redactURL(s.URL)
		}
		if c.Password() != "" {
			s.PasswordFile = c.PasswordFile()
		}
	}
	return s
}

// embeddedOnly refuses (exit 2) a db command that manages the embedded
// server when a database URL is given: it would act on another database
// than the one the user named.
func (a *App) embeddedOnly(name string) error {
	if a.DatabaseURL == "" {
		return nil
	}
	return Usage("db %s manages the embedded database only, but --database-url/DATABASE_URL is set: "+
		"pass --database-url '' (or unset DATABASE_URL) to manage the embedded database in %s", name, a.Dir)
}

// urlStatus is the JSON form of `iam db status` with a database URL.
type urlStatus struct {
	Embedded      bool   `json:"embedded"` // false
	URL           string `json:"url"`      // password redacted
	Reachable     bool   `json:"reachable"`
	ServerVersion string `json:"server_version,omitempty"`
	Database      string `json:"database,omitempty"`
	User          string `json:"user,omitempty"`
	Error         string `json:"error,omitempty"`
}

// urlStatus reports on --database-url: reachable or not (then exit 3,
// after printing the report).
func (a *App) urlStatus(ctx context.Context) error {
	url, err := a.URL(ctx) // validates the URL (exit 3 when malformed)
	if err != nil {
		return err
	}
	s := urlStatus{URL: redactURL(url)}
	conn, cerr := a.Connect(ctx)
	if cerr == nil {
		defer conn.Close(context.WithoutCancel(ctx))
		cerr = conn.QueryRow(ctx, "SELECT current_setting('server_version'), current_database(), current_user").
			Scan(&s.ServerVersion, &s.Database, &s.User)
		if cerr != nil {
			cerr = Exit(ExitUnreachable, fmt.Errorf("query the database: %w", cerr))
		}
	}
	s.Reachable = cerr == nil
	if cerr != nil {
		s.Error = oneLine(cerr.Error())
	}
	err = a.JSONOr(s, func() {
		state := "reachable"
		if !s.Reachable {
			state = "unreachable"
		}
		rows := [][]string{{"url", s.URL + "   (--database-url / DATABASE_URL, not the embedded database)"}, {"state", state}}
		if s.Reachable {
			rows = append(rows, []string{"server", s.ServerVersion}, []string{"database", s.Database}, []string{"user", s.User})
		}
		a.Table(nil, rows)
	})
	if err != nil || cerr == nil {
		return err
	}
	return reported(cerr)
}
