package betterauth

import (
	"crypto/hmac"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/beep/iam/domain"
)

// maxCookieCacheLen bounds the encoded cookie cache (chunks joined). Better
// Auth chunks cookies above ~4 KB; 64 KB leaves room for many chunks.
const maxCookieCacheLen = 64 << 10

// CachedSession is the session row embedded in a cookie cache.
type CachedSession struct {
	ID                   string
	Token                domain.Secret
	UserID               string
	ExpiresAt            time.Time
	CreatedAt            time.Time
	UpdatedAt            time.Time
	IPAddress            *string
	UserAgent            *string
	ActiveOrganizationID *string
	ActiveTeamID         *string
	ImpersonatedBy       *string
}

// CachedUser is the user row embedded in a cookie cache. Fields added by
// plugins are nil when the server does not have the plugin; any other field
// is in [CookieCache.Payload].
type CachedUser struct {
	ID                  string
	Name                string
	Email               string // lower-cased, as Better Auth's schema does
	EmailVerified       bool
	Image               *string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	TwoFactorEnabled    *bool
	Role                *string
	Banned              *bool
	BanReason           *string
	BanExpires          *time.Time
	Username            *string
	DisplayUsername     *string
	PhoneNumber         *string
	PhoneNumberVerified *bool
	IsAnonymous         *bool
	StripeCustomerID    *string
}

// CookieCache is a verified compact cookie cache ("session_data").
type CookieCache struct {
	Session CachedSession
	User    CachedUser
	// UpdatedAt is when the cache was written (ms precision).
	UpdatedAt time.Time
	// Version is the payload's version ("1" when absent).
	Version string
	// ExpiresAt is when the cache itself expires (cookieCache.maxAge after
	// it was written).
	ExpiresAt time.Time
	// Payload is the verified JSON of {session, user, updatedAt, version},
	// for application fields this package does not type. It contains the
	// session token, so it is a Secret.
	Payload domain.Secret

	arena cacheArena
}

// String implements fmt.Stringer with ids and times only: no token, and no
// personal data in logs.
func (c CookieCache) String() string {
	return "betterauth.CookieCache{session: " + c.Session.ID + ", user: " + c.User.ID +
		", expires: " + c.ExpiresAt.Format(time.RFC3339) + "}"
}

// GoString implements fmt.GoStringer like String.
func (c CookieCache) GoString() string { return c.String() }

var decodePool = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

// VerifyCookieCache verifies a compact cookie-cache value (the session_data
// cookie, chunks joined) and returns the session and user in it:
//
//   - the value is base64url of {"session": S, "expiresAt": ms, "signature": sig};
//   - sig must equal base64url_nopad(HMAC-SHA256(secret, S with
//     `,"expiresAt":ms` inserted before its final '}')), computed over the
//     exact bytes of S in the cookie (constant-time compare);
//   - S must hold a session and a user of Better Auth's schema;
//   - the cache (expiresAt) and the session (session.expiresAt) must not be
//     before now.
//
// Only the "compact" strategy (Better Auth's default) is supported; a server
// configured with session.cookieCache.strategy "jwt" or "jwe" writes caches
// this function rejects as malformed, so callers fall back to the database.
//
// Errors match [ErrMalformed], [ErrInvalidSignature] or [ErrExpired]. This is
// Better Auth's getCookieCache; [Auth.SessionFromCookieCache] adds the
// checks its get-session endpoint makes. It costs two allocations on
// success: the decoded JSON (every string in the result is a substring of
// it) and the result.
func (a *Auth) VerifyCookieCache(value string, now time.Time) (*CookieCache, error) {
	if len(value) > maxCookieCacheLen {
		return nil, inputErr("session_data", "max_length", ErrMalformed)
	}
	if strings.IndexByte(value, '%') >= 0 { // better-call URL-decodes cookie values
		dec, err := url.PathUnescape(value)
		if err != nil {
			return nil, inputErr("session_data", "url_encoding", ErrMalformed)
		}
		value = dec
	}
	bp := decodePool.Get().(*[]byte)
	dec, ok := decodeBase64URL(*bp, value)
	defer func() { *bp = dec[:0]; decodePool.Put(bp) }()
	if !ok {
		return nil, inputErr("session_data", "base64url", ErrMalformed)
	}

	p := jscan{s: string(dec)}
	c := &CookieCache{}
	var schema schemaCheck
	var sessStart, sessEnd int
	var expText, sig string
	var exp int64
	var seen [3]bool
	ok = p.object(func(key string) bool {
		switch key {
		case "session":
			if seen[0] || p.peek() != '{' {
				return false
			}
			seen[0] = true
			sessStart = p.i
			// Decode S in the same pass; schema problems are reported
			// only after the signature verified, as Better Auth does.
			ok := parseCachePayload(&p, c, &schema)
			sessEnd = p.i
			return ok
		case "expiresAt":
			if seen[1] {
				return false
			}
			seen[1] = true
			var ok bool
			expText, exp, ok = p.integer()
			return ok
		case "signature":
			if seen[2] {
				return false
			}
			seen[2] = true
			var ok bool
			sig, ok = p.str()
			return ok
		}
		return p.skip()
	})
	if p.ws(); !ok || p.i != len(p.s) {
		return nil, inputErr("session_data", "json", ErrMalformed)
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return nil, inputErr("session_data", "session_expiresAt_signature", ErrMalformed)
	}

	sig = strings.TrimRight(sig, "=")
	if len(sig) != 43 { // base64url of 32 bytes, without padding
		return nil, inputErr("session_data", "signature_length", ErrMalformed)
	}
	h := a.getHMAC()
	n := copy(h.scratch[:], sig)
	if k, err := base64.RawURLEncoding.Decode(h.sig[:], h.scratch[:n]); err != nil || k != 32 {
		a.putHMAC(h)
		return nil, inputErr("session_data", "signature_base64url", ErrMalformed)
	}
	// The HMAC covers S re-serialized with expiresAt added; for a cookie
	// Better Auth wrote, that is S's own bytes with the member spliced in.
	h.write(dec[sessStart : sessEnd-1])
	if strings.TrimSpace(p.s[sessStart+1:sessEnd-1]) != "" {
		h.writeString(",")
	}
	h.writeString(`"expiresAt":`)
	h.writeString(expText)
	h.writeString("}")
	good := hmac.Equal(h.digest(), h.sig[:32])
	a.putHMAC(h)
	if !good {
		return nil, inputErr("session_data", "hmac", ErrInvalidSignature)
	}

	if schema.err != nil {
		return nil, schema.err
	}
	c.Payload = domain.NewSecret(p.s[sessStart:sessEnd])
	c.ExpiresAt = time.UnixMilli(exp).UTC()
	if c.Version == "" {
		c.Version = "1"
	}
	nowMs := now.UnixMilli()
	if exp < nowMs {
		return nil, inputErr("session_data", "cache_expired", ErrExpired)
	}
	if c.Session.ExpiresAt.UnixMilli() < nowMs {
		return nil, inputErr("session_data", "session_expired", ErrExpired)
	}
	return c, nil
}

// cacheArena backs the optional (pointer) fields of one CookieCache, so that
// decoding them allocates nothing beyond the CookieCache itself.
type cacheArena struct {
	strs  [16]string
	nstr  int
	bools [8]bool
	nbool int
	times [4]time.Time
	ntime int
}

func (ar *cacheArena) optString(p *jscan, dst **string) bool {
	if p.null() {
		*dst = nil
		return true
	}
	s, ok := p.str()
	if !ok {
		return false
	}
	if ar.nstr == len(ar.strs) {
		v := s // only this rare path allocates
		*dst = &v
		return true
	}
	ar.strs[ar.nstr] = s
	*dst = &ar.strs[ar.nstr]
	ar.nstr++
	return true
}

func (ar *cacheArena) optBool(p *jscan, dst **bool) bool {
	if p.null() {
		*dst = nil
		return true
	}
	b, ok := p.boolean()
	if !ok {
		return false
	}
	if ar.nbool == len(ar.bools) {
		v := b
		*dst = &v
		return true
	}
	ar.bools[ar.nbool] = b
	*dst = &ar.bools[ar.nbool]
	ar.nbool++
	return true
}

func (ar *cacheArena) optDate(p *jscan, dst **time.Time) bool {
	if p.null() {
		*dst = nil
		return true
	}
	t, ok := p.date()
	if !ok {
		return false
	}
	if ar.ntime == len(ar.times) {
		v := t
		*dst = &v
		return true
	}
	ar.times[ar.ntime] = t
	*dst = &ar.times[ar.ntime]
	ar.ntime++
	return true
}

// schemaCheck records the first member that breaks Better Auth's cookie
// cache schema while decoding goes on (the JSON itself must stay valid).
type schemaCheck struct{ err error }

func (sc *schemaCheck) fail(field string) {
	if sc.err == nil {
		sc.err = inputErr("session_data."+field, "schema", ErrMalformed)
	}
}

// member reads one member value with read; when the value has the wrong type
// it records the schema problem and skips the value. It returns false only
// for invalid JSON.
func (p *jscan) member(sc *schemaCheck, section, key string, read func() bool) bool {
	start, depth := p.i, p.depth
	if read() {
		return true
	}
	p.i, p.depth = start, depth
	sc.fail(section + key)
	return p.skip()
}

// parseCachePayload decodes S = {session, user, updatedAt, version} at the
// scanner's position into c.
func parseCachePayload(p *jscan, c *CookieCache, sc *schemaCheck) bool {
	var haveSession, haveUser, haveUpdated bool
	ok := p.object(func(k string) bool {
		switch k {
		case "session":
			haveSession = true
			if p.peek() != '{' {
				sc.fail("session")
				return p.skip()
			}
			return parseCachedSession(p, &c.Session, &c.arena, sc)
		case "user":
			haveUser = true
			if p.peek() != '{' {
				sc.fail("user")
				return p.skip()
			}
			return parseCachedUser(p, &c.User, &c.arena, sc)
		case "updatedAt":
			haveUpdated = true
			return p.member(sc, "", k, func() bool {
				t, ok := p.number()
				if !ok {
					return false
				}
				f, err := strconv.ParseFloat(t, 64)
				c.UpdatedAt = time.UnixMilli(int64(f)).UTC()
				return err == nil
			})
		case "version":
			return p.member(sc, "", k, func() (ok bool) {
				c.Version, ok = p.str()
				return ok
			})
		}
		return p.skip()
	})
	switch {
	case !haveSession:
		sc.fail("session")
	case !haveUser:
		sc.fail("user")
	case !haveUpdated:
		sc.fail("updatedAt")
	}
	return ok
}

// Required members of the cached session and user (Better Auth's core
// schemas), as bits of a presence mask.
const (
	reqID = 1 << iota
	reqToken
	reqUserID
	reqExpiresAt
	reqEmail
	reqName
	sessionRequired = reqID | reqToken | reqUserID | reqExpiresAt
	userRequired    = reqID | reqEmail | reqName
)

func missingField(have, required int) string {
	names := [...]string{"id", "token", "userId", "expiresAt", "email", "name"}
	for i, n := range names {
		if required&(1<<i) != 0 && have&(1<<i) == 0 {
			return n
		}
	}
	return ""
}

// parseCachedSession decodes the session object, recording schema problems
// in sc.
func parseCachedSession(p *jscan, s *CachedSession, ar *cacheArena, sc *schemaCheck) bool {
	have := 0
	ok := p.object(func(key string) bool {
		return p.member(sc, "session.", key, func() (ok bool) {
			switch key {
			case "id":
				s.ID, ok = p.str()
				have |= reqID
			case "token":
				var t string
				t, ok = p.str()
				s.Token = domain.NewSecret(t)
				have |= reqToken
			case "userId":
				have |= reqUserID
				// z.coerce.string(): numeric ids are accepted as text.
				if p.peek() == '"' {
					s.UserID, ok = p.str()
				} else {
					s.UserID, ok = p.number()
				}
			case "expiresAt":
				s.ExpiresAt, ok = p.date()
				have |= reqExpiresAt
			case "createdAt":
				s.CreatedAt, ok = p.date()
			case "updatedAt":
				s.UpdatedAt, ok = p.date()
			case "ipAddress":
				ok = ar.optString(p, &s.IPAddress)
			case "userAgent":
				ok = ar.optString(p, &s.UserAgent)
			case "activeOrganizationId":
				ok = ar.optString(p, &s.ActiveOrganizationID)
			case "activeTeamId":
				ok = ar.optString(p, &s.ActiveTeamID)
			case "impersonatedBy":
				ok = ar.optString(p, &s.ImpersonatedBy)
			default:
				ok = p.skip()
			}
			return ok
		})
	})
	if ok && have&sessionRequired != sessionRequired {
		sc.fail("session." + missingField(have, sessionRequired))
	}
	return ok
}

// parseCachedUser decodes the user object, recording schema problems in sc.
func parseCachedUser(p *jscan, u *CachedUser, ar *cacheArena, sc *schemaCheck) bool {
	have := 0
	ok := p.object(func(key string) bool {
		return p.member(sc, "user.", key, func() (ok bool) {
			switch key {
			case "id":
				u.ID, ok = p.str()
				have |= reqID
			case "name":
				u.Name, ok = p.str()
				have |= reqName
			case "email":
				u.Email, ok = p.str()
				u.Email = strings.ToLower(u.Email)
				have |= reqEmail
			case "emailVerified":
				u.EmailVerified, ok = p.boolean()
			case "image":
				ok = ar.optString(p, &u.Image)
			case "createdAt":
				u.CreatedAt, ok = p.date()
			case "updatedAt":
				u.UpdatedAt, ok = p.date()
			case "twoFactorEnabled":
				ok = ar.optBool(p, &u.TwoFactorEnabled)
			case "role":
				ok = ar.optString(p, &u.Role)
			case "banned":
				ok = ar.optBool(p, &u.Banned)
			case "banReason":
				ok = ar.optString(p, &u.BanReason)
			case "banExpires":
				ok = ar.optDate(p, &u.BanExpires)
			case "username":
				ok = ar.optString(p, &u.Username)
			case "displayUsername":
				ok = ar.optString(p, &u.DisplayUsername)
			case "phoneNumber":
				ok = ar.optString(p, &u.PhoneNumber)
			case "phoneNumberVerified":
				ok = ar.optBool(p, &u.PhoneNumberVerified)
			case "isAnonymous":
				ok = ar.optBool(p, &u.IsAnonymous)
			case "stripeCustomerId":
				ok = ar.optString(p, &u.StripeCustomerID)
			default:
				ok = p.skip()
			}
			return ok
		})
	})
	if ok && have&userRequired != userRequired {
		sc.fail("user." + missingField(have, userRequired))
	}
	return ok
}

// SessionFromCookieCache answers a request from its cookie cache the way
// Better Auth's get-session endpoint does with session.cookieCache enabled,
// without touching the database:
//
//   - the session_token cookie must verify ([Auth.SessionToken]'s cookie
//     rules; a bearer token is used when present and valid);
//   - the session_data cookie (or its chunks ".0", ".1", ...) must verify
//     ([Auth.VerifyCookieCache]);
//   - the cached session's token must equal the cookie's (constant time);
//   - the cache version (default "1") must equal Config.CookieCacheVersion
//     (default "1").
//
// [ErrNoCredentials] means there is no cookie cache (or no session cookie):
// fall back to the database lookup. Any other error means the cache must not
// be trusted; Better Auth then expires the cookie and reads the database too.
func (a *Auth) SessionFromCookieCache(r *http.Request, now time.Time) (*CookieCache, error) {
	tok, err := a.SessionToken(r)
	if err != nil {
		return nil, err
	}
	value, ok := a.cookieCacheValue(r.Header)
	if !ok {
		return nil, ErrNoCredentials
	}
	c, err := a.VerifyCookieCache(value, now)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(c.Session.Token.Reveal()), []byte(tok.Reveal())) != 1 {
		return nil, inputErr("session_data.session.token", "matches_session_cookie", ErrInvalidSignature)
	}
	want := a.cacheVersion
	if want == "" {
		want = "1"
	}
	if c.Version != want {
		return nil, inputErr("session_data.version", "matches_config", ErrExpired)
	}
	return c, nil
}

// CookieCacheValue returns the session_data cookie of a request, joining
// chunked cookies ("<name>.0", "<name>.1", ...) in index order as Better Auth
// does when the unchunked cookie is absent.
func (a *Auth) CookieCacheValue(r *http.Request) (string, bool) {
	return a.cookieCacheValue(r.Header)
}

func (a *Auth) cookieCacheValue(h http.Header) (string, bool) {
	if v, ok := CookieValue(h, a.sessionDataName); ok && v != "" {
		return v, true
	}
	type chunk struct {
		index int
		value string
	}
	var chunks []chunk
	prefix := a.sessionDataName + "."
	for _, line := range h["Cookie"] {
		for part := range strings.SplitSeq(line, ";") {
			name, value, ok := strings.Cut(part, "=")
			name = strings.TrimSpace(name)
			if !ok || !strings.HasPrefix(name, prefix) {
				continue
			}
			i, err := strconv.Atoi(name[len(prefix):])
			if err != nil || i < 0 || i > 1000 {
				continue
			}
			chunks = append(chunks, chunk{i, strings.TrimSpace(value)})
		}
	}
	if len(chunks) == 0 {
		return "", false
	}
	sort.SliceStable(chunks, func(i, j int) bool { return chunks[i].index < chunks[j].index })
	var b strings.Builder
	for _, c := range chunks {
		if b.Len()+len(c.value) > maxCookieCacheLen {
			break
		}
		b.WriteString(c.value)
	}
	return b.String(), true
}

// SignCookieCache builds a compact cookie-cache value that Better Auth
// accepts, from payload, the JSON text of {session, user, updatedAt, version}
// exactly as JavaScript's JSON.stringify would write it (compact, no
// whitespace), and the cache's expiry.
func (a *Auth) SignCookieCache(payload string, expiresAt time.Time) (string, error) {
	p := jscan{s: payload}
	if p.peek() != '{' || !p.skip() || p.peek() != 0 {
		return "", inputErr("session_data", "json_object", ErrMalformed)
	}
	payload = strings.TrimSpace(payload)
	exp := strconv.FormatInt(expiresAt.UnixMilli(), 10)
	h := a.getHMAC()
	h.writeString(payload[:len(payload)-1])
	if strings.TrimSpace(payload[1:len(payload)-1]) != "" {
		h.writeString(",")
	}
	h.writeString(`"expiresAt":` + exp + "}")
	sig := base64.RawURLEncoding.EncodeToString(h.digest())
	a.putHMAC(h)
	js := `{"session":` + payload + `,"expiresAt":` + exp + `,"signature":"` + sig + `"}`
	return base64.RawURLEncoding.EncodeToString([]byte(js)), nil
}

// decodeBase64URL decodes unpadded (or '='-padded) base64url s into buf,
// reusing buf's storage: s is copied into the upper part of buf and decoded
// into the lower part by the standard library's decoder, which is faster
// than a byte loop and needs a []byte source.
func decodeBase64URL(buf []byte, s string) ([]byte, bool) {
	s = strings.TrimRight(s, "=")
	n := base64.RawURLEncoding.DecodedLen(len(s))
	if cap(buf) < n+len(s) {
		buf = make([]byte, 0, n+len(s))
	}
	buf = buf[:n+len(s)]
	src := buf[n:]
	copy(src, s)
	k, err := base64.RawURLEncoding.Decode(buf[:n], src)
	if err != nil {
		return buf[:0], false
	}
	return buf[:k], true
}
