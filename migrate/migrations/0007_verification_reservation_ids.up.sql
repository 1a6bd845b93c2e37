-- Better Auth 1.7's reservation ids in iam_verification (issue 12, found
-- by the end-to-end import test).
--
-- internalAdapter.reserveVerificationValue (better-auth 1.7) writes a
-- verification row with an id of its own, forceAllowId:
-- base64url_nopad(SHA-256("reserve:" + identifier)), 43 characters. The
-- row is a lock or a one-time claim: a second reservation of the same
-- identifier fails on the id's uniqueness and Better Auth then finds the
-- row by that id. It guards the e-mail OTP and magic-link sign-in of an
-- existing user whose e-mail is not verified (revokeUnprovenAccountAccess)
-- and SIWE's e-mail claim. The typed-id check of 0001 refused those rows,
-- so those sign-ins failed on iam with iam_verification_id_check.
--
-- The check now admits a typed id or a 43-character base64url id; the
-- unique index on id (the reservation's point) is unchanged, the column
-- default still makes typed ids. No row is changed.

ALTER TABLE iam_verification DROP CONSTRAINT iam_verification_id_check;
ALTER TABLE iam_verification ADD CONSTRAINT iam_verification_id_check
  CHECK ((id ~ '^iam_verification__[0-9a-f-]{36}$'::text) OR (id ~ '^[A-Za-z0-9_-]{43}$'::text));
