package baformat_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/internal/baformat"
)

func TestHash_BetterAuthVector(t *testing.T) {
	t.Parallel()
	// A key and its stored hash as a live Better Auth 1.7 server wrote them.
	require.Equal(t, "qh5gMtJUXDHREBlmkoLSYEG_IJBRS1LBhnPgZEZHDxw",
		baformat.Hash("ba_lqRcJWeJgTRObUqbfxWtHCalHmKPqpwbacZfMdUCHRgLcrByHcbxVlUgeTHRevfh"))
}

func TestRandom_AlphabetLengthAndSpread(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		alphabet string
		n        int
	}{{baformat.Letters, 64}, {baformat.Alphanumeric, 32}, {"ab", 1}, {baformat.Letters, 1000}} {
		s := baformat.Random(c.alphabet, c.n)
		require.Len(t, s, c.n)
		for _, r := range s {
			require.True(t, strings.ContainsRune(c.alphabet, r), "%q is not in %q", r, c.alphabet)
		}
	}
	require.Empty(t, baformat.Random(baformat.Letters, 0))
	// Every character of the alphabet turns up, none far more than others
	// (52 letters, 52,000 draws: 1,000 each expected).
	counts := map[rune]int{}
	for _, r := range baformat.Random(baformat.Letters, 52_000) {
		counts[r]++
	}
	require.Len(t, counts, 52)
	for r, n := range counts {
		require.InDelta(t, 1000, n, 200, "%q drawn %d times", r, n)
	}
}

func TestAPIKeyAndSessionToken_Formats(t *testing.T) {
	t.Parallel()
	k := baformat.APIKey("ba_")
	require.Len(t, k, 3+baformat.APIKeyLength)
	require.True(t, strings.HasPrefix(k, "ba_"))
	require.Equal(t, k[:6], baformat.APIKeyStart(k))
	require.Equal(t, "ab", baformat.APIKeyStart("ab"))
	require.NotEqual(t, k, baformat.APIKey("ba_"))
	tok := baformat.SessionToken()
	require.Len(t, tok, 32)
	require.NotEqual(t, tok, baformat.SessionToken())
}
