package schema

import "github.com/beep/iam/domain"

// Verification is iam_verification, Better Auth's verification values.
var Verification = NewTable(domain.TableVerification,
	Field(ColCreatedAt, "createdAt"), Field(ColUpdatedAt, "updatedAt"),
	Text("identifier").Required().BA("identifier"),
	Text("value").Required().BA("value"),
	Timestamptz("expires_at").Required().BA("expiresAt"),

	Idx("verification_identifier_idx", "identifier"),
	Idx("verification_identifier_value_idx", "identifier", "value"),
	Idx("verification_expires_at_idx", "expires_at"),
	Idx("verification_active_idx", "identifier", "expires_at"),
).Model("verification").Describe("Email, phone and other verification values (Better Auth verification).")
