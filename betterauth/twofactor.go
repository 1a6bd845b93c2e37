package betterauth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"strings"
	"time"

	"github.com/beep/iam/domain"
)

// base32SecretPrefix marks a TOTP secret imported from another provider: the
// rest is base32 and is decoded to get the HMAC key.
const base32SecretPrefix = "base32:"

// DecryptTOTPSecret decrypts twoFactor.secret. The result is what
// [VerifyTOTP] takes: a 32-character secret whose UTF-8 bytes are the HMAC
// key, or "base32:<secret>" for imported secrets.
func (a *Auth) DecryptTOTPSecret(stored string) (domain.Secret, error) {
	b, err := a.decrypt(stored, "two_factor.secret")
	if err != nil {
		return domain.Secret{}, err
	}
	return domain.NewSecret(string(b)), nil
}

// EncryptTOTPSecret encrypts a TOTP secret for twoFactor.secret, as Better
// Auth's enable endpoint does.
func (a *Auth) EncryptTOTPSecret(secret domain.Secret) (string, error) {
	return a.Encrypt(secret.Reveal())
}

// DecryptBackupCodes reads twoFactor.backupCodes. encrypted selects the
// storeBackupCodes mode: true for "encrypted" (the default: symmetricEncrypt
// of the JSON array), false for "plain" (the JSON array itself).
func (a *Auth) DecryptBackupCodes(stored string, encrypted bool) ([]domain.Secret, error) {
	js := []byte(stored)
	if encrypted {
		var err error
		if js, err = a.decrypt(stored, "two_factor.backup_codes"); err != nil {
			return nil, err
		}
	}
	var codes []string
	if err := json.Unmarshal(js, &codes); err != nil {
		return nil, inputErr("two_factor.backup_codes", "json_string_array", ErrMalformed)
	}
	out := make([]domain.Secret, len(codes))
	for i, c := range codes {
		out[i] = domain.NewSecret(c)
	}
	return out, nil
}

// EncodeBackupCodes writes backup codes the way Better Auth stores them:
// JSON.stringify(codes), encrypted unless encrypted is false ("plain").
func (a *Auth) EncodeBackupCodes(codes []domain.Secret, encrypted bool) (string, error) {
	plain := make([]string, len(codes))
	for i, c := range codes {
		plain[i] = c.Reveal()
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // JSON.stringify does not escape <, >, &
	if err := enc.Encode(plain); err != nil {
		return "", err
	}
	js := strings.TrimSuffix(b.String(), "\n")
	if !encrypted {
		return js, nil
	}
	return a.Encrypt(js)
}

// UseBackupCode checks code against codes in constant time per code and
// returns the codes left after using it; Better Auth then stores the rest
// re-encoded. ok is false when code is not one of them.
func UseBackupCode(codes []domain.Secret, code string) (rest []domain.Secret, ok bool) {
	rest = make([]domain.Secret, 0, len(codes))
	for _, c := range codes {
		if subtle.ConstantTimeCompare([]byte(c.Reveal()), []byte(code)) == 1 {
			ok = true
			continue
		}
		rest = append(rest, c)
	}
	return rest, ok
}

// TOTP holds TOTP parameters; the zero value is Better Auth's default
// (6 digits, 30-second period, window ±1 period).
type TOTP struct {
	Digits int           // 1-8; zero means 6
	Period time.Duration // zero means 30 s
	Window int           // periods accepted either side; zero means 1, negative means 0
}

func (o TOTP) params() (digits int, period int64, window int64) {
	digits, period, window = 6, 30000, 1
	if o.Digits >= 1 && o.Digits <= 8 {
		digits = o.Digits
	}
	if ms := o.Period.Milliseconds(); ms > 0 {
		period = ms
	}
	if o.Window > 0 {
		window = int64(o.Window)
	} else if o.Window < 0 {
		window = 0
	}
	return digits, period, window
}

// totpKey returns the HMAC key for a decrypted TOTP secret: its UTF-8 bytes,
// or the base32 decoding of what follows "base32:".
func totpKey(secret string) ([]byte, bool) {
	if !strings.HasPrefix(secret, base32SecretPrefix) {
		return []byte(secret), true
	}
	s := strings.TrimRight(strings.ToUpper(secret[len(base32SecretPrefix):]), "=")
	k, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(s)
	return k, err == nil
}

// HOTP returns the RFC 4226 code for counter: HMAC-SHA1 over the 8-byte
// big-endian counter, dynamic truncation, modulo 10^digits, zero-padded.
func (o TOTP) HOTP(secret string, counter uint64) string {
	digits, _, _ := o.params()
	key, ok := totpKey(secret)
	if !ok {
		return ""
	}
	return hotp(key, counter, digits)
}

func hotp(key []byte, counter uint64, digits int) string {
	m := hmac.New(sha1.New, key)
	var c [8]byte
	binary.BigEndian.PutUint64(c[:], counter)
	m.Write(c[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 15
	v := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	v %= mod
	out := make([]byte, digits)
	for i := digits - 1; i >= 0; i-- {
		out[i] = byte('0' + v%10)
		v /= 10
	}
	return string(out)
}

func (o TOTP) counter(now time.Time) int64 {
	_, period, _ := o.params()
	ms := now.UnixMilli()
	c := ms / period
	if ms < 0 && ms%period != 0 {
		c-- // floor, as Math.floor
	}
	return c
}

// Generate returns the code for now.
func (o TOTP) Generate(secret string, now time.Time) string {
	return o.HOTP(secret, uint64(o.counter(now)))
}

// Verify reports whether code is the code of now or of a period within the
// window either side. Every candidate is computed and compared in constant
// time, as Better Auth does. A "base32:" secret that does not decode never
// verifies.
func (o TOTP) Verify(secret, code string, now time.Time) bool {
	digits, _, window := o.params()
	key, ok := totpKey(secret)
	if !ok {
		return false
	}
	c := o.counter(now)
	match := 0
	for i := -window; i <= window; i++ {
		want := hotp(key, uint64(c+i), digits)
		match |= subtle.ConstantTimeCompare([]byte(want), []byte(code))
	}
	return match == 1
}

// VerifyTOTP checks a 6-digit, 30-second TOTP code with a window of ±1 period
// against a decrypted twoFactor secret (see [Auth.DecryptTOTPSecret]).
func VerifyTOTP(secret, code string, now time.Time) bool {
	return TOTP{}.Verify(secret, code, now)
}

// GenerateTOTP returns the 6-digit, 30-second TOTP code for now.
func GenerateTOTP(secret string, now time.Time) string {
	return TOTP{}.Generate(secret, now)
}

// TOTPURI returns the otpauth:// URI Better Auth shows for enrolment, with
// the secret's bytes base32-encoded without padding.
func TOTPURI(secret, issuer, account string) string {
	key, _ := totpKey(secret)
	enc := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(key)
	return "otpauth://totp/" + encodeURIComponent(issuer) + ":" + encodeURIComponent(account) +
		"?secret=" + enc + "&issuer=" + formEncode(issuer) + "&digits=6&period=30"
}

// formEncode escapes like URLSearchParams (application/x-www-form-urlencoded):
// space becomes '+', and only A-Z a-z 0-9 * - . _ stay as they are.
func formEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '*', c == '-', c == '.', c == '_':
			b.WriteByte(c)
		case c == ' ':
			b.WriteByte('+')
		default:
			b.WriteByte('%')
			b.WriteByte(hexDigits[c>>4])
			b.WriteByte(hexDigits[c&15])
		}
	}
	return b.String()
}
