package betterauth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"

	"golang.org/x/crypto/scrypt"
	"golang.org/x/text/unicode/norm"
)

// Better Auth's scrypt parameters (@better-auth/utils/password).
const (
	scryptN      = 16384
	scryptR      = 16
	scryptP      = 1
	scryptKeyLen = 64
	saltHexLen   = 32
)

// MaxPasswordLen bounds the bytes of a password that HashPassword and
// VerifyPassword accept; Better Auth's default maximum is 128 characters, so
// this only stops abuse.
const MaxPasswordLen = 4096

// maxSaltLen bounds the salt of a hash to verify. Better Auth writes 32 hex
// characters but verifies any salt string, so imported hashes may differ.
const maxSaltLen = 1024

// HashPassword hashes plain in Better Auth's format:
// "<salt>:<key>", where salt is 16 random bytes as 32 lower-case hex
// characters and key is hex(scrypt(NFKC(plain), salt, N=16384, r=16, p=1,
// dkLen=64)). The salt passed to scrypt is the ASCII hex string itself, not
// its decoded bytes. Better Auth verifies what it returns.
func HashPassword(plain string) (string, error) {
	if len(plain) > MaxPasswordLen {
		return "", inputErr("password", "max_length", ErrMalformed)
	}
	var salt [saltHexLen / 2]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return "", fmt.Errorf("betterauth: hash password: reading random salt: %w", err)
	}
	saltHex := hex.EncodeToString(salt[:])
	key, err := passwordKey(plain, saltHex)
	if err != nil {
		return "", err
	}
	return saltHex + ":" + hex.EncodeToString(key), nil
}

// VerifyPassword reports whether plain matches a hash written by Better Auth
// (or [HashPassword]). The keys are compared in constant time. A hash that is
// not "<salt>:<128 lower-case hex>" returns an [*InputError] for field
// "password_hash" matching [ErrMalformed]; a wrong password is (false, nil).
func VerifyPassword(hash, plain string) (bool, error) {
	salt, keyHex, err := parsePasswordHash(hash)
	if err != nil {
		return false, err
	}
	if len(plain) > MaxPasswordLen {
		return false, nil
	}
	want := make([]byte, scryptKeyLen)
	if _, err := hex.Decode(want, []byte(keyHex)); err != nil {
		return false, inputErr("password_hash", "key_hex", ErrMalformed)
	}
	got, err := passwordKey(plain, salt)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// ParsePasswordHash checks that hash has Better Auth's shape without running
// scrypt; use it to validate imported hashes.
func ParsePasswordHash(hash string) error {
	_, _, err := parsePasswordHash(hash)
	return err
}

func parsePasswordHash(hash string) (salt, key string, err error) {
	salt, key, ok := strings.Cut(hash, ":")
	switch {
	case !ok:
		return "", "", inputErr("password_hash", "salt_colon_key", ErrMalformed)
	case salt == "":
		return "", "", inputErr("password_hash", "salt_required", ErrMalformed)
	case len(salt) > maxSaltLen:
		return "", "", inputErr("password_hash", "salt_max_length", ErrMalformed)
	case len(key) != 2*scryptKeyLen:
		return "", "", inputErr("password_hash", "key_length", ErrMalformed)
	}
	// Better Auth compares lower-case hex strings, so only lower-case hex
	// can ever match.
	for i := 0; i < len(key); i++ {
		if c := key[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return "", "", inputErr("password_hash", "key_hex", ErrMalformed)
		}
	}
	return salt, key, nil
}

func passwordKey(plain, salt string) ([]byte, error) {
	k, err := scrypt.Key([]byte(norm.NFKC.String(plain)), []byte(salt), scryptN, scryptR, scryptP, scryptKeyLen)
	if err != nil {
		return nil, fmt.Errorf("betterauth: scrypt: %w", err)
	}
	return k, nil
}
