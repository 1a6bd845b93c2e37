// Package auditlog shows how an application extends the IAM schema with its
// own table, the way the seed's README does with its audit log: an
// organization-scoped table with action, performed_by and jsonb metadata,
// two indexes (organization+action, performed_by) and relations to the
// organization and the user.
//
// The table is declared here, in the application's package, with the same
// factory as the built-in tables (schema.NewOrgTable gives it the global
// columns, organization_id, row level security and the updated_at/version
// trigger, the tenant guard). Its migrations are the application's own
// (migrations/0001_audit_log.up.sql was rendered from the declaration with
// Schema.SQLUp when the table was new; 0002_tenant_guard adds what IAM's
// migration 0003 declared for every organization-scoped table; applied
// migrations are never edited), applied by its own migrator with its own
// version table after the IAM migrations, and checked with the same tools:
// schema.AlignStruct against the AuditLog struct, migrate.Check against a
// live database.
package auditlog
