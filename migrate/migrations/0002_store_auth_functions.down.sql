DROP FUNCTION IF EXISTS iam_verify_api_key(text, text);
DROP FUNCTION IF EXISTS iam_session_lookup(text);
