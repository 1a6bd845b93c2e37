-- OAuth access token verification for Go resource servers (issue 11):
-- betterauth.TokenVerifier checks what @better-auth/oauth-provider issues
-- the way Better Auth's own introspection does, over a store connected as
-- iam_app, in one statement per token. A resource server does not know the
-- tenant before the token is verified, so, as for API keys (0003), the
-- lookups reach exactly what verifying needs and nothing more:
--
-- * the policy oauth_access_token_verify admits, for reading only, the one
--   iam_oauth_access_token row whose stored hash is in the setting
--   app.oauth_token_hash (set for the transaction). Knowing the hash of a
--   token is what verifying it needs; it admits no INSERT, UPDATE or
--   DELETE, and an empty or unset setting admits nothing.
-- * the view iam_oauth_client_status shows, for every client, only what a
--   verifier needs: client_id, disabled (deleted clients count as disabled)
--   and organization_id. It runs with its owner's rights (the migration
--   owner: a superuser or a role with BYPASSRLS), like iam_session_lookup,
--   so a client of any organization can be checked by its public client_id;
--   its secret, redirect URIs and owner stay behind row level security.
--   It is a security_barrier view: a caller's function in the WHERE clause
--   sees no column the view does not return.
-- * the function iam_verify_oauth_token(hash) reads the token, its client's
--   status and its session in one query, with the caller's rights
--   (SECURITY INVOKER: no function iam_app can execute runs with more
--   rights than iam_app, rule 1 of 0003); every name in it is qualified
--   with this schema or pg_catalog. It sets app.oauth_token_hash for the
--   query and clears it before returning.
--
-- No row is changed; the down file drops what this adds.

SELECT pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);

CREATE POLICY oauth_access_token_verify ON iam_oauth_access_token AS PERMISSIVE FOR SELECT
  USING ((token = NULLIF(current_setting('app.oauth_token_hash'::text, true), ''::text)));

CREATE VIEW iam_oauth_client_status WITH (security_barrier = true) AS
SELECT c.client_id, (c.disabled OR c.deleted_at IS NOT NULL) AS disabled, c.organization_id
FROM iam_oauth_client c;

-- iam_verify_oauth_token: the access token row whose stored hash is
-- p_hash, with its client's status and its session's expiry. No row: no
-- such token. The caller applies the rules (expiry, revoked, client
-- disabled or gone, session ended, audience, organization): it knows the
-- clock and the configuration, and a refusal must say which rule.
DO $do$
BEGIN
EXECUTE format($create$
CREATE FUNCTION %1$I.iam_verify_oauth_token(p_hash pg_catalog.text)
RETURNS TABLE (id pg_catalog.text, client_id pg_catalog.text, user_id pg_catalog.text, session_id pg_catalog.text,
  reference_id pg_catalog.text, organization_id pg_catalog.text, scopes pg_catalog.jsonb, resources pg_catalog.jsonb,
  created_at pg_catalog.timestamptz, expires_at pg_catalog.timestamptz, revoked pg_catalog.timestamptz,
  client_found pg_catalog.bool, client_disabled pg_catalog.bool, client_organization_id pg_catalog.text,
  session_found pg_catalog.bool, session_expires_at pg_catalog.timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
AS $fn$
DECLARE
  v_setting pg_catalog.text; -- set_config's result, unused
BEGIN
  v_setting := pg_catalog.set_config('app.oauth_token_hash', COALESCE(p_hash, ''), true);
  RETURN QUERY
  SELECT t.id, t.client_id, t.user_id, t.session_id, t.reference_id, t.organization_id, t.scopes, t.resources,
    t.created_at, t.expires_at, t.revoked,
    c.client_id IS NOT NULL, c.disabled, c.organization_id,
    s.id IS NOT NULL, s.expires_at
  FROM %1$I.iam_oauth_access_token t
  LEFT JOIN %1$I.iam_oauth_client_status c ON c.client_id OPERATOR(pg_catalog.=) t.client_id
  LEFT JOIN %1$I.shared_session s ON s.id OPERATOR(pg_catalog.=) t.session_id
  WHERE t.token OPERATOR(pg_catalog.=) p_hash;
  v_setting := pg_catalog.set_config('app.oauth_token_hash', '', true);
END
$fn$
$create$, current_schema());
END
$do$;

REVOKE ALL ON iam_oauth_client_status FROM PUBLIC;
REVOKE ALL ON FUNCTION iam_verify_oauth_token(text) FROM PUBLIC;
GRANT SELECT ON iam_oauth_client_status TO iam_app;
GRANT EXECUTE ON FUNCTION iam_verify_oauth_token(text) TO iam_app;
