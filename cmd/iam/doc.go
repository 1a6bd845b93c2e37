// Command iam manages the IAM schema of a PostgreSQL database: migrations,
// the embedded local database, and (in files added by other layers) schema
// rendering, schema checks, Better Auth configuration, demo data and
// benchmarks.
//
//	iam up                          start the local database, migrate it, show status
//	iam migrate up|down [--yes]|status|validate
//	iam db start|stop|status|url|destroy
//	iam version
//
// Global flags: --database-url (default $DATABASE_URL), --json, --dir (the
// embedded database's directory, default ./.iam or $IAM_DIR), --pg-bin (the
// PostgreSQL server binaries, default found on PATH or in
// /usr/lib/postgresql/*/bin, or $IAM_PG_BIN).
//
// Without a database URL every command uses the embedded default: a
// PostgreSQL cluster under ./.iam/ (data, socket, log) created on first use
// from the system's server binaries and started again by later commands.
// It listens on 127.0.0.1 and requires the superuser's password, generated
// at creation and kept in <dir>/password (mode 0600); `iam db url` prints
// the URL with it. An embedded database made by an older iam (trusting
// every local connection) is moved to passwords by the next command, which
// restarts it once. With a database URL, `db url` prints it (password
// redacted) and `db status` checks it (exit 3 when unreachable), while `db
// start|stop|destroy` refuse (exit 2); none of them starts the embedded
// database then.
//
// `iam migrate down` drops data: it needs --yes (or --force), asks on a
// terminal, and refuses with exit 2 under --json or without a terminal.
//
// Exit codes: 0 ok; 1 drift or a failed check (the database disagrees with
// the migrations or the schema); 2 usage (unknown command or flag, bad
// argument); 3 database unreachable or database URL malformed; 4 the
// embedded database cannot run (server binaries missing, data directory
// owned by someone else, port in use, server failed to start); 5 any other
// failure (a migration failed, ...).
//
// cmd/iam is thin: flags, output and exit codes over the library packages,
// nothing else. It sits on top of every layer and nothing imports it.
package main
