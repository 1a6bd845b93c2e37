-- Takes back 0007. The old check cannot hold Better Auth's reservation
-- rows; they are short-lived locks and claims (minutes), so they are
-- deleted, and a NOTICE says how many. Every other row is kept.
DO $down$
DECLARE
  n bigint;
BEGIN
  DELETE FROM iam_verification WHERE id !~ '^iam_verification__[0-9a-f-]{36}$';
  GET DIAGNOSTICS n = ROW_COUNT;
  RAISE NOTICE '% verification reservation(s) of Better Auth deleted (their ids do not fit the typed-id check)', n;
END
$down$;
ALTER TABLE iam_verification DROP CONSTRAINT iam_verification_id_check;
ALTER TABLE iam_verification ADD CONSTRAINT iam_verification_id_check CHECK (id ~ '^iam_verification__[0-9a-f-]{36}$'::text);
