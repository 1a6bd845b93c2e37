package schema

import "github.com/beep/iam/domain"

// TwoFactor is iam_two_factor, a user's second factor. It belongs to the
// user, not an organization (the seed made it an OrgTable).
var TwoFactor = NewTable(domain.TableTwoFactor,
	Text("secret").Required().BA("secret").Describe("encrypted TOTP secret (Better Auth format)").
		Secret().Input(),
	Text("backup_codes").Required().BA("backupCodes").Describe("encrypted backup codes").
		Secret().Input(),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").Param(),
	Bool("verified").Required().DefaultBool(true).BA("verified").
		GoPointer().GoComment("Verified, FailedVerificationCount and LockedUntil are Better Auth 1.7 fields, nullable there (app defaults true and 0).").Param().ParamNote("default true, as Better Auth").Patch(),
	Int("failed_verification_count").Required().DefaultInt(0).BA("failedVerificationCount").
		GoPointer().Patch(),
	Timestamptz("locked_until").BA("lockedUntil").Patch(),

	UniqueIdx("two_factor_user_id_unique_idx", "user_id"),
	Chk("two_factor_failed_verification_count_check", "(failed_verification_count >= 0)"),

	One("user", domain.TableUser, "user_id"),
).Model("twoFactor").Describe("Second factors, one per user (Better Auth twoFactor).").
	GoDoc("is a user's TOTP second factor (iam_two_factor). It belongs to the user, not to an organization (a deliberate fix of the seed's OrgTable: one second factor serves all of a user's organizations). Secret and backup codes are encrypted by Better Auth and left out of JSON.").
	GoInputDocs("is the input that creates a TwoFactor. Secret and backup codes are stored as Better Auth encrypts them.", "lists what an update of a second factor may change.")
