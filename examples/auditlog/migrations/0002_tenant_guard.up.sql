-- The organization of an audit entry never changes (IAM migration 0003
-- added the trigger function iam_tenant_guard and schema.NewOrgTable
-- declares the trigger on every organization-scoped table, the
-- application's too). Written by hand: 0001 is applied and frozen.
CREATE TRIGGER iam_tenant_guard BEFORE UPDATE ON app_audit_log FOR EACH ROW WHEN (new.organization_id IS DISTINCT FROM old.organization_id) EXECUTE FUNCTION iam_tenant_guard();
