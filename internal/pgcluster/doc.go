// Package pgcluster runs a local PostgreSQL cluster from the system's server
// binaries: it finds initdb/pg_ctl/postgres, initialises a data directory as
// an unprivileged OS user when the caller is root (PostgreSQL refuses to run
// as root), and starts, stops and inspects the server.
//
// A TCP cluster (the embedded database) requires the superuser's password
// (scram-sha-256) on every connection; Init generates it into
// Dir/password (mode 0600), URL carries it, and Start moves a cluster made
// by an older version (trust) to it. A socket-only cluster (pgtest) never
// listens on TCP and its socket is mode 0700. Every server runs with
// HardenedSettings, which keep statements, parameters, DETAIL lines and
// client errors (and so the secrets in them) out of the server log.
//
// It is shared low-level code below the layer diagram: pgtest uses it for
// throwaway test clusters and cmd/iam for the embedded default database under
// ./.iam/. It imports nothing of ours and no database driver.
//
// Every failure a user can cause or fix (no binaries, a data directory owned
// by someone else, a port in use, a server that will not start) comes back as
// one error that says what to do, and matches a sentinel with errors.Is.
package pgcluster
