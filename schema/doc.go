// Package schema declares the PostgreSQL tables of iam in Go and renders them.
//
// It sits between domain and migrate:
//
//	domain  ->  schema  ->  migrate
//	   \           \          |
//	    `---------> store <---'        betterauth -> store
//
// Every table is built with a factory that adds the columns all tables share:
// NewTable for global tables, NewOrgTable for organization-scoped ones (which
// also get organization_id, a foreign key to shared_organization and a row
// level security policy). Columns, indexes, checks, foreign keys, named
// relations and triggers are declared next to each other, one entity per file
// (user.go, member.go, ...). Enum values are never retyped here: they come
// from domain.Enums().
//
// The declarations are the single source of four artefacts, all rendered
// deterministically:
//
//   - the PostgreSQL DDL (SQLUp, SQLDown), committed as migration 0001;
//   - a Mermaid entity-relationship diagram and an SVG picture of it;
//   - the reference tables of docs/schema.md;
//   - the metadata the Better Auth interop renders a Drizzle schema from: each
//     Table's Better Auth model name and each Column's Better Auth field
//     name, type and whether Better Auth writes it.
//
// A malformed declaration (a foreign key to an unknown table or column, a
// duplicate column, an index on an unknown column, ...) is a programmer error:
// the package panics at start-up with a message naming the table and column.
//
// Users extend the schema the same way: declare their own tables with the
// same factories and build a Schema on top of IAM() with New (see the
// audit-log example).
package schema
