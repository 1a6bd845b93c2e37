package domain_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
)

func TestNormalizeEmail_TrimsLowerCasesAndChecksSyntax(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want, problem string
	}{
		{"  Alice@Example.COM ", "alice@example.com", ""},
		{"a.b+tag@sub.example.org", "a.b+tag@sub.example.org", ""},
		{"o'neil@example.ie", "o'neil@example.ie", ""},
		{"", "", "is empty"},
		{"   ", "", "is empty"},
		{"alice.example.com", "", "has no @"},
		{"a@b@example.com", "", "more than one @"},
		{"@example.com", "", "local part"},
		{strings.Repeat("a", 65) + "@example.com", "", "local part"},
		{"a..b@example.com", "", "local part"},
		{".a@example.com", "", "local part"},
		{"a b@example.com", "", "local part"},
		{"alice@localhost", "", "domain"},
		{"alice@-example.com", "", "domain"},
		{"alice@example.c", "", "domain"},
		{"alice@exa_mple.com", "", "domain"},
		{"ålice@example.com", "", "local part"},
		{strings.Repeat("a", 60) + "@" + strings.Repeat("b", 200) + ".com", "", "longer than 254"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := domain.NormalizeEmail(c.in)
			if c.problem == "" {
				require.NoError(t, err)
				require.Equal(t, c.want, got)
				return
			}
			require.Error(t, err)
			require.Contains(t, err.Error(), c.problem)
		})
	}
}

func TestValidatePhone_AcceptsOnlyE164(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"+14155552671":      true,
		"+442071838750":     true,
		"+12":               true,
		"+123456789012345":  true,
		"+1234567890123456": false, // 16 digits
		"14155552671":       false, // no +
		"+04155552671":      false, // leading zero
		"+1 415 555 2671":   false,
		"+1-415-555-2671":   false,
		"+":                 false,
		"+1":                false,
		"":                  false,
		"+1415555267a":      false,
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			err := domain.ValidatePhone(in)
			if ok {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, "E.164")
			}
		})
	}
}

func TestValidateSlug_EnforcesPatternAndLength(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"ab":                    true,
		"acme":                  true,
		"acme-corp-2":           true,
		"a1-b2-c3":              true,
		strings.Repeat("a", 50): true,
		strings.Repeat("a", 51): false,
		"a":                     false,
		"":                      false,
		"Acme":                  false,
		"-acme":                 false,
		"acme-":                 false,
		"ac--me":                false,
		"ac_me":                 false,
		"ac me":                 false,
		"acmé":                  false,
	} {
		t.Run(in, func(t *testing.T) {
			t.Parallel()
			err := domain.ValidateSlug(in)
			if ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}

func TestValidateHTTPURL_RequiresHTTPSchemeAndHost(t *testing.T) {
	t.Parallel()
	for in, ok := range map[string]bool{
		"https://example.com/logo.png": true,
		"http://localhost:3000/x":      true,
		"ftp://example.com/x":          false,
		"javascript:alert(1)":          false,
		"https:///nohost":              false,
		"/relative/path":               false,
		"":                             false,
		"https://example.com/" + strings.Repeat("a", 2048): false,
		"https://exa mple.com":                             false,
	} {
		t.Run(in[:min(len(in), 40)], func(t *testing.T) {
			t.Parallel()
			err := domain.ValidateHTTPURL(in)
			if ok {
				require.NoError(t, err)
			} else {
				require.Error(t, err)
			}
		})
	}
}

func TestValidatePassword_ReportsEveryMissingRuleWithoutThePassword(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		pw    string
		rules []string
	}{
		{"strong", "Correct-Horse-9", nil},
		{"unicode letters count", "Ünïcødé-Pässwörd1", nil},
		{"space is special", "Open Sesame 42", nil},
		{"empty", "", []string{"min_length", "uppercase", "lowercase", "digit", "special"}},
		{"short", "Ab1!", []string{"min_length"}},
		{"too long", "Aa1!" + strings.Repeat("x", 125), []string{"max_length"}},
		{"no upper", "lowercase-1", []string{"uppercase"}},
		{"no lower", "UPPERCASE-1", []string{"lowercase"}},
		{"no digit", "NoDigits-Here", []string{"digit"}},
		{"no special", "NoSpecial123", []string{"special"}},
		{"invalid utf8", "Ab1!\xff\xfeabcd", []string{"utf8"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := domain.ValidatePassword(c.pw)
			if c.rules == nil {
				require.NoError(t, err)
				return
			}
			var ve *domain.ValidationError
			require.ErrorAs(t, err, &ve)
			require.ErrorIs(t, err, domain.ErrValidation)
			var got []string
			for _, p := range ve.Problems {
				require.Equal(t, "password", p.Field)
				got = append(got, p.Rule)
			}
			require.ElementsMatch(t, c.rules, got)
			if c.pw != "" {
				require.NotContains(t, err.Error(), c.pw)
			}
		})
	}
}

func TestParseMemberRoles_AcceptsBuiltInAndTheOrganizationsCustomRoles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		custom  []string
		want    domain.Roles
		problem string
	}{
		{"member", nil, "member", ""},
		{"admin,member", nil, "admin,member", ""},
		{" owner , admin ", nil, "owner,admin", ""},
		{"billing", []string{"billing"}, "billing", ""},
		{"admin,billing", []string{"billing", "support"}, "admin,billing", ""},
		{"billing", nil, "", `unknown role "billing": must be one of owner, admin, member`},
		{"user", nil, "", "unknown role"},
		{"", nil, "", "empty"},
		{"admin,,member", nil, "", "role 2 is empty"},
		{"admin,admin", nil, "", "appears twice"},
		{"Admin", nil, "", "unknown role"},
		{strings.Repeat("r", 65), []string{strings.Repeat("r", 65)}, "", "longer than 64"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := domain.ParseMemberRoles(c.in, c.custom...)
			if c.problem == "" {
				require.NoError(t, err)
				require.Equal(t, c.want, got)
				return
			}
			require.ErrorContains(t, err, c.problem)
		})
	}
}

func TestParseOrganizationRoles_ChecksTheFormAndTakesOtherNamesAsCustomRoles(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    domain.Roles
		custom  []string
		problem string
	}{
		{"member", "member", nil, ""},
		{" owner , admin ", "owner,admin", nil, ""},
		{"admin,auditor", "admin,auditor", []string{"auditor"}, ""},
		{"ghost", "ghost", []string{"ghost"}, ""},
		{"Admin", "Admin", []string{"Admin"}, ""},
		{"", "", nil, "roles are empty: want one or more of owner, admin, member or a custom role of the organization"},
		{"admin,,member", "", nil, "role 2 is empty"},
		{"auditor,auditor", "", nil, `role "auditor" appears twice`},
		{"audi tor", "", nil, `role "audi tor" is not a role name`},
		{strings.Repeat("r", 65), "", nil, "longer than 64"},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := domain.ParseOrganizationRoles(c.in)
			if c.problem != "" {
				require.ErrorContains(t, err, c.problem)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, got)
			require.Equal(t, c.custom, got.Custom())
		})
	}
}

func TestParseUserRoles_AcceptsAdminAndUserOnly(t *testing.T) {
	t.Parallel()
	r, err := domain.ParseUserRoles("admin,user")
	require.NoError(t, err)
	require.Equal(t, []string{"admin", "user"}, r.List())
	require.True(t, r.Has("admin"))
	require.False(t, r.Has("owner"))
	_, err = domain.ParseUserRoles("owner")
	require.ErrorContains(t, err, "must be one of admin, user")
}
