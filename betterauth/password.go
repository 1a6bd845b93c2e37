package betterauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"runtime"
	"strings"
	"sync"

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

// PasswordMemory is what one scrypt call with Better Auth's parameters
// allocates: 128 × N × r bytes = 32 MiB. A [PasswordHasher] lets at most
// MaxConcurrent of them run at once, so its passwords never hold more than
// MaxConcurrent × PasswordMemory.
const PasswordMemory = 128 * scryptN * scryptR

// PasswordHasher hashes and verifies passwords in Better Auth's scrypt
// format, with at most MaxConcurrent calls running scrypt at once; the
// others wait for a slot (honouring their context). Each scrypt call takes
// ~32 MiB ([PasswordMemory]) and tens of milliseconds of one CPU, so without
// a bound a burst of sign-ins can exhaust a service's memory.
//
// The zero value is ready to use. Share one PasswordHasher per process (the
// bound is per value); it is safe for concurrent use and must not be copied
// after first use. [HashPassword] and [VerifyPassword] use a process-wide
// one with the default bound.
type PasswordHasher struct {
	// MaxConcurrent bounds the scrypt calls running at once; 0 means
	// runtime.GOMAXPROCS(0) (read at first use); more than the CPUs only
	// adds memory. Size it from the memory you give passwords: peak memory
	// is MaxConcurrent × 32 MiB. A negative value is refused by every call
	// (an *InputError for field MaxConcurrent matching ErrConfig).
	MaxConcurrent int

	once sync.Once
	sem  chan struct{}
	err  error

	// test hooks (export_test.go): waiting runs when a call finds every
	// slot taken and starts to wait; acquired runs when it holds a slot.
	waiting, acquired func()
}

var defaultHasher PasswordHasher

func (h *PasswordHasher) init() {
	h.once.Do(func() {
		n := h.MaxConcurrent
		switch {
		case n < 0:
			h.err = inputErr("MaxConcurrent", "min", ErrConfig)
			return
		case n == 0:
			n = runtime.GOMAXPROCS(0)
		}
		h.sem = make(chan struct{}, n)
	})
}

// run runs fn while holding one of the slots; op names the call in errors.
func (h *PasswordHasher) run(ctx context.Context, op string, fn func()) error {
	h.init()
	if h.err != nil {
		return h.err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("betterauth: %s: %w", op, err)
	}
	select {
	case h.sem <- struct{}{}:
	default:
		if h.waiting != nil {
			h.waiting()
		}
		select {
		case h.sem <- struct{}{}:
		case <-ctx.Done():
			return fmt.Errorf("betterauth: %s: waiting for one of %d scrypt slots: %w", op, cap(h.sem), ctx.Err())
		}
	}
	defer func() { <-h.sem }()
	if h.acquired != nil {
		h.acquired()
	}
	fn()
	return nil
}

// Hash hashes plain in Better Auth's format:
// "<salt>:<key>", where salt is 16 random bytes as 32 lower-case hex
// characters and key is hex(scrypt(NFKC(plain), salt, N=16384, r=16, p=1,
// dkLen=64)). The salt passed to scrypt is the ASCII hex string itself, not
// its decoded bytes. Better Auth verifies what it returns. When ctx ends
// while the call waits for a slot, the error wraps ctx.Err().
func (h *PasswordHasher) Hash(ctx context.Context, plain string) (string, error) {
	if len(plain) > MaxPasswordLen {
		return "", inputErr("password", "max_length", ErrMalformed)
	}
	var salt [saltHexLen / 2]byte
	if _, err := rand.Read(salt[:]); err != nil {
		return "", fmt.Errorf("betterauth: hash password: reading random salt: %w", err)
	}
	saltHex := hex.EncodeToString(salt[:])
	var key []byte
	var err error
	if rerr := h.run(ctx, "hash password", func() { key, err = passwordKey(plain, saltHex) }); rerr != nil {
		return "", rerr
	}
	if err != nil {
		return "", err
	}
	return saltHex + ":" + hex.EncodeToString(key), nil
}

// Verify reports whether plain matches a hash written by Better Auth (or
// [PasswordHasher.Hash]). The keys are compared in constant time. A hash
// that is not "<salt>:<128 lower-case hex>" returns an [*InputError] for
// field "password_hash" matching [ErrMalformed] without running scrypt; a
// wrong password is (false, nil). When ctx ends while the call waits for a
// slot, the error wraps ctx.Err().
func (h *PasswordHasher) Verify(ctx context.Context, hash, plain string) (bool, error) {
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
	var got []byte
	if rerr := h.run(ctx, "verify password", func() { got, err = passwordKey(plain, salt) }); rerr != nil {
		return false, rerr
	}
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// HashPassword is [PasswordHasher.Hash] on the process-wide hasher
// (runtime.GOMAXPROCS(0) at once) with no deadline. Services that hash on a
// request should use a PasswordHasher's Hash with the request's context.
func HashPassword(plain string) (string, error) {
	return defaultHasher.Hash(context.Background(), plain)
}

// VerifyPassword is [PasswordHasher.Verify] on the process-wide hasher
// (runtime.GOMAXPROCS(0) at once) with no deadline: it waits for a slot as
// long as it takes. Services that verify on a request (sign-in) should use a
// PasswordHasher's Verify with the request's context.
func VerifyPassword(hash, plain string) (bool, error) {
	return defaultHasher.Verify(context.Background(), hash, plain)
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
