package betterauth_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/betterauth"
)

func TestDecryptTOTPSecret_ReadsBetterAuthCiphertext(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	a := newAuth(t)
	s, err := a.DecryptTOTPSecret(v.TOTP.EncryptedSecret)
	require.NoError(t, err)
	require.Equal(t, v.TOTP.Secret, s.Reveal())

	s, err = a.DecryptTOTPSecret(v.TOTP.EncryptedBase32Secret)
	require.NoError(t, err)
	require.Equal(t, v.TOTP.Base32Secret, s.Reveal())
}

func TestHOTP_EqualsBetterAuthCodes(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	require.NotEmpty(t, v.TOTP.Codes)
	for _, c := range v.TOTP.Codes {
		require.Equal(t, c.Code, betterauth.TOTP{}.HOTP(v.TOTP.Secret, uint64(c.Counter)), "counter %d", c.Counter)
		require.Equal(t, c.Base32Code, betterauth.TOTP{}.HOTP(v.TOTP.Base32Secret, uint64(c.Counter)), "counter %d", c.Counter)
	}
}

func TestVerifyTOTP_AcceptsWindowOfOnePeriod(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	// Counter 60000000 is the period starting at 1_800_000_000 s.
	var code string
	for _, c := range v.TOTP.Codes {
		if c.Counter == 60000000 {
			code = c.Code
		}
	}
	start := time.Unix(1_800_000_000, 0)
	for _, at := range []time.Duration{-30 * time.Second, 0, 29 * time.Second, 59*time.Second + 999*time.Millisecond} {
		require.True(t, betterauth.VerifyTOTP(v.TOTP.Secret, code, start.Add(at)), "offset %v", at)
	}
	for _, at := range []time.Duration{-30*time.Second - time.Millisecond, 60 * time.Second} {
		require.False(t, betterauth.VerifyTOTP(v.TOTP.Secret, code, start.Add(at)), "offset %v", at)
	}
	require.False(t, betterauth.VerifyTOTP(v.TOTP.Secret, code+"0", start))
	require.False(t, betterauth.VerifyTOTP(v.TOTP.Secret, "", start))
	require.False(t, betterauth.VerifyTOTP("base32:!!!", "000000", start))
	require.False(t, betterauth.TOTP{Window: -1}.Verify(v.TOTP.Secret, code, start.Add(-time.Second)))
}

func TestGenerateTOTP_RoundTripsThroughVerify(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"RBVLNwv1UhCqSATZn4jFAFvCumpNBALN", "base32:jbswy3dpehpk3pxp"} {
		code := betterauth.GenerateTOTP(s, now)
		require.Len(t, code, 6)
		require.True(t, betterauth.VerifyTOTP(s, code, now))
	}
	o := betterauth.TOTP{Digits: 8, Period: 60 * time.Second}
	code := o.Generate("RBVLNwv1UhCqSATZn4jFAFvCumpNBALN", now)
	require.Len(t, code, 8)
	require.True(t, o.Verify("RBVLNwv1UhCqSATZn4jFAFvCumpNBALN", code, now.Add(90*time.Second)))
}

func TestTOTPURI_EqualsBetterAuthURI(t *testing.T) {
	t.Parallel()
	v, lv := load(t)
	require.Equal(t, v.TOTP.URI, betterauth.TOTPURI(v.TOTP.Secret, "Better Auth", "alice@example.com"))
	// The live server's URI carries the same secret.
	require.Contains(t, lv.Enable2FA.TOTPURI, "secret=KJBFMTCOO53DCVLIINYVGQKULJXDI2SGIFDHMQ3VNVYE4QSBJRHA&")
	require.Contains(t, betterauth.TOTPURI(v.TOTP.Secret, "x", "y"), "secret=KJBFMTCOO53DCVLIINYVGQKULJXDI2SGIFDHMQ3VNVYE4QSBJRHA&")
}

func TestDecryptBackupCodes_ReadsEncryptedAndPlainModes(t *testing.T) {
	t.Parallel()
	v, lv := load(t)
	a := newAuth(t)
	codes, err := a.DecryptBackupCodes(v.BackupCodes.Encrypted, true)
	require.NoError(t, err)
	require.Len(t, codes, len(lv.Enable2FA.BackupCodes))
	for i, c := range codes {
		require.Equal(t, v.BackupCodes.Codes[i], c.Reveal())
	}
	plain, err := a.DecryptBackupCodes(v.BackupCodes.Plain, false)
	require.NoError(t, err)
	require.Equal(t, codes, plain)

	enc, err := a.EncodeBackupCodes(codes, false)
	require.NoError(t, err)
	require.Equal(t, v.BackupCodes.Plain, enc, "JSON.stringify form")

	_, err = a.DecryptBackupCodes(`{"not":"array"}`, false)
	require.ErrorIs(t, err, betterauth.ErrMalformed)
}

func TestUseBackupCode_RemovesTheUsedCode(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	a := newAuth(t)
	codes, err := a.DecryptBackupCodes(v.BackupCodes.Encrypted, true)
	require.NoError(t, err)
	rest, ok := betterauth.UseBackupCode(codes, "v73ag-P13v4")
	require.True(t, ok)
	require.Len(t, rest, 9)
	_, ok = betterauth.UseBackupCode(rest, "v73ag-P13v4")
	require.False(t, ok, "a code works once")

	stored, err := a.EncodeBackupCodes(rest, true)
	require.NoError(t, err)
	back, err := a.DecryptBackupCodes(stored, true)
	require.NoError(t, err)
	require.Equal(t, rest, back)
}
