-- Placeholder until the schema package renders the real IAM schema.
SELECT 1;
