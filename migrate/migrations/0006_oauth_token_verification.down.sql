-- Takes back 0006: the verification function, the client status view and
-- the policy. No row is changed.
SELECT pg_catalog.set_config('search_path', pg_catalog.format('%I, pg_temp', pg_catalog.current_schema()), true);
DROP FUNCTION iam_verify_oauth_token(text);
DROP VIEW iam_oauth_client_status;
DROP POLICY oauth_access_token_verify ON iam_oauth_access_token;
