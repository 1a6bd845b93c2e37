package betterauth

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/chacha20poly1305"
)

// envelopePrefix starts a rotation envelope: "$ba$<version>$<hex>".
const envelopePrefix = "$ba$"

// maxCiphertextLen bounds the work done on hostile input (hex chars).
const maxCiphertextLen = 1 << 20

// Encrypt encrypts plain the way Better Auth's symmetricEncrypt does:
// XChaCha20-Poly1305 with key SHA-256(secret), a random 24-byte nonce and no
// associated data, hex(nonce ‖ ciphertext ‖ tag). Without a rotation list the
// result is that bare hex; with one it is "$ba$<current version>$<hex>".
func (a *Auth) Encrypt(plain string) (string, error) {
	key := &a.plainKey
	if a.rotation {
		k := a.encKeys[a.currentVersion]
		key = &k
	}
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return "", fmt.Errorf("betterauth: encrypt: %w", err)
	}
	buf := make([]byte, chacha20poly1305.NonceSizeX, chacha20poly1305.NonceSizeX+len(plain)+aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("betterauth: encrypt: reading random nonce: %w", err)
	}
	sealed := aead.Seal(buf, buf[:chacha20poly1305.NonceSizeX], []byte(plain), nil)
	h := hex.EncodeToString(sealed)
	if a.rotation {
		return envelopePrefix + strconv.Itoa(a.currentVersion) + "$" + h, nil
	}
	return h, nil
}

// Decrypt reverses [Auth.Encrypt] and Better Auth's symmetricEncrypt.
//
//   - Without a rotation list, value must be bare hex under the secret.
//   - With one, a "$ba$<v>$<hex>" envelope is decrypted with secret version v
//     ([ErrUnknownSecretVersion] when v is not configured), and bare hex with
//     the legacy Config.Secret ([ErrUnknownSecretVersion] when there is none).
//
// A well-formed ciphertext that fails authentication returns [ErrWrongSecret].
// The value is never echoed in errors.
func (a *Auth) Decrypt(value string) (string, error) {
	b, err := a.decrypt(value, "ciphertext")
	return string(b), err
}

func (a *Auth) decrypt(value, field string) ([]byte, error) {
	if len(value) > maxCiphertextLen {
		return nil, inputErr(field, "max_length", ErrMalformed)
	}
	var key *[32]byte
	if !a.rotation {
		key = &a.plainKey
	} else if strings.HasPrefix(value, envelopePrefix) {
		rest := value[len(envelopePrefix):]
		sep := strings.IndexByte(rest, '$')
		if sep < 1 || sep > 9 {
			return nil, inputErr(field, "envelope_version", ErrMalformed)
		}
		v, err := strconv.Atoi(rest[:sep])
		if err != nil || v < 0 || rest[0] == '+' || rest[0] == '-' {
			return nil, inputErr(field, "envelope_version", ErrMalformed)
		}
		k, ok := a.encKeys[v]
		if !ok {
			return nil, &InputError{Field: field, Rule: "secret_version_" + strconv.Itoa(v), Err: ErrUnknownSecretVersion}
		}
		key = &k
		value = rest[sep+1:]
	} else {
		if a.legacyKey == nil {
			return nil, inputErr(field, "legacy_secret_required", ErrUnknownSecretVersion)
		}
		key = a.legacyKey
	}
	raw, err := hex.DecodeString(value)
	if err != nil {
		return nil, inputErr(field, "hex", ErrMalformed)
	}
	if len(raw) < chacha20poly1305.NonceSizeX+chacha20poly1305.Overhead {
		return nil, inputErr(field, "min_length", ErrMalformed)
	}
	aead, err := chacha20poly1305.NewX(key[:])
	if err != nil {
		return nil, fmt.Errorf("betterauth: decrypt: %w", err)
	}
	nonce, ct := raw[:chacha20poly1305.NonceSizeX], raw[chacha20poly1305.NonceSizeX:]
	plain, err := aead.Open(ct[:0], nonce, ct, nil)
	if err != nil {
		return nil, inputErr(field, "authentication", ErrWrongSecret)
	}
	return plain, nil
}
