package betterauth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beep/iam/store"
)

// Defaults of [TokenVerifierConfig].
const (
	// DefaultKeyRefresh is how long the verifier trusts its copy of the
	// signing keys before reading them again (Better Auth's resource
	// verifier caches a JWKS for 5 minutes too).
	DefaultKeyRefresh = 5 * time.Minute
	// DefaultKeyRefreshCooldown is the least time between two reads of the
	// keys caused by a token naming an unknown kid: a key Better Auth just
	// rotated in is found at once, and a flood of made-up kids costs at
	// most one read per cooldown.
	DefaultKeyRefreshCooldown = time.Second
)

// KeySource yields the jwt plugin's signing keys (public parts only).
type KeySource interface {
	JWKSRows(ctx context.Context) ([]JWKSRow, error)
}

// KeySourceFunc adapts a function to [KeySource].
type KeySourceFunc func(ctx context.Context) ([]JWKSRow, error)

// JWKSRows calls f.
func (f KeySourceFunc) JWKSRows(ctx context.Context) ([]JWKSRow, error) { return f(ctx) }

// StoreKeys reads the keys from the jwks table (store.JWKSRepo.ListPublicKeys:
// public keys only, one statement).
func StoreKeys(s *store.Store) KeySource {
	return KeySourceFunc(func(ctx context.Context) ([]JWKSRow, error) {
		keys, err := s.JWKS().ListPublicKeys(ctx)
		if err != nil {
			return nil, err
		}
		rows := make([]JWKSRow, len(keys))
		for i, k := range keys {
			rows[i] = JWKSRow{ID: k.ID.String(), PublicKey: k.PublicKey, CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt, Alg: k.Alg, Crv: k.Crv}
		}
		return rows, nil
	})
}

// StaticKeys is a fixed set of keys (tests, or keys shipped with a service).
type StaticKeys []JWKSRow

// JWKSRows returns the rows.
func (s StaticKeys) JWKSRows(context.Context) ([]JWKSRow, error) { return s, nil }

// TokenVerifierConfig configures a [TokenVerifier].
type TokenVerifierConfig struct {
	// Issuer is the iss every token must carry: the jwt plugin's
	// jwt.issuer, else Better Auth's baseURL. Required.
	Issuer string
	// Audience lists the resource identifiers this server answers for
	// (oauthResource identifiers, the resource parameter clients send). A
	// token must name at least one of them. Required.
	Audience []string
	// Keys are the signing keys for JWT access tokens; nil refuses every
	// JWT. [StoreKeys] reads the jwks table.
	Keys KeySource
	// Store is the database, for opaque tokens and for CheckClient; nil
	// refuses every opaque token. It connects as a member of iam_app: the
	// lookups run under row level security through the function and view
	// of migration 0006, one statement per token, on the primary.
	Store *store.Store
	// CheckClient makes JWT verification also ask the database, in one
	// statement, that the client exists and is not disabled and that the
	// session the token names (sid) is still live, as Better Auth's
	// introspection does. Opaque tokens are always checked so.
	CheckClient bool
	// Organization, when set, is the organization this server serves: the
	// token's client must belong to it (its organization_id). Implies
	// CheckClient for JWTs.
	Organization string
	// ReferenceIDClaim names a JWT claim that carries the consent's
	// reference (set with oauth-provider's customAccessTokenClaims); it
	// fills AccessToken.ReferenceID. "" reads none.
	ReferenceIDClaim string
	// AllowNoAudience accepts opaque tokens whose row names no resource.
	// Better Auth issues opaque tokens precisely when the client asked for
	// no resource, so such a token was meant for the authorization server
	// (userinfo), and by default a resource server refuses it.
	AllowNoAudience bool
	// OpaqueFormat is the shape of opaque tokens (prefix, length).
	OpaqueFormat OAuthTokenFormat
	// Leeway is the clock skew allowed on exp, nbf and the opaque row's
	// expiresAt. Zero allows none, like Better Auth.
	Leeway time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// KeyRefresh and KeyRefreshCooldown: zero means DefaultKeyRefresh and
	// DefaultKeyRefreshCooldown.
	KeyRefresh, KeyRefreshCooldown time.Duration
	// JWKSGrace is how long after its expiresAt a key still verifies
	// (jwks.gracePeriod); zero means DefaultJWKSGracePeriod.
	JWKSGrace time.Duration
}

// TokenVerifier verifies OAuth access tokens issued by Better Auth's
// oauth-provider. Build it once with [NewTokenVerifier]; it is safe for
// concurrent use.
type TokenVerifier struct {
	cfg      TokenVerifierConfig
	now      func() time.Time
	audience map[string]struct{}
	keys     *keyCache
}

// NewTokenVerifier validates cfg. Errors match [ErrConfig].
func NewTokenVerifier(cfg TokenVerifierConfig) (*TokenVerifier, error) {
	if cfg.Issuer == "" {
		return nil, fmt.Errorf("%w: token verifier: issuer: required (jwt.issuer, else Better Auth's baseURL)", ErrConfig)
	}
	if len(cfg.Audience) == 0 {
		return nil, fmt.Errorf("%w: token verifier: audience: required (the resource identifiers this server answers for)", ErrConfig)
	}
	aud := make(map[string]struct{}, len(cfg.Audience))
	for i, a := range cfg.Audience {
		if a == "" {
			return nil, fmt.Errorf("%w: token verifier: audience[%d]: empty", ErrConfig, i)
		}
		aud[a] = struct{}{}
	}
	if cfg.Leeway < 0 {
		return nil, fmt.Errorf("%w: token verifier: leeway: must not be negative", ErrConfig)
	}
	if cfg.Organization != "" {
		cfg.CheckClient = true
	}
	if cfg.CheckClient && cfg.Store == nil {
		// A check that cannot run must not pass silently.
		return nil, fmt.Errorf("%w: token verifier: store: required with check_client or organization (the client and session are looked up in the database)", ErrConfig)
	}
	if cfg.KeyRefresh <= 0 {
		cfg.KeyRefresh = DefaultKeyRefresh
	}
	if cfg.KeyRefreshCooldown <= 0 {
		cfg.KeyRefreshCooldown = DefaultKeyRefreshCooldown
	}
	if cfg.JWKSGrace <= 0 {
		cfg.JWKSGrace = DefaultJWKSGracePeriod
	}
	v := &TokenVerifier{cfg: cfg, now: cfg.Now, audience: aud}
	if v.now == nil {
		v.now = time.Now
	}
	if cfg.Keys != nil {
		v.keys = &keyCache{src: cfg.Keys, ttl: cfg.KeyRefresh, cooldown: cfg.KeyRefreshCooldown, grace: cfg.JWKSGrace}
	}
	return v, nil
}

// Verify verifies an access token of either kind: three dot-separated parts
// make a JWT ([TokenVerifier.VerifyJWT]), anything else is opaque
// ([TokenVerifier.VerifyOpaque]). Refusals are [*TokenError] values
// (errors.Is ErrInvalidToken); other errors are the database's.
func (v *TokenVerifier) Verify(ctx context.Context, token string) (*AccessToken, error) {
	if strings.Count(token, ".") == 2 {
		return v.VerifyJWT(ctx, token)
	}
	return v.VerifyOpaque(ctx, token)
}

// accessClaims are the claims of an oauth-provider JWT access token. A
// member of the wrong JSON type fails decoding (ErrMalformed), as in jose.
type accessClaims struct {
	Iss      *string         `json:"iss"`
	Sub      *string         `json:"sub"`
	Aud      json.RawMessage `json:"aud"`
	Azp      *string         `json:"azp"`
	ClientID *string         `json:"client_id"`
	Scope    *string         `json:"scope"`
	Sid      *string         `json:"sid"`
	Jti      *string         `json:"jti"`
	Iat      *float64        `json:"iat"`
	Exp      *float64        `json:"exp"`
	Nbf      *float64        `json:"nbf"`
	Cnf      json.RawMessage `json:"cnf"`
}

// VerifyJWT verifies a JWT access token: a known key (kid) not retired,
// the key's alg, the signature, typ at+jwt, exp (required) and nbf with the
// leeway, the issuer, an accepted audience, a client (azp), the scope
// syntax, and no sender constraint (cnf: DPoP needs the request). With
// CheckClient it then asks the database about the client and session.
func (v *TokenVerifier) VerifyJWT(ctx context.Context, token string) (*AccessToken, error) {
	if v.keys == nil {
		return nil, tokenErr("access_token", "jwt_not_accepted", ErrUnsupportedToken)
	}
	now := v.now()
	var infra error
	hdr, pb, err := verifyCompact(token, "access_token", tokenErr, func(kid string) (JWK, error) {
		k, err := v.keys.lookup(ctx, kid, now)
		if err != nil && !isTokenError(err) {
			infra = err
		}
		return k, err
	})
	if infra != nil {
		return nil, infra
	}
	if err != nil {
		return nil, err
	}
	if hdr.Typ == nil || !isAccessTokenType(*hdr.Typ) {
		return nil, tokenErr("access_token.header.typ", "at+jwt", ErrUnsupportedToken)
	}
	var c accessClaims
	if err := json.Unmarshal(pb, &c); err != nil {
		return nil, tokenErr("access_token.payload", "claims_json", ErrMalformed)
	}
	t := &AccessToken{Kind: TokenJWT, Claims: pb}
	nowSec := float64(now.Unix())
	leeway := v.cfg.Leeway.Seconds()
	if c.Exp == nil {
		return nil, tokenErr("access_token.exp", "required", ErrMalformed)
	}
	if !finite(*c.Exp) || c.Iat != nil && !finite(*c.Iat) || c.Nbf != nil && !finite(*c.Nbf) {
		return nil, tokenErr("access_token.payload", "numeric_date", ErrMalformed)
	}
	if *c.Exp <= nowSec-leeway {
		return nil, tokenErr("access_token.exp", "expired", ErrExpired)
	}
	if c.Nbf != nil && *c.Nbf > nowSec+leeway {
		return nil, tokenErr("access_token.nbf", "not_yet_valid", ErrExpired)
	}
	t.ExpiresAt = unixSeconds(*c.Exp)
	if c.Iat != nil {
		t.IssuedAt = unixSeconds(*c.Iat)
	}
	if c.Iss == nil || *c.Iss != v.cfg.Issuer {
		return nil, tokenErr("access_token.iss", "configured_issuer", ErrWrongIssuer)
	}
	t.Issuer = *c.Iss
	if len(c.Aud) > 0 && string(c.Aud) != "null" {
		var one string
		if json.Unmarshal(c.Aud, &one) == nil {
			t.Audience = []string{one}
		} else if json.Unmarshal(c.Aud, &t.Audience) != nil {
			return nil, tokenErr("access_token.aud", "string_or_array", ErrMalformed)
		}
	}
	if !v.acceptsAudience(t.Audience) {
		return nil, tokenErr("access_token.aud", "accepted_audience", ErrWrongAudience)
	}
	switch {
	case c.Azp != nil && *c.Azp != "":
		t.ClientID = *c.Azp
	case c.ClientID != nil && *c.ClientID != "":
		t.ClientID = *c.ClientID
	default:
		return nil, tokenErr("access_token.azp", "required", ErrMalformed)
	}
	scopes, ok := parseScopes(c.Scope)
	if !ok {
		return nil, tokenErr("access_token.scope", "scope_syntax", ErrMalformed)
	}
	t.Scopes = scopes
	if len(c.Cnf) > 0 && string(c.Cnf) != "null" {
		return nil, tokenErr("access_token.cnf", "sender_constrained", ErrUnsupportedToken)
	}
	if c.Sub != nil {
		t.Subject = *c.Sub
		if t.Subject != t.ClientID {
			t.UserID = t.Subject
		}
	}
	if c.Sid != nil {
		t.SessionID = *c.Sid
	}
	if c.Jti != nil {
		t.ID = *c.Jti
	}
	if v.cfg.CheckClient {
		if err := v.checkClient(ctx, t, now); err != nil {
			return nil, err
		}
	}
	if v.cfg.ReferenceIDClaim != "" {
		var m map[string]json.RawMessage
		if json.Unmarshal(pb, &m) == nil {
			var ref string
			if raw, ok := m[v.cfg.ReferenceIDClaim]; ok && json.Unmarshal(raw, &ref) == nil {
				t.ReferenceID = ref
			}
		}
	}
	return t, nil
}

func (v *TokenVerifier) acceptsAudience(aud []string) bool {
	for _, a := range aud {
		if _, ok := v.audience[a]; ok {
			return true
		}
	}
	return false
}

func isAccessTokenType(typ string) bool {
	typ = strings.ToLower(typ)
	return typ == OAuthAccessTokenType || typ == "application/"+OAuthAccessTokenType
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

func isTokenError(err error) bool {
	_, ok := err.(*TokenError)
	return ok
}

// keyCache holds the verifier's copy of the signing keys.
type keyCache struct {
	src                  KeySource
	ttl, cooldown, grace time.Duration
	mu                   sync.Mutex // one read of the keys at a time
	snap                 atomic.Pointer[keySnap]
	failedAt             atomic.Int64 // unix nanos of the last failed read
}

type keySnap struct {
	keys    map[string]cachedKey
	fetched time.Time
}

type cachedKey struct {
	jwk JWK
	// retires is when the key stops verifying (expiresAt + grace); zero
	// for a key without expiry.
	retires time.Time
}

func (s *keySnap) find(kid string, now time.Time) (JWK, bool, error) {
	k, ok := s.keys[kid]
	if !ok {
		return JWK{}, false, nil
	}
	if !k.retires.IsZero() && !now.Before(k.retires) {
		return JWK{}, true, tokenErr("access_token.header.kid", "retired_key", ErrInvalidSignature)
	}
	return k.jwk, true, nil
}

var errUnknownKid = tokenErr("access_token.header.kid", "known_key", ErrInvalidSignature)

// lookup returns the key kid names. The copy is read again when it is older
// than ttl, or when kid is unknown and the last read is older than the
// cooldown. When a read fails the previous copy keeps serving; the error
// (not a refusal) is returned only for a kid the copy lacks.
func (c *keyCache) lookup(ctx context.Context, kid string, now time.Time) (JWK, error) {
	if kid == "" {
		return JWK{}, errUnknownKid
	}
	s := c.snap.Load()
	if s != nil {
		k, found, err := s.find(kid, now)
		if found && (now.Sub(s.fetched) < c.ttl || c.recentlyFailed(now)) {
			return k, err
		}
		if !found && now.Sub(s.fetched) < c.cooldown {
			return JWK{}, errUnknownKid
		}
	}
	if c.recentlyFailed(now) {
		return stale(s, kid, now, errKeysUnavailable)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s2 := c.snap.Load(); s2 != s && s2 != nil {
		// Another call read the keys meanwhile.
		if k, found, err := s2.find(kid, now); found {
			return k, err
		}
		return JWK{}, errUnknownKid
	}
	if c.recentlyFailed(now) {
		return stale(s, kid, now, errKeysUnavailable)
	}
	rows, err := c.src.JWKSRows(ctx)
	if err != nil {
		c.failedAt.Store(now.UnixNano())
		return stale(s, kid, now, fmt.Errorf("%w: %w", errKeysUnavailable, err))
	}
	ns := c.build(rows, now)
	c.failedAt.Store(0)
	c.snap.Store(ns)
	if k, found, err := ns.find(kid, now); found {
		return k, err
	}
	return JWK{}, errUnknownKid
}

// errKeysUnavailable: the keys could not be read and the copy lacks the kid
// (not a refusal: the token may be good).
var errKeysUnavailable = errors.New("betterauth: the signing keys could not be read")

// stale serves kid from the previous copy while the keys cannot be read.
func stale(s *keySnap, kid string, now time.Time, cause error) (JWK, error) {
	if s != nil {
		if k, found, err := s.find(kid, now); found {
			return k, err
		}
	}
	return JWK{}, cause
}

func (c *keyCache) recentlyFailed(now time.Time) bool {
	f := c.failedAt.Load()
	return f != 0 && now.UnixNano()-f < int64(c.cooldown)
}

// build parses every row; a row that does not parse is left out (it cannot
// have signed a token Better Auth's own verifier accepts) rather than
// failing the whole set.
func (c *keyCache) build(rows []JWKSRow, now time.Time) *keySnap {
	s := &keySnap{keys: make(map[string]cachedKey, len(rows)), fetched: now}
	for _, r := range rows {
		k, err := r.PublicJWK()
		if err != nil {
			continue
		}
		ck := cachedKey{jwk: k}
		if r.ExpiresAt != nil {
			ck.retires = r.ExpiresAt.Add(c.grace)
		}
		s.keys[k.KeyID] = ck
	}
	return s
}
