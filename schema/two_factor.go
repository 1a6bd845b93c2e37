package schema

import "github.com/beep/iam/domain"

// TwoFactor is iam_two_factor, a user's second factor. It belongs to the
// user, not an organization (the seed made it an OrgTable).
var TwoFactor = NewTable(domain.TableTwoFactor,
	Text("secret").Required().BA("secret").Describe("encrypted TOTP secret (Better Auth format)"),
	Text("backup_codes").Required().BA("backupCodes").Describe("encrypted backup codes"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).BA("userId"),
	Bool("verified").Required().DefaultBool(true).BA("verified"),
	Int("failed_verification_count").Required().DefaultInt(0).BA("failedVerificationCount"),
	Timestamptz("locked_until").BA("lockedUntil"),

	UniqueIdx("two_factor_user_id_unique_idx", "user_id"),
	Chk("two_factor_failed_verification_count_check", "(failed_verification_count >= 0)"),

	One("user", domain.TableUser, "user_id"),
).Model("twoFactor").Describe("Second factors, one per user (Better Auth twoFactor).")
