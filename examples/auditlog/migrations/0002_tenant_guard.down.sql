DROP TRIGGER IF EXISTS iam_tenant_guard ON app_audit_log;
