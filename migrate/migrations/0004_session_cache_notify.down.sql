-- Reverts 0004_session_cache_notify: the session cache triggers and their
-- functions go; no row changes. A running store.SessionCache then hears
-- nothing: stop `iam serve --session-cache` (or run it without the cache)
-- before migrating down.

DROP TRIGGER iam_notify_session_change ON iam_member;
DROP TRIGGER iam_notify_session_change ON shared_user;
DROP TRIGGER iam_notify_session_change ON shared_session;
DROP FUNCTION iam_notify_member_change();
DROP FUNCTION iam_notify_session_change();
