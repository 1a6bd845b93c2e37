package betterauth

import (
	"crypto/hmac"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/beep/iam/domain"
)

// signatureLen is the length of a better-call cookie signature: standard
// base64 with padding of a 32-byte HMAC-SHA256.
const signatureLen = 44

// maxSignedValueLen bounds the work done on hostile input: real values are a
// 32-char token, a dot and a 44-char signature, possibly URL-encoded.
const maxSignedValueLen = 4096

// SignCookieValue returns the value Better Auth puts in the session_token
// cookie (and the bearer plugin's set-auth-token header) for a session token:
// encodeURIComponent(token + "." + base64std(HMAC-SHA256(secret, token))).
// Better Auth accepts what it returns.
func (a *Auth) SignCookieValue(token string) string {
	return encodeURIComponent(token + "." + a.sign(token))
}

// SessionCookie returns the Set-Cookie Better Auth would send for a session
// token: the signed value with HttpOnly, SameSite=Lax, Path=/, Secure when the
// name has the secure prefix, and maxAge seconds (0 = a browser-session
// cookie, as with rememberMe=false).
func (a *Auth) SessionCookie(token string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name:     a.sessionTokenName,
		Value:    a.SignCookieValue(token),
		Path:     "/",
		MaxAge:   maxAge,
		HttpOnly: true,
		Secure:   strings.HasPrefix(a.sessionTokenName, SecureCookiePrefix),
		SameSite: http.SameSiteLaxMode,
	}
}

func (a *Auth) sign(value string) string {
	h := a.getHMAC()
	h.writeString(value)
	var out [signatureLen]byte
	base64.StdEncoding.Encode(out[:], h.digest())
	a.putHMAC(h)
	return string(out[:])
}

// VerifySignedValue checks a signed cookie value as better-call does: it
// URL-decodes the value when it contains '%', splits it at the last '.',
// requires a non-empty token and a 44-character standard-base64 signature
// ending in '=', and compares the HMAC-SHA256 of the token in constant time.
// It returns the plain session token.
//
// Errors are [*InputError] values for field "session_token" matching
// [ErrMalformed] or [ErrInvalidSignature].
func (a *Auth) VerifySignedValue(value string) (domain.Secret, error) {
	tok, err := a.verifySigned(value, "session_token")
	if err != nil {
		return domain.Secret{}, err
	}
	return domain.NewSecret(tok), nil
}

func (a *Auth) verifySigned(value, field string) (string, error) {
	if len(value) > maxSignedValueLen {
		return "", inputErr(field, "max_length", ErrMalformed)
	}
	if strings.IndexByte(value, '%') >= 0 {
		dec, err := url.PathUnescape(value)
		if err != nil {
			return "", inputErr(field, "url_encoding", ErrMalformed)
		}
		value = dec
	}
	dot := strings.LastIndexByte(value, '.')
	if dot < 1 {
		return "", inputErr(field, "signed_format", ErrMalformed)
	}
	token, sig := value[:dot], value[dot+1:]
	if len(sig) != signatureLen || sig[signatureLen-1] != '=' {
		return "", inputErr(field, "signature_length", ErrMalformed)
	}
	h := a.getHMAC()
	n := copy(h.scratch[:], sig)
	got := h.sig[:]
	if k, err := base64.StdEncoding.Decode(got, h.scratch[:n]); err != nil || k != 32 {
		a.putHMAC(h)
		return "", inputErr(field, "signature_base64", ErrMalformed)
	}
	h.writeString(token)
	ok := hmac.Equal(h.digest(), got[:32])
	a.putHMAC(h)
	if !ok {
		return "", inputErr(field, "hmac", ErrInvalidSignature)
	}
	return token, nil
}

// SessionToken extracts and verifies the session token of a request the way
// a Better Auth server with the bearer plugin does:
//
//   - "Authorization: Bearer <token>.<signature>" (URL-encoded or not) wins
//     when its signature verifies;
//   - "Authorization: Bearer <token>" without a signature is accepted only
//     with Config.AllowUnsignedBearer;
//   - otherwise the session_token cookie is verified.
//
// It returns [ErrNoCredentials] when the request carries neither, and the
// bearer's error when the bearer fails and there is no cookie. The token is
// the plain value of session.token; look the session up by it.
func (a *Auth) SessionToken(r *http.Request) (domain.Secret, error) {
	var bearerErr error
	if bearer, ok := bearerToken(r.Header); ok {
		tok, err := a.verifyBearer(bearer)
		if err == nil {
			return domain.NewSecret(tok), nil
		}
		bearerErr = err
	}
	if v, ok := CookieValue(r.Header, a.sessionTokenName); ok {
		tok, err := a.verifySigned(v, "session_token")
		if err != nil {
			return domain.Secret{}, err
		}
		return domain.NewSecret(tok), nil
	}
	if bearerErr != nil {
		return domain.Secret{}, bearerErr
	}
	return domain.Secret{}, ErrNoCredentials
}

// VerifyBearer verifies the token part of an "Authorization: Bearer" header
// (without the scheme) and returns the plain session token.
func (a *Auth) VerifyBearer(token string) (domain.Secret, error) {
	tok, err := a.verifyBearer(strings.TrimSpace(token))
	if err != nil {
		return domain.Secret{}, err
	}
	return domain.NewSecret(tok), nil
}

func (a *Auth) verifyBearer(token string) (string, error) {
	if token == "" {
		return "", inputErr("bearer_token", "required", ErrMalformed)
	}
	if strings.IndexByte(token, '.') < 0 && strings.IndexByte(token, '%') < 0 {
		if !a.allowUnsignedBearer {
			return "", inputErr("bearer_token", "signature_required", ErrMalformed)
		}
		if len(token) > maxSignedValueLen {
			return "", inputErr("bearer_token", "max_length", ErrMalformed)
		}
		return token, nil
	}
	return a.verifySigned(token, "bearer_token")
}

// bearerToken returns the credentials of the first Authorization header when
// its scheme is "bearer" (any case), trimmed, as Better Auth's bearer plugin.
func bearerToken(h http.Header) (string, bool) {
	v := h.Get("Authorization")
	if len(v) < 7 || !strings.EqualFold(v[:7], "bearer ") {
		return "", false
	}
	t := strings.TrimSpace(v[7:])
	return t, t != ""
}

// CookieValue returns the value of the first cookie called name in the
// request's Cookie headers, parsed as better-call does: pairs split at ';',
// names and values trimmed, surrounding double quotes removed, the first
// occurrence of a name wins. The value is not URL-decoded. It allocates
// nothing.
func CookieValue(h http.Header, name string) (string, bool) {
	for _, line := range h["Cookie"] {
		if v, ok := cookieFromLine(line, name); ok {
			return v, true
		}
	}
	return "", false
}

func cookieFromLine(line, name string) (string, bool) {
	for len(line) > 0 {
		var part string
		if i := strings.IndexByte(line, ';'); i >= 0 {
			part, line = line[:i], line[i+1:]
		} else {
			part, line = line, ""
		}
		eq := strings.IndexByte(part, '=')
		if eq < 0 {
			continue
		}
		if strings.TrimSpace(part[:eq]) != name {
			continue
		}
		v := strings.TrimSpace(part[eq+1:])
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = v[1 : len(v)-1]
		}
		return v, true
	}
	return "", false
}

// encodeURIComponent escapes s like JavaScript's encodeURIComponent: every
// byte except A-Z a-z 0-9 - _ . ! ~ * ' ( ) becomes %XX (upper-case hex).
func encodeURIComponent(s string) string {
	const hexDigits = "0123456789ABCDEF"
	n := 0
	for i := 0; i < len(s); i++ {
		if !uriUnreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if uriUnreserved(c) {
			b = append(b, c)
			continue
		}
		b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
	}
	return string(b)
}

func uriUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("-_.!~*'()", c) >= 0
}
