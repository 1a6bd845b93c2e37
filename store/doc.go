// Package store is the typed, tenant-safe data access layer of iam, on pgx v5.
//
//	domain  ->  schema  ->  migrate
//	   \           \          |
//	    `---------> store <---'        betterauth -> store
//
// Open a Store with a connection URL; it connects through a pgxpool and
// switches every connection to the iam_app role (created by the first
// migration, without BYPASSRLS), so row-level security is always in force.
//
// Global data (users, sessions, accounts, verifications, passkeys, ...) is
// reached through the Store itself. Organization-scoped data (members, teams,
// invitations, roles, API keys of an organization, ...) is reachable only
// through an *Org, a handle bound to one organization id: every statement it
// runs carries that organization id, and every transaction it opens sets
// app.current_org_id for the RLS policies, so a mistake in one query cannot
// reach another tenant's rows.
//
// Every multi-row change is one transaction (InTx retries serialization
// failures and deadlocks a bounded number of times). Errors are sentinel
// values (ErrNotFound, ErrConflict, ErrDuplicate, ErrReference) or the
// domain's *ValidationError, wrapped with the entity, operation and id, and
// never contain a secret.
package store
