package betterauth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
)

func TestDecrypt_ReadsEverySymmetricEncryptForm(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	plain := newAuth(t)
	rot := rotationAuth(t, v)
	require.NotEmpty(t, v.Encrypted)
	for _, e := range v.Encrypted {
		switch e.Key {
		case "secret":
			got, err := plain.Decrypt(e.Value)
			require.NoError(t, err)
			require.Equal(t, e.Data, got)
			// Under rotation, bare hex is decrypted with the legacy secret.
			got, err = rot.Decrypt(e.Value)
			require.NoError(t, err)
			require.Equal(t, e.Data, got)
		case "rotation", "rotation-v1":
			got, err := rot.Decrypt(e.Value)
			require.NoError(t, err)
			require.Equal(t, e.Data, got)
			_, err = plain.Decrypt(e.Value)
			require.ErrorIs(t, err, betterauth.ErrMalformed, "an envelope needs a rotation list")
		}
	}
}

func TestEncrypt_RoundTripsAndWritesEnvelopeUnderRotation(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	for _, a := range []*betterauth.Auth{newAuth(t), rotationAuth(t, v)} {
		for _, s := range []string{"", "x", "RBVLNwv1UhCqSATZn4jFAFvCumpNBALN", strings.Repeat("ü", 1000)} {
			ct, err := a.Encrypt(s)
			require.NoError(t, err)
			got, err := a.Decrypt(ct)
			require.NoError(t, err)
			require.Equal(t, s, got)
			ver, rotating := a.CurrentSecretVersion()
			if rotating {
				require.True(t, strings.HasPrefix(ct, "$ba$2$"), "current version is the first entry")
				require.Equal(t, 2, ver)
			} else {
				require.Len(t, ct, 2*(24+len(s)+16))
			}
		}
	}
}

func TestDecrypt_TypedErrors(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	plain := newAuth(t)
	rot := rotationAuth(t, v)
	other := newAuth(t, func(c *betterauth.Config) { c.Secret = domain.NewSecret("a-different-secret-0123456789abcdef") })
	ct, err := plain.Encrypt("top secret")
	require.NoError(t, err)
	flipped := ct[:60] + string("0123456789abcdef"[(strings.IndexByte("0123456789abcdef", ct[60])+1)%16]) + ct[61:]
	v1Only := newAuth(t, func(c *betterauth.Config) {
		c.Secret = domain.Secret{} // no legacy secret
		c.Secrets = []betterauth.SecretVersion{{Version: 1, Value: domain.NewSecret(v.Rotation[1].Value)}}
	})
	rotCt, err := rot.Encrypt("top secret")
	require.NoError(t, err)

	cases := []struct {
		name     string
		a        *betterauth.Auth
		value    string
		sentinel error
		rule     string
	}{
		{"other secret", other, ct, betterauth.ErrWrongSecret, "authentication"},
		{"tampered", plain, flipped, betterauth.ErrWrongSecret, "authentication"},
		{"not hex", plain, "zz" + ct[2:], betterauth.ErrMalformed, "hex"},
		{"too short", plain, "00ff", betterauth.ErrMalformed, "min_length"},
		{"retired version", v1Only, rotCt, betterauth.ErrUnknownSecretVersion, "secret_version_2"},
		{"no legacy secret", v1Only, ct, betterauth.ErrUnknownSecretVersion, "legacy_secret_required"},
		{"bad envelope", rot, "$ba$x$00", betterauth.ErrMalformed, "envelope_version"},
		{"negative version", rot, "$ba$-1$00", betterauth.ErrMalformed, "envelope_version"},
		{"unterminated envelope", rot, "$ba$1", betterauth.ErrMalformed, "envelope_version"},
	}
	for _, c := range cases {
		_, err := c.a.Decrypt(c.value)
		require.ErrorIs(t, err, c.sentinel, c.name)
		var ie *betterauth.InputError
		require.True(t, errors.As(err, &ie), c.name)
		require.Equal(t, c.rule, ie.Rule, c.name)
		require.NotContains(t, err.Error(), "top secret", c.name)
	}
}
