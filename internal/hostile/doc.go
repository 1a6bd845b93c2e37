// Package hostile is the permanent hostile-tenant test suite of the IAM
// persistence layer. It has no non-test code: everything is in its _test.go
// files, and it exists to attack the schema, the migrations and the store
// the way a compromised or malicious tenant would.
//
// The attacker:
//
//   - a service login created the way docs/store.md tells deployments to
//     create one (CREATE ROLE svc_x LOGIN IN ROLE iam_app), running its own
//     raw SQL, both as the login itself and after SET ROLE iam_app, with
//     app.current_org_id set to its own organization A, never set, set to
//     the empty string and set to malformed values ('x', '%', "' OR 1=1", "A,B");
//   - Go code holding a store.Store handle s.Org(A) and passing it
//     organization B's ids and parameters.
//
// The victim is organization B and the users who are members of B. What
// the suite refuses to accept:
//
//  1. privilege escalation: any function or view that iam_app can use and
//     that runs with more rights than iam_app (SECURITY DEFINER) must pin
//     search_path with pg_temp explicitly last; every such object, every
//     view and every trigger function is run with pg_temp shadowing in
//     place (pg_temp domains named timestamptz, text, int8, ... whose CHECK
//     calls a pg_temp function that tries ALTER ROLE ... SUPERUSER when it
//     runs as anyone but the attacker, and pg_temp tables named like every
//     IAM table holding forged rows), and the login must end with exactly
//     the rights it started with;
//  2. cross-tenant reads and writes through raw SQL on every
//     organization-scoped table of package schema (a table without a case
//     fails the suite): reading B's rows, inserting rows labelled B,
//     updating and deleting B's rows, moving A's rows out of A, relabelling
//     through reference_id, references from A's rows to B's objects (which
//     must fail exactly like a reference to a missing id, so that they are
//     no existence oracle), sessions planted with B as the active
//     organization, and the cross-tenant view iam_session_lookup;
//  3. duplicate API key hashes that would make a victim's key fail to
//     verify;
//  4. every exported method of *store.Org, *store.OrgTx and of every
//     repository they return (found by reflection: a method without a case
//     fails the suite), and the *store.Store methods that take an
//     organization id, called for A with B's ids.
//
// Every write is judged by a superuser snapshot of B's footprint (every row
// of every table that is B's or names one of B's objects) taken before and
// after the attack; every read by whether a result names anything of B's.
// Payloads are checked to be valid: each one is accepted under its own
// tenant in a rolled-back transaction, so a refusal is the tenancy's doing.
//
// Out of scope: an attacker with raw SQL can call
// set_config('app.current_org_id', B) itself; the suite tests what happens
// within a tenant context, and that escalation out of iam_app is impossible
// in every context.
//
// The suite ends with one line such as
//
//	hostile: 1234 attacks, 1234 refused, 0 escalations, 0 cross-tenant reads, 0 cross-tenant writes
//
// and fails, naming the table or function, the attack and the context, for
// every attack that succeeded. Run it with
//
//	go test -race -count=1 -v ./internal/hostile/
//
// It starts its own PostgreSQL through pgtest (or uses
// IAM_TEST_DATABASE_URL) and needs no network.
package hostile
