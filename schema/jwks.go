package schema

import "github.com/beep/iam/domain"

// JWKS is iam_jwks, the JWT plugin's signing keys.
var JWKS = NewTable(domain.TableJWKS,
	Field(ColCreatedAt, "createdAt"),
	Text("public_key").Required().BA("publicKey"),
	Text("private_key").Required().BA("privateKey").Describe("encrypted private JWK (Better Auth format)"),
	Timestamptz("expires_at").BA("expiresAt"),
	Text("alg").BA("alg"),
	Text("crv").BA("crv"),
).Model("jwks").Describe("JWT signing keys (Better Auth jwks).")
