package betterauth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
)

func TestVerifyPassword_AcceptsHashesWrittenByBetterAuth(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	require.NotEmpty(t, v.Passwords)
	for _, p := range v.Passwords {
		ok, err := betterauth.VerifyPassword(p.Hash, p.Password)
		require.NoError(t, err)
		require.True(t, ok, "password %q", p.Password)

		ok, err = betterauth.VerifyPassword(p.Hash, p.Password+"x")
		require.NoError(t, err)
		require.False(t, ok, "wrong password for %q", p.Password)
	}
}

func TestVerifyPassword_NormalizesNFKCLikeBetterAuth(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	// Better Auth hashed the full-width "ｐａｓｓｗｏｒｄ１２３"; NFKC maps it to ASCII.
	var fullWidth string
	for _, p := range v.Passwords {
		if strings.HasPrefix(p.Password, "ｐ") {
			fullWidth = p.Hash
		}
	}
	require.NotEmpty(t, fullWidth)
	ok, err := betterauth.VerifyPassword(fullWidth, "password123")
	require.NoError(t, err)
	require.True(t, ok)

	// "é" precomposed and decomposed are the same password after NFKC.
	h, err := betterauth.HashPassword("caf\u00e9")
	require.NoError(t, err)
	ok, err = betterauth.VerifyPassword(h, "cafe\u0301")
	require.NoError(t, err)
	require.True(t, ok)
}

func TestHashPassword_HasBetterAuthShapeAndRoundTrips(t *testing.T) {
	t.Parallel()
	h, err := betterauth.HashPassword("correct horse battery staple")
	require.NoError(t, err)
	require.Len(t, h, 161)
	require.Equal(t, byte(':'), h[32])
	require.NoError(t, betterauth.ParsePasswordHash(h))
	ok, err := betterauth.VerifyPassword(h, "correct horse battery staple")
	require.NoError(t, err)
	require.True(t, ok)

	h2, err := betterauth.HashPassword("correct horse battery staple")
	require.NoError(t, err)
	require.NotEqual(t, h, h2, "salts are random")
}

func TestVerifyPassword_RejectsMalformedHashWithTypedError(t *testing.T) {
	t.Parallel()
	key := strings.Repeat("ab", 64)
	cases := map[string]string{
		"":                                    "salt_colon_key",
		"no-colon":                            "salt_colon_key",
		":" + key:                             "salt_required",
		"salt:abc":                            "key_length",
		"salt:" + key + "00":                  "key_length",
		"salt:" + strings.ToUpper(key):        "key_hex",
		"salt:" + strings.Repeat("zz", 64):    "key_hex",
		strings.Repeat("s", 2000) + ":" + key: "salt_max_length",
	}
	for hash, rule := range cases {
		ok, err := betterauth.VerifyPassword(hash, "pw")
		require.False(t, ok)
		require.ErrorIs(t, err, betterauth.ErrMalformed, "hash %q", hash)
		var ie *betterauth.InputError
		require.True(t, errors.As(err, &ie))
		require.Equal(t, "password_hash", ie.Field)
		require.Equal(t, rule, ie.Rule, "hash %q", hash)
	}
}
