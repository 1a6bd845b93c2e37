-- Reverts 0003_security_hardening to the schema of 0002, keeping every
-- row. The rules of 0003 go away (triggers, policies, the unique key hash);
-- iam_verify_api_key becomes the SECURITY DEFINER function of 0002 again.
-- The trigger functions keep their pinned search_path (this schema, then
-- pg_temp): a down migration has no reason to reopen the shadowing hole.

SELECT pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);

CREATE OR REPLACE VIEW iam_session_lookup AS
SELECT s.token AS lookup_token, s AS session, u AS usr, m AS member
FROM shared_session s
JOIN shared_user u ON u.id = s.user_id
LEFT JOIN iam_member m
  ON m.organization_id = s.active_organization_id
 AND m.user_id = s.user_id
 AND m.deleted_at IS NULL;

DROP POLICY apikey_verify_select ON iam_apikey;
DROP POLICY apikey_verify_update ON iam_apikey;
DROP POLICY apikey_verify_delete ON iam_apikey;

DROP POLICY organization_select ON shared_organization;
DROP POLICY organization_insert ON shared_organization;
DROP POLICY organization_update ON shared_organization;
DROP POLICY organization_delete ON shared_organization;
ALTER TABLE shared_organization NO FORCE ROW LEVEL SECURITY;
ALTER TABLE shared_organization DISABLE ROW LEVEL SECURITY;

ALTER POLICY tenant_isolation ON iam_apikey USING ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true))) WITH CHECK ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true)));
ALTER POLICY tenant_isolation ON iam_sso_provider USING ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true))) WITH CHECK ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true)));
ALTER POLICY tenant_isolation ON iam_scim_provider USING ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true))) WITH CHECK ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true)));
ALTER POLICY tenant_isolation ON iam_subscription USING ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true))) WITH CHECK ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true)));
ALTER POLICY tenant_isolation ON iam_oauth_application USING ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true))) WITH CHECK ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true)));
ALTER POLICY tenant_isolation ON iam_oauth_access_token USING ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true))) WITH CHECK ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true)));
ALTER POLICY tenant_isolation ON iam_oauth_consent USING ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true))) WITH CHECK ((organization_id IS NULL) OR (organization_id = current_setting('app.current_org_id'::text, true)));

DROP TRIGGER iam_tenant_guard ON shared_team;
DROP TRIGGER iam_session_check_active_org ON shared_session;
DROP TRIGGER iam_session_check_active_org_on_update ON shared_session;
DROP TRIGGER iam_apikey_derive_owner_on_update ON iam_apikey;
DROP TRIGGER iam_apikey_derive_owner ON iam_apikey;
CREATE TRIGGER iam_apikey_derive_owner BEFORE INSERT OR UPDATE ON iam_apikey FOR EACH ROW EXECUTE FUNCTION iam_apikey_derive_owner();
DROP TRIGGER iam_tenant_guard ON shared_folder;
DROP TRIGGER iam_tenant_guard ON shared_file;
DROP TRIGGER iam_same_tenant_folder_id ON shared_file;
DROP TRIGGER iam_tenant_guard ON iam_member;
DROP TRIGGER iam_tenant_guard ON iam_team_member;
DROP TRIGGER iam_tenant_guard ON iam_invitation;
DROP TRIGGER iam_tenant_guard ON iam_organization_role;
DROP TRIGGER iam_tenant_guard ON iam_apikey;
DROP TRIGGER iam_tenant_guard ON iam_sso_provider;
DROP TRIGGER iam_tenant_guard ON iam_scim_provider;
DROP TRIGGER iam_tenant_guard ON iam_subscription;
DROP TRIGGER iam_tenant_guard ON iam_oauth_application;
DROP TRIGGER iam_tenant_guard ON iam_oauth_access_token;
DROP TRIGGER iam_same_tenant_client_id ON iam_oauth_access_token;
DROP TRIGGER iam_tenant_guard ON iam_oauth_consent;
DROP TRIGGER iam_same_tenant_client_id ON iam_oauth_consent;

DROP FUNCTION iam_tenant_guard();
DROP FUNCTION iam_same_tenant();
DROP FUNCTION iam_session_check_active_org();

DROP INDEX apikey_key_unique_idx;
CREATE INDEX apikey_key_idx ON iam_apikey USING btree (key);

-- The trigger functions of 0001.
-- BEFORE UPDATE on every table: updated_at = now(), version = OLD.version + 1.
CREATE OR REPLACE FUNCTION iam_touch_row() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  NEW.updated_at := now();
  NEW.version := OLD.version + 1;
  RETURN NEW;
END;
$$;

-- BEFORE INSERT OR UPDATE on iam_team_member: organization_id = the team's organization.
CREATE OR REPLACE FUNCTION iam_team_member_derive_org() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  team_org text;
BEGIN
  SELECT t.organization_id INTO team_org FROM shared_team t WHERE t.id = NEW.team_id;
  IF team_org IS NULL THEN
    RAISE EXCEPTION 'iam_team_member.team_id: team % not found', NEW.team_id
      USING ERRCODE = 'foreign_key_violation', COLUMN = 'team_id', TABLE = 'iam_team_member';
  END IF;
  IF NEW.organization_id IS NULL THEN
    NEW.organization_id := team_org;
  ELSIF NEW.organization_id <> team_org THEN
    RAISE EXCEPTION 'iam_team_member.organization_id: % is not the organization of team %', NEW.organization_id, NEW.team_id
      USING ERRCODE = 'check_violation', COLUMN = 'organization_id', TABLE = 'iam_team_member';
  END IF;
  RETURN NEW;
END;
$$;

-- BEFORE INSERT OR UPDATE on iam_invitation: every team of team_id (comma-separated) exists in the organization.
CREATE OR REPLACE FUNCTION iam_invitation_check_teams() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  t text;
BEGIN
  IF NEW.team_id IS NULL OR NEW.team_id = '' THEN
    RETURN NEW;
  END IF;
  FOREACH t IN ARRAY string_to_array(NEW.team_id, ',') LOOP
    IF NOT EXISTS (SELECT 1 FROM shared_team s WHERE s.id = btrim(t) AND s.organization_id = NEW.organization_id) THEN
      RAISE EXCEPTION 'iam_invitation.team_id: team % not found in organization %', btrim(t), NEW.organization_id
        USING ERRCODE = 'foreign_key_violation', COLUMN = 'team_id', TABLE = 'iam_invitation';
    END IF;
  END LOOP;
  RETURN NEW;
END;
$$;

-- BEFORE INSERT OR UPDATE on iam_apikey: reference_id <-> organization_id / user_id.
CREATE OR REPLACE FUNCTION iam_apikey_derive_owner() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF NEW.reference_id IS NULL THEN
    NEW.reference_id := COALESCE(NEW.organization_id, NEW.user_id);
  END IF;
  IF starts_with(NEW.reference_id, 'shared_organization__') THEN
    NEW.organization_id := COALESCE(NEW.organization_id, NEW.reference_id);
  ELSIF starts_with(NEW.reference_id, 'shared_user__') THEN
    NEW.user_id := COALESCE(NEW.user_id, NEW.reference_id);
  END IF;
  RETURN NEW;
END;
$$;

-- BEFORE INSERT OR UPDATE on iam_subscription: reference_id <-> organization_id.
CREATE OR REPLACE FUNCTION iam_subscription_derive_org() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF NEW.reference_id IS NULL THEN
    NEW.reference_id := NEW.organization_id;
  END IF;
  IF starts_with(NEW.reference_id, 'shared_organization__') THEN
    NEW.organization_id := COALESCE(NEW.organization_id, NEW.reference_id);
  END IF;
  RETURN NEW;
END;
$$;

-- iam_verify_api_key as 0002 created it.
DO $do$
BEGIN
EXECUTE format($create$
CREATE OR REPLACE FUNCTION %1$I.iam_verify_api_key(p_hash text, p_config_id text DEFAULT NULL, p_now timestamptz DEFAULT NULL,
  OUT outcome text, OUT try_again_ms bigint, OUT apikey %1$I.iam_apikey)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
AS $fn$
DECLARE
  k %1$I.iam_apikey;
  v_now_ms bigint := floor(extract(epoch FROM COALESCE(p_now, now())) * 1000)::bigint;
  v_now timestamptz := to_timestamp(v_now_ms / 1000.0);
  v_refill_due boolean;
BEGIN
  UPDATE %1$I.iam_apikey AS a SET
    remaining = CASE
      WHEN a.remaining IS NULL THEN NULL
      WHEN a.refill_interval IS NOT NULL AND a.refill_interval <> 0
       AND a.refill_amount IS NOT NULL AND a.refill_amount <> 0
       AND v_now_ms - floor(extract(epoch FROM COALESCE(a.last_refill_at, a.created_at)) * 1000)::bigint > a.refill_interval
        THEN a.refill_amount - 1
      ELSE a.remaining - 1 END,
    last_refill_at = CASE
      WHEN a.remaining IS NOT NULL
       AND a.refill_interval IS NOT NULL AND a.refill_interval <> 0
       AND a.refill_amount IS NOT NULL AND a.refill_amount <> 0
       AND v_now_ms - floor(extract(epoch FROM COALESCE(a.last_refill_at, a.created_at)) * 1000)::bigint > a.refill_interval
        THEN v_now
      ELSE a.last_refill_at END,
    request_count = CASE
      WHEN a.rate_limit_enabled IS FALSE OR a.rate_limit_time_window IS NULL OR a.rate_limit_max IS NULL
        THEN a.request_count
      WHEN a.last_request IS NULL
        OR v_now_ms - floor(extract(epoch FROM a.last_request) * 1000)::bigint >= a.rate_limit_time_window
        THEN 1
      ELSE COALESCE(a.request_count, 0) + 1 END,
    last_request = CASE
      WHEN a.rate_limit_enabled IS NOT FALSE AND (a.rate_limit_time_window IS NULL OR a.rate_limit_max IS NULL)
        THEN a.last_request
      ELSE v_now END
  WHERE a.key = p_hash
    AND (p_config_id IS NULL OR a.config_id = p_config_id)
    AND a.deleted_at IS NULL
    AND a.enabled IS NOT FALSE
    AND (a.expires_at IS NULL OR v_now_ms <= floor(extract(epoch FROM a.expires_at) * 1000)::bigint)
    AND (a.remaining IS NULL OR a.remaining > 0
         OR (a.refill_interval IS NOT NULL AND a.refill_interval <> 0
             AND a.refill_amount IS NOT NULL AND a.refill_amount <> 0
             AND v_now_ms - floor(extract(epoch FROM COALESCE(a.last_refill_at, a.created_at)) * 1000)::bigint > a.refill_interval))
    AND (a.rate_limit_enabled IS FALSE OR a.rate_limit_time_window IS NULL OR a.rate_limit_max IS NULL
         OR a.last_request IS NULL
         OR v_now_ms - floor(extract(epoch FROM a.last_request) * 1000)::bigint > a.rate_limit_time_window
         OR COALESCE(a.request_count, 0) < a.rate_limit_max)
  RETURNING a.* INTO apikey;

  IF FOUND THEN
    outcome := 'valid';
    RETURN;
  END IF;

  -- Refused: find out why. The row may have changed since the UPDATE; the
  -- reason reported is the one that holds now.
  SELECT a.* INTO k FROM %1$I.iam_apikey a
  WHERE a.key = p_hash
    AND (p_config_id IS NULL OR a.config_id = p_config_id)
    AND a.deleted_at IS NULL
  LIMIT 1
  FOR UPDATE;
  IF NOT FOUND THEN
    outcome := 'invalid';
    RETURN;
  END IF;
  apikey := k;

  v_refill_due := k.refill_interval IS NOT NULL AND k.refill_interval <> 0
    AND k.refill_amount IS NOT NULL AND k.refill_amount <> 0
    AND v_now_ms - floor(extract(epoch FROM COALESCE(k.last_refill_at, k.created_at)) * 1000)::bigint > k.refill_interval;

  IF k.enabled IS FALSE THEN
    outcome := 'disabled';
  ELSIF k.expires_at IS NOT NULL AND v_now_ms > floor(extract(epoch FROM k.expires_at) * 1000)::bigint THEN
    DELETE FROM %1$I.iam_apikey WHERE _row_id = k._row_id;
    outcome := 'expired';
  ELSIF k.remaining = 0 AND k.refill_amount IS NULL THEN
    DELETE FROM %1$I.iam_apikey WHERE _row_id = k._row_id;
    outcome := 'usage_exceeded';
  ELSIF k.remaining IS NOT NULL AND k.remaining <= 0 AND NOT v_refill_due THEN
    outcome := 'usage_exceeded';
  ELSE
    outcome := 'rate_limited';
    try_again_ms := k.rate_limit_time_window - (v_now_ms - floor(extract(epoch FROM k.last_request) * 1000)::bigint);
  END IF;
END
$fn$
$create$, current_schema());
END
$do$;

REVOKE ALL ON FUNCTION iam_verify_api_key(text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION iam_verify_api_key(text, text, timestamptz) TO iam_app;
