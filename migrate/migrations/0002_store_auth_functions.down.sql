DROP FUNCTION IF EXISTS iam_verify_api_key(text, text, timestamptz);
DROP FUNCTION IF EXISTS iam_session_lookup(text);
