-- Better Auth 1.7's OAuth provider and SCIM (issue 11): the tables of
-- @better-auth/oauth-provider 1.7.5 and @better-auth/scim 1.7.5, checked
-- field by field against the installed packages' own schema. Hand-written
-- from the draft of `iam schema diff`; the declarations in package schema
-- (schema/oauth_provider.go, schema/scim.go) describe the result.
--
-- Tables:
-- * iam_oauth_client replaces iam_oauth_application (Better Auth ≤ 1.6
--   oauthApplication, which 1.7 no longer has). Every application becomes a
--   client: the id keeps its uuid (the prefix follows the table: typed ids),
--   client_id, name, icon,
--   disabled, owner and audit columns are kept; redirect_urls (comma
--   separated) becomes the JSON array redirect_uris; type becomes
--   application_type (native -> native, anything else -> web) and
--   token_endpoint_auth_method (public and user-agent-based -> none: they
--   had no secret); metadata (JSON text) becomes jsonb (text that is not
--   JSON is kept as a JSON string); grant_types authorization_code and
--   refresh_token, response_types code (what the 1.6 provider allowed).
--   client_secret: a 1.6 oidcProvider stored it plain by default, 1.7's
--   oauth-provider looks it up as base64url_nopad(SHA-256(secret)) by
--   default (storeClientSecret "hashed", the same form as 1.6's "hashed"
--   option). So a secret is hashed into that form, unless it already has
--   it (43 base64url characters: 1.6 with storeClientSecret "hashed"; a
--   1.6 generated plain secret is 32 letters) or the migration runs with
--   the setting iam.migrate_client_secrets = 'keep' (a custom hash or
--   encryption: then nothing is touched). A NOTICE counts each case. No
--   plain secret stays at rest, and a default 1.7 server accepts the
--   clients' existing secrets. See docs/betterauth.md.
-- * iam_oauth_access_token is reshaped in place (ids kept): access_token
--   becomes token = base64url(SHA-256(access_token)), the form 1.7 looks up
--   by default (storeTokens "hashed"), so old opaque tokens keep working
--   until they expire; access_token_expires_at becomes expires_at; scopes
--   (space separated) a JSON array. The refresh token of the old pair moves
--   to the new iam_oauth_refresh_token (token hashed the same way, the id
--   takes the access token's uuid) and refresh_id links the two. Rows the
--   new shape cannot hold are deleted and counted in a NOTICE: an access
--   token without token, expiry or client; a refresh token without expiry
--   or user (1.7 requires both).
-- * iam_oauth_consent is reshaped in place (ids kept): a 1.7 consent row is
--   a consent given, so rows with consent_given = false are deleted (they
--   granted nothing; the user is asked again) and counted in a NOTICE;
--   scopes becomes a JSON array; reference_id, resources and
--   requested_user_info_claims are new.
-- * New: iam_oauth_resource, iam_oauth_client_resource,
--   iam_oauth_refresh_token, iam_oauth_client_assertion (its ids are
--   written by Better Auth: no typed-id check), and the SCIM 1.7 tables
--   iam_scim_* (global: no SCIM row carries an organization).
-- * iam_scim_provider (scim ≤ 1.6) stays: 1.7 does not use the model name,
--   so the two coexist; its connections are code-defined now.
--
-- Tenancy: clients, tokens, consents and client-resource links are
-- optional-tenant tables with the tenant policy, the tenant guard and
-- iam_same_tenant on every client reference (and refresh_id); the new
-- trigger function iam_sync_reference_org ties reference_id to
-- organization_id (rule 3 of docs/security.md, as for API keys): a
-- reference to an organization makes the row that organization's, a row of
-- an organization references no other one, an organization's client
-- references that organization.
--
-- Every statement runs in the migration's one transaction; ALTER ... USING
-- rewrites rows without firing the updated_at/version trigger, so moved
-- rows keep their audit columns.

SELECT pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);
CREATE OR REPLACE FUNCTION iam_sync_reference_org() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  v_owner boolean := TG_NARGS > 0 AND TG_ARGV[0] = 'owner';
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.reference_id IS NOT DISTINCT FROM OLD.reference_id
     AND NEW.organization_id IS NOT DISTINCT FROM OLD.organization_id THEN
    RETURN NEW;
  END IF;
  IF v_owner AND NEW.reference_id IS NULL THEN
    NEW.reference_id := NEW.organization_id;
  END IF;
  IF starts_with(NEW.reference_id, 'shared_organization__') THEN
    NEW.organization_id := COALESCE(NEW.organization_id, NEW.reference_id);
    IF NEW.organization_id <> NEW.reference_id THEN
      RAISE EXCEPTION '%.reference_id: a row of an organization cannot reference another organization (organization_id)', TG_TABLE_NAME
        USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = TG_TABLE_NAME;
    END IF;
  ELSIF v_owner AND NEW.organization_id IS NOT NULL THEN
    RAISE EXCEPTION '%.reference_id: an organization''s client must reference that organization (organization_id)', TG_TABLE_NAME
      USING ERRCODE = 'check_violation', COLUMN = 'reference_id', TABLE = TG_TABLE_NAME;
  END IF;
  RETURN NEW;
END;
$$;

-- Clients, from the applications. metadata was JSON text: what parses
-- becomes that jsonb, anything else a JSON string of the text (this helper
-- lives in the migration's session only and is dropped below).
CREATE FUNCTION pg_temp.iam_0005_jsonb(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN t::jsonb;
EXCEPTION WHEN invalid_text_representation THEN
  RETURN to_jsonb(t);
END
$$;
-- iam_oauth_client (optional organization), Better Auth model oauthClient
CREATE TABLE iam_oauth_client (
    id text NOT NULL DEFAULT ('iam_oauth_client__'::text || gen_random_uuid()),
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
    client_id text NOT NULL,
    client_secret text,
    client_discovery_id text,
    disabled boolean NOT NULL DEFAULT false,
    skip_consent boolean,
    enable_end_session boolean,
    subject_type text,
    scopes jsonb,
    client_credentials_scopes jsonb DEFAULT '[]'::jsonb,
    user_id text,
    name text,
    uri text,
    icon text,
    contacts jsonb,
    tos text,
    policy text,
    software_id text,
    software_version text,
    software_statement text,
    redirect_uris jsonb NOT NULL,
    post_logout_redirect_uris jsonb,
    backchannel_logout_uri text,
    backchannel_logout_session_required boolean,
    token_endpoint_auth_method text,
    application_type text,
    jwks text,
    jwks_uri text,
    grant_types jsonb,
    response_types jsonb,
    require_pkce boolean,
    dpop_bound_access_tokens boolean DEFAULT false,
    reference_id text,
    metadata jsonb,
    CONSTRAINT iam_oauth_client_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_oauth_client_id_key UNIQUE (id),
    CONSTRAINT iam_oauth_client_client_id_key UNIQUE (client_id),
    CONSTRAINT iam_oauth_client_id_check CHECK (id ~ '^iam_oauth_client__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_oauth_client_version_check CHECK (version >= 1),
    CONSTRAINT oauth_client_redirect_uris_array_check CHECK (jsonb_typeof(redirect_uris) = 'array'::text)
);
CREATE INDEX oauth_client_organization_id_idx ON iam_oauth_client USING btree (organization_id);
CREATE INDEX oauth_client_user_id_idx ON iam_oauth_client USING btree (user_id);
CREATE INDEX oauth_client_reference_id_idx ON iam_oauth_client USING btree (reference_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_oauth_client FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
CREATE TRIGGER iam_tenant_guard BEFORE UPDATE ON iam_oauth_client FOR EACH ROW WHEN (new.organization_id IS DISTINCT FROM old.organization_id) EXECUTE FUNCTION iam_tenant_guard();
CREATE TRIGGER iam_sync_reference_org BEFORE INSERT OR UPDATE ON iam_oauth_client FOR EACH ROW EXECUTE FUNCTION iam_sync_reference_org('owner');
ALTER TABLE iam_oauth_client ENABLE ROW LEVEL SECURITY;
ALTER TABLE iam_oauth_client FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON iam_oauth_client AS PERMISSIVE FOR ALL USING ((organization_id = current_setting('app.current_org_id'::text, true)) OR ((organization_id IS NULL) AND (COALESCE(current_setting('app.current_org_id'::text, true), ''::text) = ''::text))) WITH CHECK ((organization_id = current_setting('app.current_org_id'::text, true)) OR ((organization_id IS NULL) AND (COALESCE(current_setting('app.current_org_id'::text, true), ''::text) = ''::text)));
ALTER TABLE iam_oauth_client ADD CONSTRAINT iam_oauth_client_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES shared_organization (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_oauth_client ADD CONSTRAINT iam_oauth_client_user_id_fkey FOREIGN KEY (user_id) REFERENCES shared_user (id) ON DELETE CASCADE ON UPDATE NO ACTION;

INSERT INTO iam_oauth_client (id, organization_id, created_at, updated_at, deleted_at, created_by, updated_by, deleted_by, version, source,
    client_id, client_secret, disabled, user_id, name, icon, metadata, redirect_uris,
    application_type, token_endpoint_auth_method, grant_types, response_types)
SELECT 'iam_oauth_client__' || substr(a.id, 24), a.organization_id, a.created_at, a.updated_at, a.deleted_at, a.created_by, a.updated_by, a.deleted_by, a.version, a.source,
    a.client_id,
    CASE WHEN a.client_secret IS NULL OR a.client_secret = ''
           OR COALESCE(current_setting('iam.migrate_client_secrets', true), '') = 'keep'
           OR a.client_secret ~ '^[A-Za-z0-9_-]{43}$' THEN a.client_secret
         ELSE rtrim(translate(encode(sha256(convert_to(a.client_secret, 'UTF8')), 'base64'), '+/', '-_'), '=') END,
    a.disabled, a.user_id, a.name, a.icon,
    pg_temp.iam_0005_jsonb(a.metadata),
    COALESCE(to_jsonb(array_remove(ARRAY(SELECT btrim(u) FROM unnest(string_to_array(a.redirect_urls, ',')) u), '')), '[]'::jsonb),
    CASE WHEN a.type = 'native' THEN 'native' ELSE 'web' END,
    CASE WHEN a.type IN ('public', 'user-agent-based') THEN 'none' END,
    '["authorization_code", "refresh_token"]'::jsonb, '["code"]'::jsonb
FROM iam_oauth_application a
WHERE a.client_id IS NOT NULL
ORDER BY a._row_id;

DO $$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM iam_oauth_application WHERE client_id IS NULL;
  IF n > 0 THEN
    RAISE NOTICE 'iam 0005: % OAuth application(s) without client_id dropped (no client can be made of them)', n;
  END IF;
  IF COALESCE(current_setting('iam.migrate_client_secrets', true), '') = 'keep' THEN
    SELECT count(*) INTO n FROM iam_oauth_application WHERE client_id IS NOT NULL AND client_secret <> '';
    RAISE NOTICE 'iam 0005: % OAuth client secret(s) kept as stored (iam.migrate_client_secrets = keep): configure storeClientSecret in oauthProvider to match', n;
  ELSE
    SELECT count(*) INTO n FROM iam_oauth_application
    WHERE client_id IS NOT NULL AND client_secret <> '' AND client_secret !~ '^[A-Za-z0-9_-]{43}$';
    IF n > 0 THEN
      RAISE NOTICE 'iam 0005: % plain OAuth client secret(s) hashed into the 1.7 default form (storeClientSecret "hashed"): the clients keep their secrets', n;
    END IF;
    SELECT count(*) INTO n FROM iam_oauth_application
    WHERE client_id IS NOT NULL AND client_secret ~ '^[A-Za-z0-9_-]{43}$';
    IF n > 0 THEN
      RAISE NOTICE 'iam 0005: % OAuth client secret(s) already in the hashed form kept as they are', n;
    END IF;
  END IF;
  SELECT count(*) INTO n FROM iam_oauth_application WHERE type = 'user-agent-based';
  IF n > 0 THEN
    RAISE NOTICE 'iam 0005: % user-agent-based OAuth application(s) became public web clients (token_endpoint_auth_method none); down restores them as type public', n;
  END IF;
END
$$;

-- iam_oauth_resource (global), Better Auth model oauthResource
CREATE TABLE iam_oauth_resource (
    id text NOT NULL DEFAULT ('iam_oauth_resource__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    identifier text NOT NULL,
    name text NOT NULL,
    access_token_ttl integer,
    refresh_token_ttl integer,
    signing_algorithm text,
    signing_key_id text,
    allowed_scopes jsonb,
    custom_claims jsonb,
    dpop_bound_access_tokens_required boolean DEFAULT false,
    disabled boolean DEFAULT false,
    policy_version integer DEFAULT 1,
    metadata jsonb,
    CONSTRAINT iam_oauth_resource_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_oauth_resource_id_key UNIQUE (id),
    CONSTRAINT iam_oauth_resource_identifier_key UNIQUE (identifier),
    CONSTRAINT iam_oauth_resource_id_check CHECK (id ~ '^iam_oauth_resource__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_oauth_resource_version_check CHECK (version >= 1)
);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_oauth_resource FOR EACH ROW EXECUTE FUNCTION iam_touch_row();

-- iam_oauth_client_resource (optional organization), Better Auth model oauthClientResource
CREATE TABLE iam_oauth_client_resource (
    id text NOT NULL DEFAULT ('iam_oauth_client_resource__'::text || gen_random_uuid()),
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
    client_id text NOT NULL,
    resource_id text NOT NULL,
    metadata jsonb,
    CONSTRAINT iam_oauth_client_resource_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_oauth_client_resource_id_key UNIQUE (id),
    CONSTRAINT iam_oauth_client_resource_id_check CHECK (id ~ '^iam_oauth_client_resource__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_oauth_client_resource_version_check CHECK (version >= 1)
);
CREATE INDEX oauth_client_resource_organization_id_idx ON iam_oauth_client_resource USING btree (organization_id);
CREATE UNIQUE INDEX oauth_client_resource_client_resource_unique_idx ON iam_oauth_client_resource USING btree (client_id, resource_id);
CREATE INDEX oauth_client_resource_resource_id_idx ON iam_oauth_client_resource USING btree (resource_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_oauth_client_resource FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
CREATE TRIGGER iam_tenant_guard BEFORE UPDATE ON iam_oauth_client_resource FOR EACH ROW WHEN (new.organization_id IS DISTINCT FROM old.organization_id) EXECUTE FUNCTION iam_tenant_guard();
CREATE TRIGGER iam_same_tenant_client_id BEFORE INSERT OR UPDATE ON iam_oauth_client_resource FOR EACH ROW EXECUTE FUNCTION iam_same_tenant('client_id', 'iam_oauth_client', 'client_id');
ALTER TABLE iam_oauth_client_resource ENABLE ROW LEVEL SECURITY;
ALTER TABLE iam_oauth_client_resource FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON iam_oauth_client_resource AS PERMISSIVE FOR ALL USING ((organization_id = current_setting('app.current_org_id'::text, true)) OR ((organization_id IS NULL) AND (COALESCE(current_setting('app.current_org_id'::text, true), ''::text) = ''::text))) WITH CHECK ((organization_id = current_setting('app.current_org_id'::text, true)) OR ((organization_id IS NULL) AND (COALESCE(current_setting('app.current_org_id'::text, true), ''::text) = ''::text)));
ALTER TABLE iam_oauth_client_resource ADD CONSTRAINT iam_oauth_client_resource_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES shared_organization (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_oauth_client_resource ADD CONSTRAINT iam_oauth_client_resource_client_id_fkey FOREIGN KEY (client_id) REFERENCES iam_oauth_client (client_id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_oauth_client_resource ADD CONSTRAINT iam_oauth_client_resource_resource_id_fkey FOREIGN KEY (resource_id) REFERENCES iam_oauth_resource (identifier) ON DELETE CASCADE ON UPDATE CASCADE;

-- iam_oauth_refresh_token (optional organization), Better Auth model oauthRefreshToken
CREATE TABLE iam_oauth_refresh_token (
    id text NOT NULL DEFAULT ('iam_oauth_refresh_token__'::text || gen_random_uuid()),
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
    token text NOT NULL,
    client_id text NOT NULL,
    session_id text,
    user_id text NOT NULL,
    reference_id text,
    authorization_code_id text,
    resources jsonb,
    requested_user_info_claims jsonb,
    expires_at timestamptz NOT NULL,
    revoked timestamptz,
    rotated_at timestamptz,
    rotation_replay_response text,
    rotation_replay_expires_at timestamptz,
    auth_time timestamptz,
    confirmation jsonb,
    scopes jsonb NOT NULL,
    CONSTRAINT iam_oauth_refresh_token_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_oauth_refresh_token_id_key UNIQUE (id),
    CONSTRAINT iam_oauth_refresh_token_token_key UNIQUE (token),
    CONSTRAINT iam_oauth_refresh_token_id_check CHECK (id ~ '^iam_oauth_refresh_token__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_oauth_refresh_token_version_check CHECK (version >= 1)
);
CREATE INDEX oauth_refresh_token_organization_id_idx ON iam_oauth_refresh_token USING btree (organization_id);
CREATE INDEX oauth_refresh_token_client_id_idx ON iam_oauth_refresh_token USING btree (client_id);
CREATE INDEX oauth_refresh_token_session_id_idx ON iam_oauth_refresh_token USING btree (session_id);
CREATE INDEX oauth_refresh_token_user_id_idx ON iam_oauth_refresh_token USING btree (user_id);
CREATE INDEX oauth_refresh_token_authorization_code_id_idx ON iam_oauth_refresh_token USING btree (authorization_code_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_oauth_refresh_token FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
CREATE TRIGGER iam_tenant_guard BEFORE UPDATE ON iam_oauth_refresh_token FOR EACH ROW WHEN (new.organization_id IS DISTINCT FROM old.organization_id) EXECUTE FUNCTION iam_tenant_guard();
CREATE TRIGGER iam_same_tenant_client_id BEFORE INSERT OR UPDATE ON iam_oauth_refresh_token FOR EACH ROW EXECUTE FUNCTION iam_same_tenant('client_id', 'iam_oauth_client', 'client_id');
CREATE TRIGGER iam_sync_reference_org BEFORE INSERT OR UPDATE ON iam_oauth_refresh_token FOR EACH ROW EXECUTE FUNCTION iam_sync_reference_org();
ALTER TABLE iam_oauth_refresh_token ENABLE ROW LEVEL SECURITY;
ALTER TABLE iam_oauth_refresh_token FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON iam_oauth_refresh_token AS PERMISSIVE FOR ALL USING ((organization_id = current_setting('app.current_org_id'::text, true)) OR ((organization_id IS NULL) AND (COALESCE(current_setting('app.current_org_id'::text, true), ''::text) = ''::text))) WITH CHECK ((organization_id = current_setting('app.current_org_id'::text, true)) OR ((organization_id IS NULL) AND (COALESCE(current_setting('app.current_org_id'::text, true), ''::text) = ''::text)));
ALTER TABLE iam_oauth_refresh_token ADD CONSTRAINT iam_oauth_refresh_token_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES shared_organization (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_oauth_refresh_token ADD CONSTRAINT iam_oauth_refresh_token_client_id_fkey FOREIGN KEY (client_id) REFERENCES iam_oauth_client (client_id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_oauth_refresh_token ADD CONSTRAINT iam_oauth_refresh_token_session_id_fkey FOREIGN KEY (session_id) REFERENCES shared_session (id) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE iam_oauth_refresh_token ADD CONSTRAINT iam_oauth_refresh_token_user_id_fkey FOREIGN KEY (user_id) REFERENCES shared_user (id) ON DELETE CASCADE ON UPDATE NO ACTION;

-- Refresh tokens, from the old access/refresh pairs.
DO $$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM iam_oauth_access_token
  WHERE refresh_token IS NOT NULL AND (refresh_token_expires_at IS NULL OR user_id IS NULL OR client_id IS NULL);
  IF n > 0 THEN
    RAISE NOTICE 'iam 0005: % OAuth refresh token(s) dropped: 1.7 needs an expiry, a user and a client (their access tokens move if they can)', n;
  END IF;
  SELECT count(*) INTO n FROM iam_oauth_access_token
  WHERE access_token IS NULL OR access_token_expires_at IS NULL OR client_id IS NULL;
  IF n > 0 THEN
    RAISE NOTICE 'iam 0005: % OAuth access token(s) dropped: 1.7 needs a token, an expiry and a client', n;
  END IF;
END
$$;
INSERT INTO iam_oauth_refresh_token (id, organization_id, created_at, updated_at, deleted_at, created_by, updated_by, deleted_by, version, source,
    token, client_id, user_id, expires_at, scopes)
SELECT 'iam_oauth_refresh_token__' || substr(t.id, 25), t.organization_id, t.created_at, t.updated_at, t.deleted_at, t.created_by, t.updated_by, t.deleted_by, t.version, t.source,
    rtrim(translate(encode(sha256(convert_to(t.refresh_token, 'UTF8')), 'base64'), '+/', '-_'), '='), t.client_id, t.user_id, t.refresh_token_expires_at, COALESCE(to_jsonb(array_remove(regexp_split_to_array(btrim(t.scopes), '\s+'), '')), '[]'::jsonb)
FROM iam_oauth_access_token t
WHERE t.refresh_token IS NOT NULL AND t.refresh_token_expires_at IS NOT NULL AND t.user_id IS NOT NULL AND t.client_id IS NOT NULL
ORDER BY t._row_id;

-- Access tokens, reshaped in place.
DELETE FROM iam_oauth_access_token WHERE access_token IS NULL OR access_token_expires_at IS NULL OR client_id IS NULL;
DROP TRIGGER iam_same_tenant_client_id ON iam_oauth_access_token;
ALTER TABLE iam_oauth_access_token DROP CONSTRAINT iam_oauth_access_token_client_id_fkey;
ALTER TABLE iam_oauth_access_token DROP CONSTRAINT iam_oauth_access_token_refresh_token_key;
ALTER TABLE iam_oauth_access_token RENAME COLUMN access_token TO token;
ALTER TABLE iam_oauth_access_token RENAME CONSTRAINT iam_oauth_access_token_access_token_key TO iam_oauth_access_token_token_key;
ALTER TABLE iam_oauth_access_token RENAME COLUMN access_token_expires_at TO expires_at;
ALTER TABLE iam_oauth_access_token
    ALTER COLUMN token TYPE text USING rtrim(translate(encode(sha256(convert_to(token, 'UTF8')), 'base64'), '+/', '-_'), '='),
    ALTER COLUMN refresh_token TYPE text USING (CASE WHEN refresh_token IS NOT NULL AND refresh_token_expires_at IS NOT NULL AND user_id IS NOT NULL
        THEN 'iam_oauth_refresh_token__' || substr(id, 25) END),
    ALTER COLUMN scopes TYPE jsonb USING COALESCE(to_jsonb(array_remove(regexp_split_to_array(btrim(scopes), '\s+'), '')), '[]'::jsonb);
ALTER TABLE iam_oauth_access_token RENAME COLUMN refresh_token TO refresh_id;
ALTER TABLE iam_oauth_access_token DROP COLUMN refresh_token_expires_at;
ALTER TABLE iam_oauth_access_token
    ALTER COLUMN token SET NOT NULL,
    ALTER COLUMN expires_at SET NOT NULL,
    ALTER COLUMN client_id SET NOT NULL,
    ALTER COLUMN scopes SET NOT NULL,
    ADD COLUMN session_id text,
    ADD COLUMN reference_id text,
    ADD COLUMN authorization_code_id text,
    ADD COLUMN resources jsonb,
    ADD COLUMN requested_user_info_claims jsonb,
    ADD COLUMN revoked timestamptz,
    ADD COLUMN confirmation jsonb;
ALTER TABLE iam_oauth_access_token ADD CONSTRAINT iam_oauth_access_token_client_id_fkey FOREIGN KEY (client_id) REFERENCES iam_oauth_client (client_id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_oauth_access_token ADD CONSTRAINT iam_oauth_access_token_session_id_fkey FOREIGN KEY (session_id) REFERENCES shared_session (id) ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE iam_oauth_access_token ADD CONSTRAINT iam_oauth_access_token_refresh_id_fkey FOREIGN KEY (refresh_id) REFERENCES iam_oauth_refresh_token (id) ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX oauth_access_token_session_id_idx ON iam_oauth_access_token USING btree (session_id);
CREATE INDEX oauth_access_token_authorization_code_id_idx ON iam_oauth_access_token USING btree (authorization_code_id);
CREATE INDEX oauth_access_token_refresh_id_idx ON iam_oauth_access_token USING btree (refresh_id);
CREATE TRIGGER iam_same_tenant_client_id BEFORE INSERT OR UPDATE ON iam_oauth_access_token FOR EACH ROW EXECUTE FUNCTION iam_same_tenant('client_id', 'iam_oauth_client', 'client_id');
CREATE TRIGGER iam_same_tenant_refresh_id BEFORE INSERT OR UPDATE ON iam_oauth_access_token FOR EACH ROW EXECUTE FUNCTION iam_same_tenant('refresh_id', 'iam_oauth_refresh_token', 'id');
CREATE TRIGGER iam_sync_reference_org BEFORE INSERT OR UPDATE ON iam_oauth_access_token FOR EACH ROW EXECUTE FUNCTION iam_sync_reference_org();

-- Consents, reshaped in place: a 1.7 row is a consent given.
DO $$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM iam_oauth_consent WHERE NOT consent_given;
  IF n > 0 THEN
    RAISE NOTICE 'iam 0005: % OAuth consent(s) with consent_given = false dropped: a 1.7 consent row grants its scopes (the user is asked again)', n;
  END IF;
END
$$;
DELETE FROM iam_oauth_consent WHERE NOT consent_given;
DROP TRIGGER iam_same_tenant_client_id ON iam_oauth_consent;
ALTER TABLE iam_oauth_consent DROP CONSTRAINT iam_oauth_consent_client_id_fkey;
ALTER TABLE iam_oauth_consent
    ALTER COLUMN scopes TYPE jsonb USING COALESCE(to_jsonb(array_remove(regexp_split_to_array(btrim(scopes), '\s+'), '')), '[]'::jsonb),
    DROP COLUMN consent_given,
    ADD COLUMN reference_id text,
    ADD COLUMN resources jsonb,
    ADD COLUMN requested_user_info_claims jsonb;
ALTER TABLE iam_oauth_consent ADD CONSTRAINT iam_oauth_consent_client_id_fkey FOREIGN KEY (client_id) REFERENCES iam_oauth_client (client_id) ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX oauth_consent_reference_id_idx ON iam_oauth_consent USING btree (reference_id);
CREATE TRIGGER iam_same_tenant_client_id BEFORE INSERT OR UPDATE ON iam_oauth_consent FOR EACH ROW EXECUTE FUNCTION iam_same_tenant('client_id', 'iam_oauth_client', 'client_id');
CREATE TRIGGER iam_sync_reference_org BEFORE INSERT OR UPDATE ON iam_oauth_consent FOR EACH ROW EXECUTE FUNCTION iam_sync_reference_org();

-- The applications are clients now.
DROP TABLE iam_oauth_application;
DROP FUNCTION pg_temp.iam_0005_jsonb(text);

-- iam_oauth_client_assertion (global), Better Auth model oauthClientAssertion
CREATE TABLE iam_oauth_client_assertion (
    id text NOT NULL DEFAULT ('iam_oauth_client_assertion__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    expires_at timestamptz NOT NULL,
    CONSTRAINT iam_oauth_client_assertion_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_oauth_client_assertion_id_key UNIQUE (id),
    CONSTRAINT iam_oauth_client_assertion_version_check CHECK (version >= 1)
);
CREATE INDEX oauth_client_assertion_expires_at_idx ON iam_oauth_client_assertion USING btree (expires_at);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_oauth_client_assertion FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
-- iam_scim_managed_connection (global), Better Auth model scimManagedConnection
CREATE TABLE iam_scim_managed_connection (
    id text NOT NULL DEFAULT ('iam_scim_managed_connection__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    creation_request_id text NOT NULL,
    connection_id text NOT NULL,
    provisioning_domain_id text NOT NULL,
    status text NOT NULL,
    revision integer NOT NULL,
    decommission_started_at timestamptz,
    decommission_started_by text,
    decommissioned_at timestamptz,
    decommissioned_by text,
    CONSTRAINT iam_scim_managed_connection_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_managed_connection_id_key UNIQUE (id),
    CONSTRAINT iam_scim_managed_connection_creation_request_id_key UNIQUE (creation_request_id),
    CONSTRAINT iam_scim_managed_connection_connection_id_key UNIQUE (connection_id),
    CONSTRAINT iam_scim_managed_connection_id_check CHECK (id ~ '^iam_scim_managed_connection__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_managed_connection_version_check CHECK (version >= 1)
);
CREATE INDEX scim_managed_connection_provisioning_domain_id_idx ON iam_scim_managed_connection USING btree (provisioning_domain_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_managed_connection FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
-- iam_scim_managed_credential (global), Better Auth model scimManagedCredential
CREATE TABLE iam_scim_managed_credential (
    id text NOT NULL DEFAULT ('iam_scim_managed_credential__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    connection_record_id text NOT NULL,
    credential_id text NOT NULL,
    token_digest text NOT NULL,
    hash_version text NOT NULL,
    active_slot_key text NOT NULL,
    status text NOT NULL,
    serialized_scopes text NOT NULL,
    expires_at timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by text,
    decommissioned_at timestamptz,
    CONSTRAINT iam_scim_managed_credential_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_managed_credential_id_key UNIQUE (id),
    CONSTRAINT iam_scim_managed_credential_credential_id_key UNIQUE (credential_id),
    CONSTRAINT iam_scim_managed_credential_active_slot_key_key UNIQUE (active_slot_key),
    CONSTRAINT iam_scim_managed_credential_id_check CHECK (id ~ '^iam_scim_managed_credential__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_managed_credential_version_check CHECK (version >= 1)
);
CREATE INDEX scim_managed_credential_connection_record_id_idx ON iam_scim_managed_credential USING btree (connection_record_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_managed_credential FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
ALTER TABLE iam_scim_managed_credential ADD CONSTRAINT iam_scim_managed_credential_connection_record_id_fkey FOREIGN KEY (connection_record_id) REFERENCES iam_scim_managed_connection (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- iam_scim_managed_connection_event (global), Better Auth model scimManagedConnectionEvent
CREATE TABLE iam_scim_managed_connection_event (
    id text NOT NULL DEFAULT ('iam_scim_managed_connection_event__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    connection_record_id text NOT NULL,
    event_key text NOT NULL,
    sequence integer NOT NULL,
    type text NOT NULL,
    actor_id text NOT NULL,
    credential_id text,
    CONSTRAINT iam_scim_managed_connection_event_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_managed_connection_event_id_key UNIQUE (id),
    CONSTRAINT iam_scim_managed_connection_event_event_key_key UNIQUE (event_key),
    CONSTRAINT iam_scim_managed_connection_event_id_check CHECK (id ~ '^iam_scim_managed_connection_event__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_managed_connection_event_version_check CHECK (version >= 1)
);
CREATE INDEX scim_managed_connection_event_connection_record_id_idx ON iam_scim_managed_connection_event USING btree (connection_record_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_managed_connection_event FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
ALTER TABLE iam_scim_managed_connection_event ADD CONSTRAINT iam_scim_managed_connection_event_connection_record_id_fkey FOREIGN KEY (connection_record_id) REFERENCES iam_scim_managed_connection (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- iam_scim_connection_binding (global), Better Auth model scimConnectionBinding
CREATE TABLE iam_scim_connection_binding (
    id text NOT NULL DEFAULT ('iam_scim_connection_binding__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    connection_id text NOT NULL,
    connection_key text NOT NULL,
    provisioning_domain_id text NOT NULL,
    decommissioned_at timestamptz,
    decommission_status text NOT NULL DEFAULT 'active'::text,
    decommission_cursor_user_id text,
    decommission_reconciled_user_count integer NOT NULL DEFAULT 0,
    decommission_batch_count integer NOT NULL DEFAULT 0,
    decommission_revision integer NOT NULL DEFAULT 0,
    decommission_completed_at timestamptz,
    decommission_lease_id text,
    decommission_lease_expires_at timestamptz,
    CONSTRAINT iam_scim_connection_binding_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_connection_binding_id_key UNIQUE (id),
    CONSTRAINT iam_scim_connection_binding_connection_key_key UNIQUE (connection_key),
    CONSTRAINT iam_scim_connection_binding_id_check CHECK (id ~ '^iam_scim_connection_binding__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_connection_binding_version_check CHECK (version >= 1)
);
CREATE INDEX scim_connection_binding_connection_id_idx ON iam_scim_connection_binding USING btree (connection_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_connection_binding FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
-- iam_scim_identity_tombstone (global), Better Auth model scimIdentityTombstone
CREATE TABLE iam_scim_identity_tombstone (
    id text NOT NULL DEFAULT ('iam_scim_identity_tombstone__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    connection_id text NOT NULL,
    provisioning_domain_id text NOT NULL,
    external_id text NOT NULL,
    external_id_key text NOT NULL,
    user_id text NOT NULL,
    profile text NOT NULL,
    identity_deleted_at timestamptz NOT NULL,
    CONSTRAINT iam_scim_identity_tombstone_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_identity_tombstone_id_key UNIQUE (id),
    CONSTRAINT iam_scim_identity_tombstone_external_id_key_key UNIQUE (external_id_key),
    CONSTRAINT iam_scim_identity_tombstone_id_check CHECK (id ~ '^iam_scim_identity_tombstone__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_identity_tombstone_version_check CHECK (version >= 1)
);
CREATE INDEX scim_identity_tombstone_connection_id_idx ON iam_scim_identity_tombstone USING btree (connection_id);
CREATE INDEX scim_identity_tombstone_provisioning_domain_id_idx ON iam_scim_identity_tombstone USING btree (provisioning_domain_id);
CREATE INDEX scim_identity_tombstone_user_id_idx ON iam_scim_identity_tombstone USING btree (user_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_identity_tombstone FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
ALTER TABLE iam_scim_identity_tombstone ADD CONSTRAINT iam_scim_identity_tombstone_user_id_fkey FOREIGN KEY (user_id) REFERENCES shared_user (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- iam_scim_subject (global), Better Auth model scimSubject
CREATE TABLE iam_scim_subject (
    id text NOT NULL DEFAULT ('iam_scim_subject__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    user_id text NOT NULL,
    profile_source_id text,
    revision integer NOT NULL,
    CONSTRAINT iam_scim_subject_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_subject_id_key UNIQUE (id),
    CONSTRAINT iam_scim_subject_user_id_key UNIQUE (user_id),
    CONSTRAINT iam_scim_subject_id_check CHECK (id ~ '^iam_scim_subject__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_subject_version_check CHECK (version >= 1)
);
CREATE INDEX scim_subject_profile_source_id_idx ON iam_scim_subject USING btree (profile_source_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_subject FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
ALTER TABLE iam_scim_subject ADD CONSTRAINT iam_scim_subject_user_id_fkey FOREIGN KEY (user_id) REFERENCES shared_user (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- iam_scim_user (global), Better Auth model scimUser
CREATE TABLE iam_scim_user (
    id text NOT NULL DEFAULT ('iam_scim_user__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    connection_id text NOT NULL,
    provisioning_domain_id text NOT NULL,
    user_id text NOT NULL,
    connection_user_key text NOT NULL,
    user_name text NOT NULL,
    user_name_key text NOT NULL,
    primary_email text NOT NULL,
    work_email_value_index text NOT NULL,
    email_value_index text NOT NULL,
    display_name text NOT NULL,
    formatted_name text NOT NULL,
    given_name text,
    family_name text,
    serialized_emails text NOT NULL,
    serialized_attributes text,
    external_id text,
    external_id_key text,
    active boolean NOT NULL,
    order_key text NOT NULL,
    CONSTRAINT iam_scim_user_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_user_id_key UNIQUE (id),
    CONSTRAINT iam_scim_user_connection_user_key_key UNIQUE (connection_user_key),
    CONSTRAINT iam_scim_user_user_name_key_key UNIQUE (user_name_key),
    CONSTRAINT iam_scim_user_external_id_key_key UNIQUE (external_id_key),
    CONSTRAINT iam_scim_user_order_key_key UNIQUE (order_key),
    CONSTRAINT iam_scim_user_id_check CHECK (id ~ '^iam_scim_user__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_user_version_check CHECK (version >= 1)
);
CREATE INDEX scim_user_connection_id_idx ON iam_scim_user USING btree (connection_id);
CREATE INDEX scim_user_provisioning_domain_id_idx ON iam_scim_user USING btree (provisioning_domain_id);
CREATE INDEX scim_user_user_id_idx ON iam_scim_user USING btree (user_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_user FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
ALTER TABLE iam_scim_user ADD CONSTRAINT iam_scim_user_user_id_fkey FOREIGN KEY (user_id) REFERENCES shared_user (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- iam_scim_projection_grant (global), Better Auth model scimProjectionGrant
CREATE TABLE iam_scim_projection_grant (
    id text NOT NULL DEFAULT ('iam_scim_projection_grant__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    connection_id text NOT NULL,
    provisioning_domain_id text NOT NULL,
    scim_user_id text NOT NULL,
    user_id text NOT NULL,
    source_kind text NOT NULL,
    source_id text NOT NULL,
    source_value text,
    role text NOT NULL,
    grant_key text NOT NULL,
    CONSTRAINT iam_scim_projection_grant_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_projection_grant_id_key UNIQUE (id),
    CONSTRAINT iam_scim_projection_grant_grant_key_key UNIQUE (grant_key),
    CONSTRAINT iam_scim_projection_grant_id_check CHECK (id ~ '^iam_scim_projection_grant__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_projection_grant_version_check CHECK (version >= 1)
);
CREATE INDEX scim_projection_grant_connection_id_idx ON iam_scim_projection_grant USING btree (connection_id);
CREATE INDEX scim_projection_grant_provisioning_domain_id_idx ON iam_scim_projection_grant USING btree (provisioning_domain_id);
CREATE INDEX scim_projection_grant_scim_user_id_idx ON iam_scim_projection_grant USING btree (scim_user_id);
CREATE INDEX scim_projection_grant_user_id_idx ON iam_scim_projection_grant USING btree (user_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_projection_grant FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
ALTER TABLE iam_scim_projection_grant ADD CONSTRAINT iam_scim_projection_grant_scim_user_id_fkey FOREIGN KEY (scim_user_id) REFERENCES iam_scim_user (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_scim_projection_grant ADD CONSTRAINT iam_scim_projection_grant_user_id_fkey FOREIGN KEY (user_id) REFERENCES shared_user (id) ON DELETE CASCADE ON UPDATE CASCADE;
-- iam_scim_group (global), Better Auth model scimGroup
CREATE TABLE iam_scim_group (
    id text NOT NULL DEFAULT ('iam_scim_group__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    connection_id text NOT NULL,
    provisioning_domain_id text NOT NULL,
    revision integer NOT NULL DEFAULT 0,
    display_name text NOT NULL,
    display_name_key text NOT NULL,
    external_id text,
    external_id_key text,
    order_key text NOT NULL,
    CONSTRAINT iam_scim_group_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_group_id_key UNIQUE (id),
    CONSTRAINT iam_scim_group_display_name_key_key UNIQUE (display_name_key),
    CONSTRAINT iam_scim_group_external_id_key_key UNIQUE (external_id_key),
    CONSTRAINT iam_scim_group_order_key_key UNIQUE (order_key),
    CONSTRAINT iam_scim_group_id_check CHECK (id ~ '^iam_scim_group__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_group_version_check CHECK (version >= 1)
);
CREATE INDEX scim_group_connection_id_idx ON iam_scim_group USING btree (connection_id);
CREATE INDEX scim_group_provisioning_domain_id_idx ON iam_scim_group USING btree (provisioning_domain_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_group FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
-- iam_scim_group_member (global), Better Auth model scimGroupMember
CREATE TABLE iam_scim_group_member (
    id text NOT NULL DEFAULT ('iam_scim_group_member__'::text || gen_random_uuid()),
    _row_id bigint NOT NULL GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    created_by text,
    updated_by text,
    deleted_by text,
    version integer NOT NULL DEFAULT 1,
    source text,
    connection_id text NOT NULL,
    group_id text NOT NULL,
    scim_user_id text NOT NULL,
    membership_key text NOT NULL,
    CONSTRAINT iam_scim_group_member_pkey PRIMARY KEY (_row_id),
    CONSTRAINT iam_scim_group_member_id_key UNIQUE (id),
    CONSTRAINT iam_scim_group_member_membership_key_key UNIQUE (membership_key),
    CONSTRAINT iam_scim_group_member_id_check CHECK (id ~ '^iam_scim_group_member__[0-9a-f-]{36}$'::text),
    CONSTRAINT iam_scim_group_member_version_check CHECK (version >= 1)
);
CREATE INDEX scim_group_member_connection_id_idx ON iam_scim_group_member USING btree (connection_id);
CREATE INDEX scim_group_member_group_id_idx ON iam_scim_group_member USING btree (group_id);
CREATE INDEX scim_group_member_scim_user_id_idx ON iam_scim_group_member USING btree (scim_user_id);
CREATE TRIGGER iam_touch_row BEFORE UPDATE ON iam_scim_group_member FOR EACH ROW EXECUTE FUNCTION iam_touch_row();
ALTER TABLE iam_scim_group_member ADD CONSTRAINT iam_scim_group_member_group_id_fkey FOREIGN KEY (group_id) REFERENCES iam_scim_group (id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE iam_scim_group_member ADD CONSTRAINT iam_scim_group_member_scim_user_id_fkey FOREIGN KEY (scim_user_id) REFERENCES iam_scim_user (id) ON DELETE CASCADE ON UPDATE CASCADE;

-- Privileges of iam_app, iam_auth on the new tables (as 0001; skipped for a role that does not exist).
DO $$
DECLARE
  r text;
  t text;
BEGIN
  FOREACH r IN ARRAY ARRAY['iam_app', 'iam_auth'] LOOP
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
      FOREACH t IN ARRAY ARRAY['iam_oauth_client', 'iam_oauth_resource', 'iam_oauth_client_resource', 'iam_oauth_refresh_token', 'iam_oauth_client_assertion', 'iam_scim_managed_connection', 'iam_scim_managed_credential', 'iam_scim_managed_connection_event', 'iam_scim_connection_binding', 'iam_scim_identity_tombstone', 'iam_scim_subject', 'iam_scim_user', 'iam_scim_projection_grant', 'iam_scim_group', 'iam_scim_group_member'] LOOP
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I TO %I', t, r);
        EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence(quote_ident(t), '_row_id'), r);
      END LOOP;
    ELSE
      RAISE NOTICE 'iam: role % does not exist, privileges not changed', r;
    END IF;
  END LOOP;
END
$$;
