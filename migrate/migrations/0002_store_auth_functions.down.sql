DROP FUNCTION IF EXISTS iam_verify_api_key(text, text, timestamptz);
DROP VIEW IF EXISTS iam_session_lookup;
