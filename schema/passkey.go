package schema

import "github.com/beep/iam/domain"

// Passkey is iam_passkey, a WebAuthn credential.
var Passkey = NewTable(domain.TablePasskey,
	Field(ColCreatedAt, "createdAt"),
	Text("name").BA("name"),
	Text("public_key").Required().BA("publicKey"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).BA("userId"),
	Text("credential_id").Required().BA("credentialID"),
	Int("counter").Required().BA("counter"),
	Text("device_type").Required().BA("deviceType"),
	Bool("backed_up").Required().DefaultBool(false).BA("backedUp"),
	Text("transports").BA("transports"),
	Text("aaguid").BA("aaguid"),

	Chk("passkey_counter_non_negative_check", "(counter >= 0)"),
	Idx("passkey_user_id_idx", "user_id"),
	UniqueIdx("passkey_credential_id_unique_idx", "credential_id"),

	One("user", domain.TableUser, "user_id"),
).Model("passkey").Describe("WebAuthn passkeys (Better Auth passkey).")
