package schema

import "github.com/beep/iam/domain"

// Verification is iam_verification, Better Auth's verification values.
var Verification = NewTable(domain.TableVerification,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("identifier").Required().BA("identifier").Param(),
	Text("value").Required().BA("value").Secret().Input(),
	Timestamptz("expires_at").Required().BA("expiresAt").Input(),

	Idx("verification_identifier_idx", "identifier"),
	Idx("verification_identifier_value_idx", "identifier", "value"),
	Idx("verification_expires_at_idx", "expires_at"),
	Idx("verification_active_idx", "identifier", "expires_at"),
).AlsoIDs(domain.VerificationReservationIDRule, "reserveVerificationValue (Better Auth 1.7: a sign-in lock, SIWE's e-mail claim) writes base64url(SHA-256(\"reserve:\" + identifier)), 43 characters, and relies on the id's uniqueness").
	Model("verification").Describe("Email, phone and other verification values (Better Auth verification).").
	GoDoc("is a one-time value (email verification, password reset, OTP...) Better Auth stores under an identifier (iam_verification). The value is a secret left out of JSON (the seed did not protect it).").
	GoInputDocs("is the input that creates a Verification.", "lists what an update of a verification may change.")
