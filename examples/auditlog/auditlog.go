package auditlog

import (
	"embed"
	"encoding/json"
	"io/fs"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

// TableName is the audit log's table and the prefix of its ids.
const TableName = "app_audit_log"

// AuditLog is one recorded action of a user in an organization.
type AuditLog struct {
	domain.Audit[AuditLog]
	OrganizationID domain.OrganizationID `db:"organization_id" json:"organizationId"`
	Action         string                `db:"action" json:"action"`
	PerformedBy    domain.UserID         `db:"performed_by" json:"performedBy"`
	Metadata       json.RawMessage       `db:"metadata" json:"metadata,omitempty"` // nil = NULL
}

// TableName implements domain.Entity.
func (AuditLog) TableName() string { return TableName }

// Table declares app_audit_log.
var Table = schema.NewOrgTable(TableName,
	schema.Text("action").Required(),
	schema.Text("performed_by").Required().References(domain.TableUser, schema.ColID, schema.Cascade, schema.Cascade),
	schema.JSONB("metadata"),

	schema.Idx("audit_log_org_action_idx", schema.ColOrganizationID, "action"),
	schema.Idx("audit_log_performed_by_idx", "performed_by"),

	schema.One("organization", domain.TableOrganization, schema.ColOrganizationID),
	schema.One("performer", domain.TableUser, "performed_by"),
).Describe("Actions users performed in an organization.")

// Schema is the application's schema on top of IAM's: its tables can
// reference IAM tables, and the same roles get privileges on them.
var Schema = schema.MustNew("auditlog", schema.IAM(),
	schema.WithTables(Table),
	schema.WithGrants(schema.AppRole, schema.AuthRole),
)

//go:embed migrations/*.sql
var files embed.FS

// VersionTable records the application's migrations, apart from IAM's.
const VersionTable = "auditlog_schema_migrations"

// Migrator applies the application's migrations (run it after IAM's). The
// advisory lock key differs from IAM's so both can run in one deploy.
func Migrator() *migrate.Migrator {
	sub, err := fs.Sub(files, "migrations")
	if err != nil {
		panic(err)
	}
	m, err := migrate.New(sub, migrate.WithTable(VersionTable), migrate.WithLockKey(0x617564697400))
	if err != nil {
		panic("auditlog: malformed migrations: " + err.Error())
	}
	return m
}
