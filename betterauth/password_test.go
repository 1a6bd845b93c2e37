package betterauth_test

import (
	"context"
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

// holdHasher returns a hasher with MaxConcurrent n whose calls, once they
// hold a slot, report on entered and wait for release to be closed; calls
// that find every slot taken report on waiting first.
func holdHasher(n int) (h *betterauth.PasswordHasher, entered, waiting chan struct{}, release chan struct{}) {
	h = &betterauth.PasswordHasher{MaxConcurrent: n}
	entered, waiting, release = make(chan struct{}, 16), make(chan struct{}, 16), make(chan struct{})
	betterauth.SetPasswordHooks(h, func() { waiting <- struct{}{} }, func() {
		entered <- struct{}{}
		<-release
	})
	return h, entered, waiting, release
}

type verdict struct {
	ok  bool
	err error
}

func TestPasswordHasher_ACallWaitsWhileEverySlotIsTaken(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	p := v.Passwords[0]
	ctx := context.Background()
	h, entered, waiting, release := holdHasher(1)

	first := make(chan verdict, 1)
	go func() { ok, err := h.Verify(ctx, p.Hash, p.Password); first <- verdict{ok, err} }()
	<-entered // the first verification holds the only slot

	second := make(chan verdict, 1)
	go func() { ok, err := h.Verify(ctx, p.Hash, p.Password); second <- verdict{ok, err} }()
	hashed := make(chan error, 1)
	go func() {
		h2, err := h.Hash(ctx, "correct horse")
		if err == nil {
			err = betterauth.ParsePasswordHash(h2)
		}
		hashed <- err
	}()
	<-waiting // both found the slot taken and wait for it
	<-waiting
	select {
	case <-entered:
		t.Fatal("a call got a slot while the only one was held")
	case r := <-second:
		t.Fatalf("the second verification finished while the first held the slot: %+v", r)
	default:
	}

	close(release) // the first ends; the others take the slot in turn
	for _, c := range []chan verdict{first, second} {
		r := <-c
		require.NoError(t, r.err)
		require.True(t, r.ok)
	}
	require.NoError(t, <-hashed)
	require.Len(t, entered, 2, "the waiting calls each held the slot once")
}

func TestPasswordHasher_BoundsAtMaxConcurrent(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	p := v.Passwords[0]
	ctx := context.Background()
	h, entered, waiting, release := holdHasher(2)
	done := make(chan verdict, 3)
	verify := func() { ok, err := h.Verify(ctx, p.Hash, p.Password); done <- verdict{ok, err} }
	go verify()
	go verify()
	<-entered // two run at once
	<-entered
	go verify()
	<-waiting // the third waits
	require.Empty(t, done)
	close(release)
	for range 3 {
		r := <-done
		require.NoError(t, r.err)
		require.True(t, r.ok)
	}
}

func TestPasswordHasher_ContextEndedWhileWaitingReturnsItsError(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	p := v.Passwords[0]
	h, entered, waiting, release := holdHasher(1)
	first := make(chan verdict, 1)
	go func() { ok, err := h.Verify(context.Background(), p.Hash, p.Password); first <- verdict{ok, err} }()
	<-entered

	ctx, cancel := context.WithCancel(context.Background())
	second := make(chan verdict, 1)
	go func() { ok, err := h.Verify(ctx, p.Hash, p.Password); second <- verdict{ok, err} }()
	<-waiting
	cancel()
	r := <-second // returns while the first still holds the slot
	require.ErrorIs(t, r.err, context.Canceled)
	require.False(t, r.ok)
	require.EqualError(t, r.err, "betterauth: verify password: waiting for one of 1 scrypt slots: context canceled")

	// A context that has already ended does not even wait, for Hash too.
	_, err := h.Verify(ctx, p.Hash, p.Password)
	require.ErrorIs(t, err, context.Canceled)
	_, err = h.Hash(ctx, "pw")
	require.ErrorIs(t, err, context.Canceled)
	require.Empty(t, waiting, "a cancelled call waited")

	close(release)
	r = <-first
	require.NoError(t, r.err)
	require.True(t, r.ok)
	require.Empty(t, entered, "a cancelled call ran scrypt")
}

func TestPasswordHasher_DefaultBoundAndBadConfig(t *testing.T) {
	t.Parallel()
	v, _ := load(t)
	p := v.Passwords[0]
	ctx := context.Background()

	var zero betterauth.PasswordHasher // usable as is: GOMAXPROCS slots
	ok, err := zero.Verify(ctx, p.Hash, p.Password)
	require.NoError(t, err)
	require.True(t, ok)

	bad := &betterauth.PasswordHasher{MaxConcurrent: -1}
	_, err = bad.Verify(ctx, p.Hash, p.Password)
	var ie *betterauth.InputError
	require.ErrorAs(t, err, &ie)
	require.Equal(t, "MaxConcurrent", ie.Field)
	require.Equal(t, "min", ie.Rule)
	require.ErrorIs(t, err, betterauth.ErrConfig)
	_, err = bad.Hash(ctx, "pw")
	require.ErrorIs(t, err, betterauth.ErrConfig)

	// A malformed hash is refused before any slot is taken.
	h, entered, waiting, release := holdHasher(1)
	defer close(release)
	_, err = h.Verify(ctx, "not-a-hash", "pw")
	require.ErrorIs(t, err, betterauth.ErrMalformed)
	require.Empty(t, entered)
	require.Empty(t, waiting)
	require.Equal(t, int64(32<<20), int64(betterauth.PasswordMemory))
}
