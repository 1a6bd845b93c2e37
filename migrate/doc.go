// Package migrate applies numbered SQL migrations to PostgreSQL: the IAM
// schema's own, embedded in the binary (Default), or any other set a user
// hands to New (their own migration line, in their own version table).
//
// A set is a directory of files named NNNN_name.up.sql and NNNN_name.down.sql.
// New refuses a malformed set — a gap in the numbers, a duplicate number, an
// up file without its down file, an unparsable name — with an error naming
// the file, so a broken set never reaches a database.
//
// Applying is safe for deploys that run several instances at once: the
// Migrator holds a Postgres advisory lock on its connection for the whole
// run, so concurrent processes apply each migration exactly once. Each
// migration runs in its own transaction together with its version row (a
// failing migration leaves nothing behind), unless its first line is
// "-- iam:no-transaction" (for CREATE INDEX CONCURRENTLY and friends). The
// sha256 of every applied up file is stored; an applied migration whose file
// has changed since is refused by Up, Down and Validate, naming the file.
//
// In the layer diagram migrate sits on top of domain and schema and below
// store:
//
//	domain  ->  schema  ->  migrate
//	   \           \          |
//	    `---------> store <---'
package migrate
