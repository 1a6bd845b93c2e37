package betterauth

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/beep/iam/domain"
)

// DefaultJWKSGracePeriod is how long the jwt plugin keeps publishing a key
// after its expiresAt (jwks.gracePeriod, 30 days).
const DefaultJWKSGracePeriod = 30 * 24 * time.Hour

// DefaultJWTAlg is the jwt plugin's default signing algorithm, used for rows
// whose alg column is null.
const DefaultJWTAlg = "EdDSA"

// JWKSRow is a row of Better Auth's jwks table (jwt plugin).
type JWKSRow struct {
	ID string `json:"id"`
	// PublicKey is the public JWK as JSON text.
	PublicKey string `json:"publicKey"`
	// PrivateKey is JSON.stringify of the symmetricEncrypt hex (a JSON string
	// literal), or the plain JWK JSON with jwks.disablePrivateKeyEncryption.
	PrivateKey domain.Secret `json:"privateKey"`
	CreatedAt  time.Time     `json:"createdAt"`
	ExpiresAt  *time.Time    `json:"expiresAt,omitempty"`
	Alg        *string       `json:"alg"`
	Crv        *string       `json:"crv"`
}

// JWK is a parsed public key of a JWKS row or document.
type JWK struct {
	KeyID string
	Alg   string
	// Key is an ed25519.PublicKey, *ecdsa.PublicKey or *rsa.PublicKey.
	Key crypto.PublicKey
}

// jwkJSON holds the JWK members this package reads.
type jwkJSON struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	X   string `json:"x"`
	Y   string `json:"y"`
	N   string `json:"n"`
	E   string `json:"e"`
	D   string `json:"d"`
	P   string `json:"p"`
	Q   string `json:"q"`
	DP  string `json:"dp"`
	DQ  string `json:"dq"`
	QI  string `json:"qi"`
}

// ParseJWK parses a public JWK (OKP/Ed25519, EC P-256/P-384/P-521, RSA) into
// a crypto public key. Private members are ignored.
func ParseJWK(data []byte) (JWK, error) {
	var j jwkJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return JWK{}, inputErr("jwk", "json", ErrMalformed)
	}
	k, err := j.publicKey()
	if err != nil {
		return JWK{}, err
	}
	return JWK{KeyID: j.Kid, Alg: j.Alg, Key: k}, nil
}

func b64urlField(field, s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(b) == 0 {
		return nil, inputErr("jwk."+field, "base64url", ErrMalformed)
	}
	return b, nil
}

func curveOf(crv string) (elliptic.Curve, int, bool) {
	switch crv {
	case "P-256":
		return elliptic.P256(), 32, true
	case "P-384":
		return elliptic.P384(), 48, true
	case "P-521":
		return elliptic.P521(), 66, true
	}
	return nil, 0, false
}

func (j *jwkJSON) publicKey() (crypto.PublicKey, error) {
	switch j.Kty {
	case "OKP":
		if j.Crv != "Ed25519" {
			return nil, inputErr("jwk.crv", "supported_curve", ErrMalformed)
		}
		x, err := b64urlField("x", j.X)
		if err != nil {
			return nil, err
		}
		if len(x) != ed25519.PublicKeySize {
			return nil, inputErr("jwk.x", "length", ErrMalformed)
		}
		return ed25519.PublicKey(x), nil
	case "EC":
		curve, size, ok := curveOf(j.Crv)
		if !ok {
			return nil, inputErr("jwk.crv", "supported_curve", ErrMalformed)
		}
		x, err := b64urlField("x", j.X)
		if err != nil {
			return nil, err
		}
		y, err := b64urlField("y", j.Y)
		if err != nil {
			return nil, err
		}
		if len(x) != size || len(y) != size {
			return nil, inputErr("jwk.x", "length", ErrMalformed)
		}
		// The uncompressed SEC 1 point; the parser rejects points off the
		// curve and the point at infinity.
		point := append(append([]byte{4}, x...), y...)
		k, err := ecdsa.ParseUncompressedPublicKey(curve, point)
		if err != nil {
			return nil, inputErr("jwk.x", "on_curve", ErrMalformed)
		}
		return k, nil
	case "RSA":
		n, err := b64urlField("n", j.N)
		if err != nil {
			return nil, err
		}
		e, err := b64urlField("e", j.E)
		if err != nil {
			return nil, err
		}
		if len(n) < 256 || len(n) > 1024 || len(e) > 4 {
			return nil, inputErr("jwk.n", "rsa_size", ErrMalformed)
		}
		exp := 0
		for _, c := range e {
			exp = exp<<8 | int(c)
		}
		if exp < 3 || exp%2 == 0 {
			return nil, inputErr("jwk.e", "rsa_exponent", ErrMalformed)
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}, nil
	}
	return nil, inputErr("jwk.kty", "supported_type", ErrMalformed)
}

// PublicJWK parses the row's public key; the key id is the row id and the alg
// is the row's alg column, or DefaultJWTAlg when it is null.
func (r JWKSRow) PublicJWK() (JWK, error) {
	k, err := ParseJWK([]byte(r.PublicKey))
	if err != nil {
		return JWK{}, fmt.Errorf("jwks row %s: %w", r.ID, err)
	}
	k.KeyID = r.ID
	k.Alg = DefaultJWTAlg
	if r.Alg != nil && *r.Alg != "" {
		k.Alg = *r.Alg
	}
	return k, nil
}

// DecryptPrivateJWK returns the private JWK JSON of a jwks row: the decrypted
// symmetricEncrypt ciphertext when privateKey is a JSON string literal, or the
// column itself when it holds a plain JWK object.
func (a *Auth) DecryptPrivateJWK(r JWKSRow) (domain.Secret, error) {
	v := strings.TrimSpace(r.PrivateKey.Reveal())
	switch {
	case strings.HasPrefix(v, "{"):
		return domain.NewSecret(v), nil
	case strings.HasPrefix(v, `"`):
		var ct string
		if err := json.Unmarshal([]byte(v), &ct); err != nil {
			return domain.Secret{}, inputErr("jwks.private_key", "json_string", ErrMalformed)
		}
		b, err := a.decrypt(ct, "jwks.private_key")
		if err != nil {
			return domain.Secret{}, err
		}
		return domain.NewSecret(string(b)), nil
	}
	return domain.Secret{}, inputErr("jwks.private_key", "json", ErrMalformed)
}

// PrivateKey decrypts and parses the row's private key into a crypto.Signer
// (ed25519.PrivateKey, *ecdsa.PrivateKey or *rsa.PrivateKey).
func (a *Auth) PrivateKey(r JWKSRow) (crypto.Signer, error) {
	s, err := a.DecryptPrivateJWK(r)
	if err != nil {
		return nil, err
	}
	var j jwkJSON
	if err := json.Unmarshal([]byte(s.Reveal()), &j); err != nil {
		return nil, inputErr("jwks.private_key", "json", ErrMalformed)
	}
	pub, err := j.publicKey()
	if err != nil {
		return nil, err
	}
	d, err := b64urlField("d", j.D)
	if err != nil {
		return nil, err
	}
	switch p := pub.(type) {
	case ed25519.PublicKey:
		if len(d) != ed25519.SeedSize {
			return nil, inputErr("jwk.d", "length", ErrMalformed)
		}
		k := ed25519.NewKeyFromSeed(d)
		if !bytes.Equal(k.Public().(ed25519.PublicKey), p) {
			return nil, inputErr("jwk.d", "matches_public_key", ErrMalformed)
		}
		return k, nil
	case *ecdsa.PublicKey:
		curve, size, _ := curveOf(j.Crv)
		if len(d) != size {
			return nil, inputErr("jwk.d", "length", ErrMalformed)
		}
		k, err := ecdsa.ParseRawPrivateKey(curve, d)
		if err != nil {
			return nil, inputErr("jwk.d", "scalar", ErrMalformed)
		}
		got, err1 := k.PublicKey.Bytes()
		want, err2 := p.Bytes()
		if err1 != nil || err2 != nil || !bytes.Equal(got, want) {
			return nil, inputErr("jwk.d", "matches_public_key", ErrMalformed)
		}
		return k, nil
	case *rsa.PublicKey:
		var primes [2][]byte
		for i, f := range [2][2]string{{"p", j.P}, {"q", j.Q}} {
			if primes[i], err = b64urlField(f[0], f[1]); err != nil {
				return nil, err
			}
		}
		k := &rsa.PrivateKey{PublicKey: *p, D: new(big.Int).SetBytes(d),
			Primes: []*big.Int{new(big.Int).SetBytes(primes[0]), new(big.Int).SetBytes(primes[1])}}
		if err := k.Validate(); err != nil {
			return nil, inputErr("jwk.d", "rsa_key", ErrMalformed)
		}
		k.Precompute()
		return k, nil
	}
	return nil, inputErr("jwk.kty", "supported_type", ErrMalformed)
}

// BuildJWKS renders the document Better Auth's GET /jwks endpoint serves for
// rows: keys whose expiresAt plus grace is after now (rows without expiresAt
// always), each as {"alg", "crv", ...public JWK members..., "kid": row id}
// with JavaScript's key order, so the output equals Better Auth's byte for
// byte. A zero grace means DefaultJWKSGracePeriod.
func BuildJWKS(rows []JWKSRow, now time.Time, grace time.Duration) ([]byte, error) {
	if grace == 0 {
		grace = DefaultJWKSGracePeriod
	}
	var b bytes.Buffer
	b.WriteString(`{"keys":[`)
	first := true
	for _, r := range rows {
		if r.ExpiresAt != nil && !r.ExpiresAt.Add(grace).After(now) {
			continue
		}
		if _, err := r.PublicJWK(); err != nil {
			return nil, err
		}
		alg := DefaultJWTAlg
		if r.Alg != nil {
			alg = *r.Alg
		}
		members := []member{{"alg", jsonString(alg)}}
		if r.Crv != nil {
			members = append(members, member{"crv", jsonString(*r.Crv)})
		}
		pub, err := orderedMembers([]byte(r.PublicKey))
		if err != nil {
			return nil, fmt.Errorf("jwks row %s: %w", r.ID, err)
		}
		for _, m := range pub {
			members = setMember(members, m.key, m.value)
		}
		members = setMember(members, "kid", jsonString(r.ID))
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(jsonString(m.key))
			b.WriteByte(':')
			b.Write(m.value)
		}
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

type member struct {
	key   string
	value json.RawMessage
}

// setMember assigns like a JavaScript object: an existing key keeps its
// position, a new key is appended.
func setMember(ms []member, key string, value json.RawMessage) []member {
	for i := range ms {
		if ms[i].key == key {
			ms[i].value = value
			return ms
		}
	}
	return append(ms, member{key, value})
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

// orderedMembers returns the members of a JSON object in document order, each
// value compacted.
func orderedMembers(data []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return nil, inputErr("jwks.public_key", "json_object", ErrMalformed)
	}
	var ms []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, inputErr("jwks.public_key", "json_object", ErrMalformed)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, inputErr("jwks.public_key", "json_object", ErrMalformed)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, raw); err != nil {
			return nil, inputErr("jwks.public_key", "json_object", ErrMalformed)
		}
		ms = setMember(ms, key, c.Bytes())
	}
	return ms, nil
}

// KeySet is a set of public keys indexed by key id, for verifying JWTs.
type KeySet struct {
	keys map[string]JWK
}

// NewKeySet builds a KeySet from jwks rows (key id = row id).
func NewKeySet(rows []JWKSRow) (*KeySet, error) {
	ks := &KeySet{keys: make(map[string]JWK, len(rows))}
	for _, r := range rows {
		k, err := r.PublicJWK()
		if err != nil {
			return nil, err
		}
		ks.keys[k.KeyID] = k
	}
	return ks, nil
}

// ParseJWKS builds a KeySet from a JWKS document ({"keys":[...]}), such as
// the one Better Auth serves at /api/auth/jwks.
func ParseJWKS(doc []byte) (*KeySet, error) {
	var d struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, inputErr("jwks", "json", ErrMalformed)
	}
	ks := &KeySet{keys: make(map[string]JWK, len(d.Keys))}
	for _, raw := range d.Keys {
		k, err := ParseJWK(raw)
		if err != nil {
			return nil, err
		}
		if k.KeyID == "" {
			return nil, inputErr("jwks.kid", "required", ErrMalformed)
		}
		ks.keys[k.KeyID] = k
	}
	return ks, nil
}

// Key returns the key with id kid.
func (ks *KeySet) Key(kid string) (JWK, bool) {
	k, ok := ks.keys[kid]
	return k, ok
}

// JWTOptions are the claim checks of [VerifyJWT]. Empty strings skip a check.
type JWTOptions struct {
	Issuer   string
	Audience string
}

// JWTClaims are the registered claims of a verified JWT plus the raw payload.
type JWTClaims struct {
	Subject   string
	Issuer    string
	Audience  []string
	IssuedAt  time.Time
	ExpiresAt time.Time
	NotBefore time.Time
	// Raw is the payload JSON, for application claims (email, name, ...).
	Raw json.RawMessage
}

// maxJWTLen bounds the work done on hostile input.
const maxJWTLen = 16 << 10

// VerifyJWT verifies a compact JWS signed by a jwt plugin key (EdDSA, ES256,
// ES384, ES512, PS256, RS256; the header's alg must equal the key's alg) and checks
// exp (required), nbf, and the issuer and audience in opts. Errors match
// [ErrMalformed], [ErrInvalidSignature] (also for an unknown kid) or
// [ErrExpired].
func VerifyJWT(token string, ks *KeySet, now time.Time, opts JWTOptions) (*JWTClaims, error) {
	_, pb, err := verifyCompact(token, "jwt", inputErr, func(kid string) (JWK, error) {
		k, ok := ks.Key(kid)
		if !ok {
			return JWK{}, inputErr("jwt.header.kid", "known_key", ErrInvalidSignature)
		}
		return k, nil
	})
	if err != nil {
		return nil, err
	}
	var p struct {
		Sub string          `json:"sub"`
		Iss string          `json:"iss"`
		Aud json.RawMessage `json:"aud"`
		Iat *float64        `json:"iat"`
		Exp *float64        `json:"exp"`
		Nbf *float64        `json:"nbf"`
	}
	if err := json.Unmarshal(pb, &p); err != nil {
		return nil, inputErr("jwt.payload", "json", ErrMalformed)
	}
	c := &JWTClaims{Subject: p.Sub, Issuer: p.Iss, Raw: pb}
	if len(p.Aud) > 0 && string(p.Aud) != "null" {
		var one string
		if json.Unmarshal(p.Aud, &one) == nil {
			c.Audience = []string{one}
		} else if json.Unmarshal(p.Aud, &c.Audience) != nil {
			return nil, inputErr("jwt.payload.aud", "string_or_array", ErrMalformed)
		}
	}
	if p.Exp == nil {
		return nil, inputErr("jwt.payload.exp", "required", ErrMalformed)
	}
	c.ExpiresAt = unixSeconds(*p.Exp)
	if p.Iat != nil {
		c.IssuedAt = unixSeconds(*p.Iat)
	}
	if p.Nbf != nil {
		c.NotBefore = unixSeconds(*p.Nbf)
		if now.Before(c.NotBefore) {
			return nil, inputErr("jwt.payload.nbf", "not_yet_valid", ErrExpired)
		}
	}
	if !now.Before(c.ExpiresAt) {
		return nil, inputErr("jwt.payload.exp", "expired", ErrExpired)
	}
	if opts.Issuer != "" && c.Issuer != opts.Issuer {
		return nil, inputErr("jwt.payload.iss", "matches", ErrInvalidSignature)
	}
	if opts.Audience != "" {
		found := false
		for _, a := range c.Audience {
			found = found || a == opts.Audience
		}
		if !found {
			return nil, inputErr("jwt.payload.aud", "matches", ErrInvalidSignature)
		}
	}
	return c, nil
}

// jwsHeader holds the protected header members this package reads.
type jwsHeader struct {
	Alg  string  `json:"alg"`
	Kid  string  `json:"kid"`
	Typ  *string `json:"typ"`
	Crit []any   `json:"crit"`
}

// verifyCompact checks a compact JWS: its shape, a header without crit,
// the key key(kid) returns, the header's alg equal to the key's, and the
// signature. It returns the header and the decoded payload, which only a
// verified signature lets it read. Errors are made with mk under field.
func verifyCompact(token, field string, mk func(field, rule string, sentinel error) error, key func(kid string) (JWK, error)) (jwsHeader, []byte, error) {
	var hdr jwsHeader
	if len(token) > maxJWTLen {
		return hdr, nil, mk(field, "max_length", ErrMalformed)
	}
	h64, rest, ok := strings.Cut(token, ".")
	p64, s64, ok2 := strings.Cut(rest, ".")
	if !ok || !ok2 || strings.IndexByte(s64, '.') >= 0 {
		return hdr, nil, mk(field, "compact_format", ErrMalformed)
	}
	hb, err := base64.RawURLEncoding.DecodeString(h64)
	if err != nil {
		return hdr, nil, mk(field+".header", "base64url", ErrMalformed)
	}
	if err := json.Unmarshal(hb, &hdr); err != nil {
		return hdr, nil, mk(field+".header", "json", ErrMalformed)
	}
	if hdr.Crit != nil {
		return hdr, nil, mk(field+".header.crit", "unsupported", ErrMalformed)
	}
	sig, err := base64.RawURLEncoding.DecodeString(s64)
	if err != nil {
		return hdr, nil, mk(field+".signature", "base64url", ErrMalformed)
	}
	k, err := key(hdr.Kid)
	if err != nil {
		return hdr, nil, err
	}
	if hdr.Alg != k.Alg {
		return hdr, nil, mk(field+".header.alg", "matches_key", ErrInvalidSignature)
	}
	signed := token[:len(h64)+1+len(p64)]
	if !verifyJWS(hdr.Alg, k.Key, []byte(signed), sig) {
		return hdr, nil, mk(field+".signature", "verify", ErrInvalidSignature)
	}
	pb, err := base64.RawURLEncoding.DecodeString(p64)
	if err != nil {
		return hdr, nil, mk(field+".payload", "base64url", ErrMalformed)
	}
	return hdr, pb, nil
}

func unixSeconds(f float64) time.Time {
	if f > 1e12 || f < -1e12 {
		f = 1e12
	}
	return time.Unix(int64(f), 0).UTC()
}

func verifyJWS(alg string, key crypto.PublicKey, signed, sig []byte) bool {
	switch k := key.(type) {
	case ed25519.PublicKey:
		return alg == "EdDSA" && ed25519.Verify(k, signed, sig)
	case *ecdsa.PublicKey:
		var digest []byte
		size := (k.Curve.Params().BitSize + 7) / 8
		switch {
		case alg == "ES256" && size == 32:
			d := sha256.Sum256(signed)
			digest = d[:]
		case alg == "ES384" && size == 48:
			d := sha512.Sum384(signed)
			digest = d[:]
		case alg == "ES512" && size == 66:
			d := sha512.Sum512(signed)
			digest = d[:]
		default:
			return false
		}
		if len(sig) != 2*size {
			return false
		}
		r, s := new(big.Int).SetBytes(sig[:size]), new(big.Int).SetBytes(sig[size:])
		return ecdsa.Verify(k, digest, r, s)
	case *rsa.PublicKey:
		d := sha256.Sum256(signed)
		switch alg {
		case "RS256":
			return rsa.VerifyPKCS1v15(k, crypto.SHA256, d[:], sig) == nil
		case "PS256":
			// RFC 7518 3.5: MGF1 with SHA-256, salt as long as the hash.
			return rsa.VerifyPSS(k, crypto.SHA256, d[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
		return false
	}
	return false
}
