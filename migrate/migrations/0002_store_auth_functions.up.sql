-- Authentication lookups that must cross tenants before the tenant is known.
--
-- The store connects as iam_app, which is subject to row-level security:
-- without app.current_org_id it sees no iam_member row and no
-- organization-owned iam_apikey row. Verifying a session cookie (session,
-- user and the active membership) and an API key happen before any tenant
-- is known, so they go through two narrow objects that run with the rights
-- of the migration owner (a superuser or a role with BYPASSRLS):
--
--   * the view iam_session_lookup, read WHERE lookup_token = $1: one plain
--     SELECT that the planner flattens into the three-table join, so it
--     costs what a hand-written join costs. It is deliberately not a
--     security_barrier view: every row of it is visible to iam_app anyway
--     (there is no row filter to protect), and the barrier would stop the
--     planner from flattening it (measured: the subquery scan builds and
--     takes apart whole-row values on every call);
--   * the SECURITY DEFINER function iam_verify_api_key, because verifying a
--     key writes (and a view would expose organization-owned key hashes).
--
-- iam_app may read the view and execute the function, nothing more. What
-- the view shows iam_app beyond its own rights is each session's membership
-- of its active organization (iam_app reads every session row anyway: the
-- session table is global).
--
-- Hand-written (not rendered from the schema package): views and functions
-- are not part of the table declaration. `iam check` ignores them.

-- iam_session_lookup: a session with its user and the user's membership of
-- the session's active organization (NULL columns when there is no active
-- organization or no live membership). No row: no such session (Better Auth
-- deletes revoked sessions). Expiry is left to the caller so it can tell
-- "expired" from "unknown".
CREATE VIEW iam_session_lookup AS
SELECT s.token AS lookup_token, s AS session, u AS usr, m AS member
FROM shared_session s
JOIN shared_user u ON u.id = s.user_id
LEFT JOIN iam_member m
  ON m.organization_id = s.active_organization_id
 AND m.user_id = s.user_id
 AND m.deleted_at IS NULL;

-- iam_verify_api_key applies Better Auth's API key verification to the key
-- whose hash is p_hash, atomically: the accepting path is one conditional
-- UPDATE ... RETURNING, so concurrent verifications of one key serialize on
-- its row lock and re-check every condition (no lost decrement of
-- remaining, no request counted twice).
--
-- outcome: valid | invalid | disabled | expired | usage_exceeded |
-- rate_limited; apikey is NULL when invalid (no such key). For expired keys and for keys whose
-- remaining is 0 with no refill amount, the row is deleted, as Better Auth
-- does. try_again_ms is set for rate_limited. p_now exists for tests (NULL:
-- now()); times are compared in whole milliseconds, like JavaScript Dates.
--
-- The rules, in Better Auth's order (@better-auth/api-key 1.7.5; the Go
-- reference is betterauth.APIKeyPolicy.Evaluate, and a store test compares
-- this function with it on many generated rows):
--   1. enabled false (NULL counts as enabled): disabled.
--   2. expires_at passed: expired, row deleted.
--   3. remaining = 0 and refill_amount NULL: usage_exceeded, row deleted.
--   4. remaining not NULL: when refill_interval and refill_amount are set and
--      non-zero and more than refill_interval ms passed since last_refill_at
--      (or created_at), remaining = refill_amount - 1 and last_refill_at = now;
--      otherwise remaining > 0 is required (else usage_exceeded) and
--      decremented.
--   5. rate limit: rate_limit_enabled false: only last_request = now; window
--      or max NULL: nothing; last_request NULL, or at least a window since
--      it: request_count = 1; request_count >= max: rate_limited; else
--      request_count + 1; last_request = now.
-- One deliberate difference: Better Auth writes the quota decrement of step
-- 4 and may then refuse in step 5; here a refused request changes nothing
-- (betterauth.APIKeyPolicy{RefusedChangesNothing: true}).
-- The function is created through format() so that every table and type it
-- names is qualified with the schema the migration runs in: a SECURITY
-- DEFINER function must not resolve names through the caller's search_path,
-- and qualifying them spares the `SET search_path` clause, which saves and
-- restores a setting on every call (measured: about 10% of the throughput).
-- Functions and operators resolve in pg_catalog first.
DO $do$
BEGIN
EXECUTE format($create$
CREATE FUNCTION %1$I.iam_verify_api_key(p_hash text, p_config_id text DEFAULT NULL, p_now timestamptz DEFAULT NULL,
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

REVOKE ALL ON iam_session_lookup FROM PUBLIC;
REVOKE ALL ON FUNCTION iam_verify_api_key(text, text, timestamptz) FROM PUBLIC;
GRANT SELECT ON iam_session_lookup TO iam_app;
GRANT EXECUTE ON FUNCTION iam_verify_api_key(text, text, timestamptz) TO iam_app;
