-- Down of 0005_oauth_provider_scim: back to the Better Auth ≤ 1.6 shapes
-- of migration 0004, with the data the old shape can hold.
--
-- * Clients become applications again: the id takes back its
--   iam_oauth_application__ prefix (same uuid), client_id, client_secret,
--   name, icon, disabled, owner and audit columns are kept; redirect_uris
--   are joined with commas, metadata is written as JSON text (a JSON string
--   as its text), type is native for native clients, public for clients
--   without authentication (token_endpoint_auth_method none), web for the
--   rest. What 1.7 added (scopes, grant types, logout URIs, ...) is lost.
--   client_secret stays in its stored form: base64url_nopad(SHA-256) after
--   0005 up (or what 1.7 wrote), which a 1.6 oidcProvider accepts only with
--   storeClientSecret: "hashed" (the same form); a NOTICE counts the
--   confidential clients this concerns. A secret cannot be unhashed.
-- * Access and refresh tokens are deleted and counted in a NOTICE: 0005
--   keeps only their SHA-256 hashes and the old shape compares plain
--   tokens; writing a hash where 1.6 expects the token would turn a leaked
--   hash into a working token. Downgrading signs every OAuth client out.
-- * Consents are kept as given (consent_given = true), scopes joined with
--   spaces; reference_id, resources and requested_user_info_claims are
--   lost.
-- * The SCIM 1.7 tables, resources, client-resource links and client
--   assertions are dropped (1.6 has no place for them).

SELECT pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);

DO $$
DECLARE
  a bigint;
  r bigint;
BEGIN
  SELECT count(*) INTO a FROM iam_oauth_access_token;
  SELECT count(*) INTO r FROM iam_oauth_refresh_token;
  IF a + r > 0 THEN
    RAISE NOTICE 'iam 0005 down: % OAuth access token(s) and % refresh token(s) deleted: the 1.6 shape stores plain tokens, 0005 only their hashes', a, r;
  END IF;
  SELECT count(*) INTO a FROM iam_oauth_client WHERE client_secret <> '';
  IF a > 0 THEN
    RAISE NOTICE 'iam 0005 down: % OAuth client(s) keep a hashed secret: run the 1.6 oidcProvider with storeClientSecret: "hashed", or give these clients new secrets', a;
  END IF;
END
$$;

-- iam_oauth_application, as 0001 and 0003 made it.
CREATE TABLE iam_oauth_application (
    id text NOT NULL DEFAULT ('iam_oauth_application__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    organization_id text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    name text,
    icon text,
    metadata text,
    client_id text,
    client_secret text,
    redirect_urls text,
    type text,
    disabled boolean NOT NULL DEFAULT false,
    user_id text,
    CONSTRAINT iam_oauth_application_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_oauth_application_id_key UNIQUE (id),
    CONSTRAINT iam_oauth_application_client_id_key UNIQUE (client_id),
    CONSTRAINT iam_oauth_application_id_check CHECK (id ~ '^iam_oauth_application__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_oauth_application_version_check CHECK (version >= 1)
);
CREATE INDEX oauth_application_organization_id_idx ON iam_oauth_application USING btree (organization_id);
CREATE INDEX oauth_application_user_id_idx ON iam_oauth_application USING btree (user_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_oauth_application FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
CREATE TRIGGER iam_tenant_guard BEFORE UPDATE ON iam_oauth_application FOR EACH ROW WHEN (new.organization_id IS DISTINCT FROM old.organization_id) EXECUTE FUNCTION iam_tenant_guard();
ALTER TABLE iam_oauth_application ENABLE ROW LEVEL SECURITY;
ALTER TABLE iam_oauth_application FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON iam_oauth_application AS PERMISSIVE FOR ALL USING ((organization_id = current_setting('app.current_org_id'::text, true)) OR ((organization_id IS NULL) AND (COALESCE(current_setting('app.current_org_id'::text, true), ''::text) = ''::text))) WITH CHECK ((organization_id = current_setting('app.current_org_id'::text, true)) OR ((organization_id IS NULL) AND (COALESCE(current_setting('app.current_org_id'::text, true), ''::text) = ''::text)));
ALTER TABLE iam_oauth_application ADD CONSTRAINT iam_oauth_application_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES shared_organization (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_oauth_application ADD CONSTRAINT iam_oauth_application_user_id_fkey FOREIGN KEY (user_id) REFERENCES shared_user (id) ON DELETE CASCADE ON UPDATE NO ACTION;

INSERT INTO iam_oauth_application (id, organization_id, created_at, updated_at, deleted_at, created_by, updated_by, deleted_by, version, source,
    name, icon, metadata, client_id, client_secret, redirect_urls, type, disabled, user_id)
SELECT 'iam_oauth_application__' || substr(c.id, 19), c.organization_id, c.created_at, c.updated_at, c.deleted_at, c.created_by, c.updated_by, c.deleted_by, c.version, c.source,
    c.name, c.icon, CASE WHEN jsonb_typeof(c.metadata) = 'string' THEN c.metadata #>> '{}' ELSE c.metadata::text END,
    c.client_id, c.client_secret,
    NULLIF(array_to_string(ARRAY(SELECT jsonb_array_elements_text(c.redirect_uris)), ','), ''),
    CASE WHEN c.application_type = 'native' THEN 'native' WHEN c.token_endpoint_auth_method = 'none' THEN 'public' ELSE 'web' END,
    c.disabled, c.user_id
FROM iam_oauth_client c
ORDER BY c._row_id;

-- Access tokens: emptied, then the old columns.
DELETE FROM iam_oauth_access_token;
DROP TRIGGER iam_sync_reference_org ON iam_oauth_access_token;
DROP TRIGGER iam_same_tenant_refresh_id ON iam_oauth_access_token;
DROP TRIGGER iam_same_tenant_client_id ON iam_oauth_access_token;
DROP INDEX oauth_access_token_refresh_id_idx;
DROP INDEX oauth_access_token_authorization_code_id_idx;
DROP INDEX oauth_access_token_session_id_idx;
ALTER TABLE iam_oauth_access_token DROP CONSTRAINT iam_oauth_access_token_client_id_fkey;
ALTER TABLE iam_oauth_access_token
    DROP COLUMN session_id,
    DROP COLUMN reference_id,
    DROP COLUMN authorization_code_id,
    DROP COLUMN resources,
    DROP COLUMN requested_user_info_claims,
    DROP COLUMN refresh_id,
    DROP COLUMN revoked,
    DROP COLUMN confirmation,
    ALTER COLUMN token DROP NOT NULL,
    ALTER COLUMN expires_at DROP NOT NULL,
    ALTER COLUMN client_id DROP NOT NULL,
    ALTER COLUMN scopes DROP NOT NULL,
    ALTER COLUMN scopes TYPE text USING NULL;
ALTER TABLE iam_oauth_access_token RENAME COLUMN token TO access_token;
ALTER TABLE iam_oauth_access_token RENAME CONSTRAINT iam_oauth_access_token_token_key TO iam_oauth_access_token_access_token_key;
ALTER TABLE iam_oauth_access_token RENAME COLUMN expires_at TO access_token_expires_at;
ALTER TABLE iam_oauth_access_token
    ADD COLUMN refresh_token text,
    ADD COLUMN refresh_token_expires_at timestamptz,
    ADD CONSTRAINT iam_oauth_access_token_refresh_token_key UNIQUE (refresh_token);
ALTER TABLE iam_oauth_access_token ADD CONSTRAINT iam_oauth_access_token_client_id_fkey FOREIGN KEY (client_id) REFERENCES iam_oauth_application (client_id) ON DELETE CASCADE ON UPDATE CASCADE;
CREATE TRIGGER iam_same_tenant_client_id BEFORE INSERT OR UPDATE ON iam_oauth_access_token FOR EACH ROW EXECUTE FUNCTION iam_same_tenant('client_id', 'iam_oauth_application', 'client_id');

-- Consents: kept as given. scopes: the JSON array joined with spaces (this
-- helper lives in the migration's session only and is dropped below).
CREATE FUNCTION pg_temp.iam_0005_words(j jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT array_to_string(ARRAY(SELECT jsonb_array_elements_text(j)), ' ')
$$;
DROP TRIGGER iam_sync_reference_org ON iam_oauth_consent;
DROP TRIGGER iam_same_tenant_client_id ON iam_oauth_consent;
DROP INDEX oauth_consent_reference_id_idx;
ALTER TABLE iam_oauth_consent DROP CONSTRAINT iam_oauth_consent_client_id_fkey;
ALTER TABLE iam_oauth_consent
    DROP COLUMN reference_id,
    DROP COLUMN resources,
    DROP COLUMN requested_user_info_claims,
    ALTER COLUMN scopes TYPE text USING pg_temp.iam_0005_words(scopes),
    ADD COLUMN consent_given boolean NOT NULL DEFAULT true;
ALTER TABLE iam_oauth_consent ALTER COLUMN consent_given SET DEFAULT false;
ALTER TABLE iam_oauth_consent ADD CONSTRAINT iam_oauth_consent_client_id_fkey FOREIGN KEY (client_id) REFERENCES iam_oauth_application (client_id) ON DELETE CASCADE ON UPDATE CASCADE;
CREATE TRIGGER iam_same_tenant_client_id BEFORE INSERT OR UPDATE ON iam_oauth_consent FOR EACH ROW EXECUTE FUNCTION iam_same_tenant('client_id', 'iam_oauth_application', 'client_id');
DROP FUNCTION pg_temp.iam_0005_words(jsonb);

-- What 1.6 has no place for.
DROP TABLE iam_scim_group_member;
DROP TABLE iam_scim_group;
DROP TABLE iam_scim_projection_grant;
DROP TABLE iam_scim_user;
DROP TABLE iam_scim_subject;
DROP TABLE iam_scim_identity_tombstone;
DROP TABLE iam_scim_connection_binding;
DROP TABLE iam_scim_managed_connection_event;
DROP TABLE iam_scim_managed_credential;
DROP TABLE iam_scim_managed_connection;
DROP TABLE iam_oauth_client_assertion;
DROP TABLE iam_oauth_client_resource;
DROP TABLE iam_oauth_resource;
DROP TABLE iam_oauth_refresh_token;
DROP TABLE iam_oauth_client;
DROP FUNCTION iam_sync_reference_org();

-- Privileges of iam_app, iam_auth on iam_oauth_application (as 0001).
DO $$
DECLARE
  r text;
BEGIN
  FOREACH r IN ARRAY ARRAY['iam_app', 'iam_auth'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I TO %I', 'iam_oauth_application', r);
      EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence('iam_oauth_application', '_row_id'), r);
    END IF;
  END LOOP;
END
$$;
