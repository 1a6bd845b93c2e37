package schema

import "github.com/beep/iam/domain"

// JWKS is iam_jwks, the JWT plugin's signing keys.
var JWKS = NewTable(domain.TableJWKS,
	Field(ColCreatedAt, "createdAt"),
	Text("public_key").Required().BA("publicKey").Param(),
	Text("private_key").Required().BA("privateKey").Describe("encrypted private JWK (Better Auth format)").
		Secret().Param(),
	Timestamptz("expires_at").BA("expiresAt").Input(),
	Text("alg").BA("alg").Param(),
	Text("crv").BA("crv").Param(),
).Model("jwks").Describe("JWT signing keys (Better Auth jwks).").
	GoDoc("is one signing key pair of the jwt plugin (iam_jwks). The private key (encrypted by Better Auth by default) is a secret left out of JSON. The public key is published at the JWKS endpoint anyway, so it is plain text (the seed's redaction of it protected nothing).").
	GoInputDocs("is the input that creates a JWKS row.", "lists what an update of a key pair may change: its expiry (key rotation retires a key by expiring it).")
