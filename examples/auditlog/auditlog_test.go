package auditlog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/examples/auditlog"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A database created from the declaration alone (Schema.SQLUp, what a new
// application renders as its first migration) and one that went through the
// committed migrations are the same schema: both check clean.
func TestAuditLog_FreshRenderingChecksClean(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t)
	ctx := context.Background()
	_, err := conn.Exec(ctx, auditlog.Schema.SQLUp("test"))
	require.NoError(t, err)
	r, err := migrate.Check(ctx, conn, auditlog.Schema)
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
}

func TestAuditLog_StructMatchesTable(t *testing.T) {
	t.Parallel()
	require.Empty(t, schema.AlignStruct(auditlog.AuditLog{}, auditlog.Table))
}

func TestAuditLog_MigratedDatabaseChecksCleanAndRoundTrips(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t, pgtest.WithMigrator(auditlog.Migrator()))
	ctx := context.Background()

	r, err := migrate.Check(ctx, conn, auditlog.Schema, migrate.WithMigrations(auditlog.Migrator()))
	require.NoError(t, err)
	require.True(t, r.OK(), "%v", r.Drifts)
	r, err = migrate.Check(ctx, conn, schema.IAM(), migrate.WithMigrations(migrate.Default()))
	require.NoError(t, err)
	require.True(t, r.OK(), "the application's table does not disturb the IAM check: %v", r.Drifts)

	var user, org string
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO shared_user (name, email) VALUES ('Ada', 'ada@example.com') RETURNING id`).Scan(&user))
	require.NoError(t, conn.QueryRow(ctx, `INSERT INTO shared_organization (name, slug) VALUES ('A', 'a') RETURNING id`).Scan(&org))
	entry := auditlog.AuditLog{
		Audit:          domain.NewAudit[auditlog.AuditLog](),
		OrganizationID: domain.MustParseID[domain.Organization](org),
		Action:         "member.invited",
		PerformedBy:    domain.MustParseID[domain.User](user),
		Metadata:       json.RawMessage(`{"email": "bob@example.com"}`),
	}
	_, err = conn.Exec(ctx, `INSERT INTO app_audit_log (id, organization_id, action, performed_by, metadata) VALUES ($1, $2, $3, $4, $5)`,
		entry.ID, entry.OrganizationID, entry.Action, entry.PerformedBy, entry.Metadata)
	require.NoError(t, err)

	rows, err := conn.Query(ctx, `SELECT * FROM app_audit_log WHERE organization_id = $1 AND action = $2`, org, "member.invited")
	require.NoError(t, err)
	got, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[auditlog.AuditLog])
	require.NoError(t, err)
	require.Equal(t, entry.ID, got.ID)
	require.Equal(t, int32(1), got.Version)
	require.Equal(t, entry.PerformedBy, got.PerformedBy)
	require.JSONEq(t, string(entry.Metadata), string(got.Metadata))
}

func TestAuditLog_DriftInTheApplicationTableIsReported(t *testing.T) {
	t.Parallel()
	conn := pgtest.NewConn(t, pgtest.WithMigrator(auditlog.Migrator()))
	ctx := context.Background()
	_, err := conn.Exec(ctx, `DROP INDEX audit_log_performed_by_idx`)
	require.NoError(t, err)
	r, err := migrate.Check(ctx, conn, auditlog.Schema)
	require.NoError(t, err)
	require.Equal(t, []migrate.Drift{{Table: auditlog.TableName, Kind: migrate.KindIndex, Name: "audit_log_performed_by_idx",
		Problem: migrate.Missing, Want: "(performed_by)"}}, r.Drifts)
}

// Example shows the audit log declared in the application's own package:
// its relations are navigable and its struct lines up with its table.
func Example() {
	t := auditlog.Schema.Table(auditlog.TableName)
	fmt.Println(t.Name, "is", t.Tenancy, "scoped, RLS:", t.RLS())
	for _, r := range t.Relations {
		fmt.Printf("%s -> %s via %s\n", r.Name, r.TargetTable().Name, r.ForeignKey().Name)
	}
	for _, ix := range t.Indexes {
		fmt.Println(ix.Name, ix.Columns)
	}
	fmt.Println(len(schema.AlignStruct(auditlog.AuditLog{}, t)), "alignment problems")
	// Output:
	// app_audit_log is organization scoped, RLS: true
	// organization -> shared_organization via organization_id
	// performer -> shared_user via performed_by
	// app_audit_log_organization_id_idx [organization_id]
	// audit_log_org_action_idx [organization_id action]
	// audit_log_performed_by_idx [performed_by]
	// 0 alignment problems
}
