package domain_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
)

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"", "shared_user__0190f3c2-7b1a-7cc2-9f00-000000000000", "shared_user__", "shared_user_",
		"iam_member__0190f3c2-7b1a-7cc2-9f00-000000000000", "shared_user__{0190f3c2-7b1a-7cc2-9f00-000000000000}",
		"shared_user__urn:uuid:0190f3c2-7b1a-7cc2-9f00-000000000000", "shared_user__0190F3C2-7B1A-7CC2-9F00-000000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := domain.ParseID[domain.User](s)
		if err != nil {
			require.True(t, id.IsZero())
			var idErr *domain.IDError
			require.ErrorAs(t, err, &idErr)
			require.Contains(t, []string{"id", "prefix", "separator", "uuid"}, idErr.Part)
			return
		}
		// A parsed id has exactly one spelling, and it parses to itself.
		require.Len(t, id.String(), len(domain.TableUser)+2+36)
		require.Equal(t, strings.ToLower(s), id.String())
		again, err := domain.ParseID[domain.User](id.String())
		require.NoError(t, err)
		require.Equal(t, id, again)
		_, err = domain.ParseID[domain.Member](id.String())
		require.Error(t, err)
	})
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@example.com", " A@Example.COM ", "a@b", "@", "a@@b.co", "a..b@x.io", "ß@example.de",
		"\u212a@example.com", "a@xn--bcher-kva.example", strings.Repeat("a", 64) + "@example.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := domain.NormalizeEmail(s)
		if err != nil {
			require.NotContains(t, err.Error(), s+"\x00") // never panics; messages are rule texts
			return
		}
		require.Equal(t, 1, strings.Count(e, "@"))
		require.LessOrEqual(t, len(e), domain.MaxEmailLength)
		require.Equal(t, strings.TrimSpace(e), e)
		again, err := domain.NormalizeEmail(e)
		require.NoError(t, err, "a normalized address must stay valid")
		require.Equal(t, e, again, "normalization must be idempotent")
		for _, r := range e {
			require.Less(t, r, rune(128), "only ASCII addresses are accepted")
		}
	})
}

func FuzzValidateSlug(f *testing.F) {
	for _, s := range []string{"ab", "acme-corp", "-a", "a-", "a--b", "A", "é", strings.Repeat("a", 51)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if domain.ValidateSlug(s) != nil {
			return
		}
		require.GreaterOrEqual(t, len(s), 2)
		require.LessOrEqual(t, len(s), 50)
		require.False(t, strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--"))
		for _, r := range s {
			require.True(t, r == '-' || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9'), "rune %q", r)
		}
	})
}

func FuzzValidatePhone(f *testing.F) {
	for _, s := range []string{"+14155552671", "+0", "+", "14155552671", "+1 415", "+123456789012345", "+١٢٣٤"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if domain.ValidatePhone(s) != nil {
			return
		}
		require.True(t, strings.HasPrefix(s, "+"))
		require.NotEqual(t, byte('0'), s[1])
		require.LessOrEqual(t, len(s), 16)
		for _, r := range s[1:] {
			require.True(t, r >= '0' && r <= '9')
		}
	})
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"role":"admin"}`, `{"role":"admin","role":"x"}`, `{"userId":1}`, `{"x":{}}`, `{"a"`,
		`{"organizationId":"shared_organization__0190f3c2-7b1a-7cc2-9f00-000000000000","userId":"shared_user__0190f3c2-7b1a-7cc2-9f00-000000000000","role":"owner","invitedAt":"2026-01-02T15:04:05Z"}`,
		`{"invitedAt":"2026-13-45T99:99:99Z"}`, `{"status":null}`, "{\"role\":\"\\ud800\"}",
	} {
		f.Add([]byte(s))
	}
	decoders := allDecoders()
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, dec := range decoders {
			err := dec(string(body))
			if err != nil {
				var ve *domain.ValidationError
				require.ErrorAs(t, err, &ve, "every decode error is a ValidationError")
				require.NotEmpty(t, ve.Problems)
			}
		}
		// Member input has no secrets, so a decoded value survives a round trip.
		p, err := domain.DecodeMemberParams(bytes.NewReader(body))
		if err != nil {
			return
		}
		out, err := json.Marshal(p)
		require.NoError(t, err)
		again, err := domain.DecodeMemberParams(bytes.NewReader(out))
		require.NoError(t, err, "re-decoding %s", out)
		require.Equal(t, p.OrganizationID, again.OrganizationID)
		require.Equal(t, p.UserID, again.UserID)
		require.Equal(t, p.Role, again.Role)
	})
}
