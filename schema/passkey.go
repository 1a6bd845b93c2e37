package schema

import "github.com/beep/iam/domain"

// Passkey is iam_passkey, a WebAuthn credential.
var Passkey = NewTable(domain.TablePasskey,
	Field(ColCreatedAt, "createdAt"),
	Text("name").BA("name").
		GoComment("Name is optional: Better Auth registers passkeys without one.").Input().Norm(NormTrim),
	Text("public_key").Required().BA("publicKey").Secret().GoComment("standard base64 COSE key").Param(),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").Param(),
	Text("credential_id").Required().BA("credentialID").
		Secret().GoComment("CredentialID is base64url; the column is credential_id (the seed's mechanical snake-casing gave credential_i_d).").Param(),
	Int("counter").Required().BA("counter").Input(),
	Text("device_type").Required().BA("deviceType").GoComment("singleDevice | multiDevice").Param(),
	Bool("backed_up").Required().DefaultBool(false).BA("backedUp").Input(),
	Text("transports").BA("transports").GoComment("comma-joined").Param(),
	Text("aaguid").BA("aaguid").GoName("AAGUID").Param(),

	Chk("passkey_counter_non_negative_check", "(counter >= 0)"),
	Idx("passkey_user_id_idx", "user_id"),
	UniqueIdx("passkey_credential_id_unique_idx", "credential_id"),

	One("user", domain.TableUser, "user_id"),
).Model("passkey").Describe("WebAuthn passkeys (Better Auth passkey).").
	GoFinish().
	GoDoc("is a WebAuthn credential (iam_passkey). The credential id and the public key are left out of JSON, as in the seed.").
	GoInputDocs("is the input that creates a Passkey.", "lists what an update of a passkey may change: its name and, after each use, the signature counter and backup state.")
