-- Session cache invalidation (issue 13): triggers announce, on the channel
-- iam_session_changes, every change that can end or alter what a session
-- cookie proves, so that a cache of session lookups (store.SessionCache,
-- behind `iam serve --session-cache`) drops the entry at once, whoever
-- wrote the change (Better Auth, Go, psql):
--
--   shared_session  UPDATE, DELETE  -> the session's id (a revoked session;
--                                      an expired one is not announced)
--   shared_user     UPDATE, DELETE  -> the user's id (a ban, a deletion, a
--                                      role or profile change)
--   iam_member      INSERT, UPDATE, DELETE -> the member's user id (the
--                                      lookup returns the active membership)
--
-- Payloads are ids with their table prefix, never a token: any role may
-- LISTEN on any channel. NOTIFY is sent at commit; a rolled-back change
-- sends nothing. No row is changed; the down file drops what this adds.

-- Names below resolve in this schema, then pg_catalog, then pg_temp; the
-- trigger functions capture this path (SET search_path FROM CURRENT).
SELECT pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);

-- AFTER UPDATE OR DELETE on shared_session and shared_user: NOTIFY iam_session_changes with the row's id (store.SessionCache).
CREATE FUNCTION iam_notify_session_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_TABLE_NAME = 'shared_session' THEN
    -- nested: OLD.expires_at exists on shared_session only
    IF TG_OP = 'DELETE' AND OLD.expires_at <= pg_catalog.now() THEN
      RETURN NULL;
    END IF;
  END IF;
  PERFORM pg_catalog.pg_notify('iam_session_changes', OLD.id);
  IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
    PERFORM pg_catalog.pg_notify('iam_session_changes', NEW.id);
  END IF;
  RETURN NULL;
END;
$$;

-- AFTER INSERT OR UPDATE OR DELETE on iam_member: NOTIFY iam_session_changes with the member's user id (store.SessionCache).
CREATE FUNCTION iam_notify_member_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    PERFORM pg_catalog.pg_notify('iam_session_changes', OLD.user_id);
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
    PERFORM pg_catalog.pg_notify('iam_session_changes', NEW.user_id);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER iam_notify_session_change AFTER DELETE OR UPDATE ON shared_session FOR EACH ROW EXECUTE FUNCTION iam_notify_session_change();
CREATE TRIGGER iam_notify_session_change AFTER DELETE OR UPDATE ON shared_user FOR EACH ROW EXECUTE FUNCTION iam_notify_session_change();
CREATE TRIGGER iam_notify_session_change AFTER INSERT OR DELETE OR UPDATE ON iam_member FOR EACH ROW EXECUTE FUNCTION iam_notify_member_change();
