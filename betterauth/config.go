package betterauth

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"

	"github.com/beep/iam/domain"
)

// DefaultCookiePrefix is Better Auth's default advanced.cookiePrefix.
const DefaultCookiePrefix = "better-auth"

// SecureCookiePrefix is prepended to every cookie name when secure cookies are
// on (advanced.useSecureCookies, or an https baseURL).
const SecureCookiePrefix = "__Secure-"

// DevSecret is the secret Better Auth falls back to outside production when
// none is configured. [New] never uses it implicitly; it is never treated as a
// legacy secret for decryption, as in Better Auth.
const DevSecret = "better-auth-secret-12345678901234567890"

// DefaultSessionMaxAge is the Max-Age of the session_token cookie Better Auth
// sets by default (session.expiresIn, 7 days), in seconds.
const DefaultSessionMaxAge = 604800

// SecretVersion is one entry of a secret rotation list (Better Auth's
// `secrets: [{version, value}]` or BETTER_AUTH_SECRETS="2:new,1:old").
type SecretVersion struct {
	Version int
	Value   domain.Secret
}

// Config is what a Go service must know about the Better Auth server it shares
// a database with. Only a secret is required.
type Config struct {
	// Secret is BETTER_AUTH_SECRET (or AUTH_SECRET, or options.secret). Without
	// Secrets it signs cookies and keys the encryption. With Secrets it is only
	// the legacy secret that decrypts bare-hex (pre-rotation) ciphertexts.
	Secret domain.Secret
	// Secrets is the rotation list; the first entry is current. Cookie HMACs
	// use only its value; encryption writes "$ba$<version>$" envelopes with it
	// and decryption picks the version the envelope names.
	Secrets []SecretVersion
	// CookiePrefix is advanced.cookiePrefix; empty means DefaultCookiePrefix.
	CookiePrefix string
	// SessionTokenCookie overrides the whole session cookie name
	// (advanced.cookies.session_token.name), without the secure prefix.
	SessionTokenCookie string
	// SessionDataCookie overrides the whole cookie-cache cookie name
	// (advanced.cookies.session_data.name), without the secure prefix.
	SessionDataCookie string
	// SecureCookies adds the "__Secure-" prefix to cookie names, as Better
	// Auth does with useSecureCookies or an https baseURL.
	SecureCookies bool
	// AllowUnsignedBearer accepts "Authorization: Bearer <token>" without a
	// signature, as the bearer plugin does unless requireSignature is set.
	AllowUnsignedBearer bool
	// CookieCacheVersion, when set, is session.cookieCache.version: a cookie
	// cache whose version differs (absent counts as "1") is rejected.
	CookieCacheVersion string
}

// Auth holds a validated [Config] with its derived keys. It is safe for
// concurrent use; build it once with [New].
type Auth struct {
	cookieSecret []byte // current secret, HMAC key for cookies and cookie cache
	hmacPool     sync.Pool

	rotation       bool
	currentVersion int
	encKeys        map[int][32]byte // version -> SHA-256(secret)
	legacyKey      *[32]byte        // SHA-256(legacy secret), for bare hex under rotation
	plainKey       [32]byte         // SHA-256(secret) without rotation

	sessionTokenName string
	sessionDataName  string
	dontRememberName string

	allowUnsignedBearer bool
	cacheVersion        string
}

// New validates cfg and derives its keys. Errors match [ErrConfig] and never
// contain a secret.
func New(cfg Config) (*Auth, error) {
	a := &Auth{allowUnsignedBearer: cfg.AllowUnsignedBearer, cacheVersion: cfg.CookieCacheVersion}
	if len(cfg.Secrets) > 0 {
		a.rotation = true
		a.encKeys = make(map[int][32]byte, len(cfg.Secrets))
		for i, s := range cfg.Secrets {
			if s.Version < 0 {
				return nil, fmt.Errorf("%w: secrets[%d].version: must be a non-negative integer", ErrConfig, i)
			}
			if s.Value.IsEmpty() {
				return nil, fmt.Errorf("%w: secrets[%d].value: required", ErrConfig, i)
			}
			if _, dup := a.encKeys[s.Version]; dup {
				return nil, fmt.Errorf("%w: secrets[%d].version: duplicate version %d", ErrConfig, i, s.Version)
			}
			a.encKeys[s.Version] = sha256.Sum256([]byte(s.Value.Reveal()))
		}
		a.currentVersion = cfg.Secrets[0].Version
		a.cookieSecret = []byte(cfg.Secrets[0].Value.Reveal())
		if l := cfg.Secret.Reveal(); l != "" && l != DevSecret {
			k := sha256.Sum256([]byte(l))
			a.legacyKey = &k
		}
	} else {
		if cfg.Secret.IsEmpty() {
			return nil, fmt.Errorf("%w: secret: required (BETTER_AUTH_SECRET, or a secrets rotation list)", ErrConfig)
		}
		a.cookieSecret = []byte(cfg.Secret.Reveal())
		a.plainKey = sha256.Sum256(a.cookieSecret)
	}
	a.hmacPool.New = func() any { return &macState{h: hmac.New(sha256.New, a.cookieSecret)} }

	prefix := cfg.CookiePrefix
	if prefix == "" {
		prefix = DefaultCookiePrefix
	}
	secure := ""
	if cfg.SecureCookies {
		secure = SecureCookiePrefix
	}
	name := func(override, suffix string) string {
		if override != "" {
			return secure + override
		}
		return secure + prefix + "." + suffix
	}
	a.sessionTokenName = name(cfg.SessionTokenCookie, "session_token")
	a.sessionDataName = name(cfg.SessionDataCookie, "session_data")
	a.dontRememberName = name("", "dont_remember")
	for _, n := range []string{a.sessionTokenName, a.sessionDataName} {
		if !validCookieName(n) {
			return nil, fmt.Errorf("%w: cookie name %q: not a valid cookie token", ErrConfig, n)
		}
	}
	return a, nil
}

// SessionTokenCookieName is the name of the signed session cookie, e.g.
// "better-auth.session_token" or "__Secure-better-auth.session_token".
func (a *Auth) SessionTokenCookieName() string { return a.sessionTokenName }

// SessionDataCookieName is the name of the cookie-cache cookie, e.g.
// "better-auth.session_data".
func (a *Auth) SessionDataCookieName() string { return a.sessionDataName }

// DontRememberCookieName is the name of the signed cookie Better Auth sets
// when a user signs in with rememberMe=false.
func (a *Auth) DontRememberCookieName() string { return a.dontRememberName }

// CurrentSecretVersion returns the version new envelopes are written with,
// and false when no rotation list is configured (bare-hex ciphertexts).
func (a *Auth) CurrentSecretVersion() (int, bool) { return a.currentVersion, a.rotation }

// String implements fmt.Stringer without revealing any secret.
func (a *Auth) String() string {
	return "betterauth.Auth{cookie: " + a.sessionTokenName + ", secrets: " + domain.Redacted + "}"
}

// GoString implements fmt.GoStringer without revealing any secret.
func (a *Auth) GoString() string { return a.String() }

// macState is a pooled HMAC-SHA256 keyed with the cookie secret, with
// buffers so that hashing strings and reading the sum allocate nothing.
type macState struct {
	h       hash.Hash
	sum     [32]byte
	sig     [48]byte // a decoded signature under comparison
	scratch [256]byte
}

func (m *macState) write(b []byte) { m.h.Write(b) }

// writeString hashes s through the scratch buffer: converting s to []byte
// for the hash.Hash interface would copy it to the heap.
func (m *macState) writeString(s string) {
	for len(s) > 0 {
		n := copy(m.scratch[:], s)
		m.h.Write(m.scratch[:n])
		s = s[n:]
	}
}

func (m *macState) digest() []byte { return m.h.Sum(m.sum[:0]) }

func (a *Auth) getHMAC() *macState { return a.hmacPool.Get().(*macState) }

func (a *Auth) putHMAC(m *macState) {
	m.h.Reset()
	a.hmacPool.Put(m)
}

// ConfigFromEnv reads BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET and AUTH_SECRET
// the way Better Auth does, through lookup (os.Getenv in production, a map in
// tests). SecureCookies is set as Better Auth derives useSecureCookies when
// the option is unset: BETTER_AUTH_URL starts with "https://", or there is
// no BETTER_AUTH_URL and NODE_ENV is "production". The rest of Config keeps
// its zero value.
func ConfigFromEnv(lookup func(string) string) (Config, error) {
	var cfg Config
	if v := lookup("BETTER_AUTH_SECRETS"); v != "" {
		s, err := ParseSecrets(v)
		if err != nil {
			return Config{}, err
		}
		cfg.Secrets = s
	}
	legacy := lookup("BETTER_AUTH_SECRET")
	if legacy == "" {
		legacy = lookup("AUTH_SECRET")
	}
	cfg.Secret = domain.NewSecret(legacy)
	if u := lookup("BETTER_AUTH_URL"); u != "" {
		cfg.SecureCookies = strings.HasPrefix(u, "https://")
	} else {
		cfg.SecureCookies = lookup("NODE_ENV") == "production"
	}
	return cfg, nil
}

// ParseSecrets parses BETTER_AUTH_SECRETS: comma-separated "<version>:<secret>"
// entries, current first, e.g. "2:new-secret,1:old-secret". Whitespace around
// entries and values is trimmed, as in Better Auth. Errors name the entry's
// position, never its value.
func ParseSecrets(env string) ([]SecretVersion, error) {
	parts := strings.Split(env, ",")
	out := make([]SecretVersion, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		colon := strings.IndexByte(p, ':')
		if colon < 0 {
			return nil, fmt.Errorf("%w: BETTER_AUTH_SECRETS entry %d: expected <version>:<secret>", ErrConfig, i+1)
		}
		v, err := strconv.Atoi(strings.TrimSpace(p[:colon]))
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%w: BETTER_AUTH_SECRETS entry %d: version must be a non-negative integer", ErrConfig, i+1)
		}
		val := strings.TrimSpace(p[colon+1:])
		if val == "" {
			return nil, fmt.Errorf("%w: BETTER_AUTH_SECRETS entry %d: empty secret", ErrConfig, i+1)
		}
		out = append(out, SecretVersion{Version: v, Value: domain.NewSecret(val)})
	}
	return out, nil
}

func validCookieName(n string) bool {
	if n == "" {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("()<>@,;:\\\"/[]?={}", c) >= 0 {
			return false
		}
	}
	return true
}
