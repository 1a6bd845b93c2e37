// Package pgtest gives tests a real PostgreSQL: a throwaway server started
// from the system's binaries (no Docker) and, for each test, its own freshly
// migrated database, cloned from a template in tens of milliseconds.
//
// Use it from any project:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		pool := pgtest.NewPool(t) // IAM schema applied, dropped after the test
//		...
//	}
//
// The first NewDatabase of a test binary starts the server: it finds the
// server binaries (PATH, then /usr/lib/postgresql/*/bin, newest first),
// initialises a cluster in a temporary directory — as the postgres OS user
// when the tests run as root — with fsync, synchronous_commit and
// full_page_writes off, and listens only on a Unix socket in that
// directory, so it never collides with another server or port. The socket
// (directory and file mode 0700) is reachable only by the server's OS user
// and root, and the server keeps secrets out of its log: it runs with
// pgcluster's hardened settings (log_error_verbosity = terse,
// log_min_error_statement = panic, log_statement = none, log_min_messages =
// log), so neither statements, their parameters, DETAIL lines such as "Key
// (token)=(...) already exists" nor client errors are logged. When the
// binaries are missing the test fails with a message saying what to install.
//
// Each distinct set of migrations is applied once per server to a template
// database whose name is keyed by a hash of the migrations; every
// NewDatabase then clones it with CREATE DATABASE ... TEMPLATE (serialized,
// because Postgres refuses to clone a template another session is using)
// and drops the clone in t.Cleanup. Databases are isolated from each other,
// so tests can run with t.Parallel.
//
// Main stops the server and removes its directory when the tests end, also
// on SIGINT and SIGTERM. In addition a small watchdog process, detached in
// its own process group, stops the server and removes its files as soon as
// the test binary is gone, whatever killed it (a panic, -timeout, SIGKILL).
//
// With IAM_TEST_DATABASE_URL set (a superuser URL, e.g. in CI with a
// service container), pgtest starts nothing and creates and drops its
// databases on that server instead. Templates (pgtest_tpl_*) stay there
// for the next run; the database of a test binary that was killed (t_*)
// stays too, since nothing can tell it from one in use by a concurrent run.
//
// pgtest needs PostgreSQL 13 or newer (DROP DATABASE ... WITH (FORCE)).
//
// The URLs pgtest hands out connect as the superuser postgres. Row-level
// security does not apply to superusers: tests of RLS switch to an ordinary
// role (SET ROLE) first.
package pgtest
