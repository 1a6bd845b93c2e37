package domain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits shared by the validation rules.
const (
	// MaxNameLength bounds names and other short free text, in characters.
	MaxNameLength = 256
	// MaxTextLength bounds longer free text (reasons, user agents, scopes).
	MaxTextLength = 4096
	// MaxURLLength bounds URLs.
	MaxURLLength = 2048
	// MaxEmailLength is the longest address SMTP allows (RFC 5321).
	MaxEmailLength = 254
	// MinSlugLength and MaxSlugLength bound organization slugs.
	MinSlugLength = 2
	MaxSlugLength = 50
	// MinPasswordLength and MaxPasswordLength bound plain passwords.
	MinPasswordLength = 8
	MaxPasswordLength = 128
)

var (
	emailLocalRe  = regexp.MustCompile(`^[a-z0-9!#$%&'*+/=?^_{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_{|}~-]+)*$`)
	emailDomainRe = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	phoneRe       = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)
	slugRe        = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	usernameRe    = regexp.MustCompile(`^[a-z0-9_.]{3,30}$`)
	hostnameRe    = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)
	mimeTypeRe    = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$`)
	walletRe      = regexp.MustCompile(`^0x[0-9a-fA-F]{40}$`)
)

// now is the clock the "expires after creation" rule uses for rows that have
// no created_at yet. Tests never depend on its value (they use far past and
// far future instants).
var now = time.Now

// NormalizeEmail trims and lower-cases s and checks its syntax: one @, a local
// part of at most 64 dot-separated atoms, a domain of DNS labels with a
// top-level domain of letters, 254 characters at most. It returns the
// normalized address; the error names the rule that failed, not the input.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	switch {
	case e == "":
		return "", fmt.Errorf("is empty")
	case len(e) > MaxEmailLength:
		return "", fmt.Errorf("is longer than %d bytes", MaxEmailLength)
	}
	local, domain, ok := strings.Cut(e, "@")
	switch {
	case !ok:
		return "", fmt.Errorf("has no @")
	case strings.Contains(domain, "@"):
		return "", fmt.Errorf("has more than one @")
	case local == "" || len(local) > 64:
		return "", fmt.Errorf("local part must have 1 to 64 characters")
	case !emailLocalRe.MatchString(local):
		return "", fmt.Errorf("local part must be dot-separated letters, digits and !#$%%&'*+/=?^_{|}~-")
	case !emailDomainRe.MatchString(domain):
		return "", fmt.Errorf("domain must be DNS labels ending in a top-level domain, like example.com")
	}
	return e, nil
}

// ValidatePhone checks that s is an E.164 phone number: "+", a country code
// not starting with 0, 2 to 15 digits in all, no spaces.
func ValidatePhone(s string) error {
	if !phoneRe.MatchString(s) {
		return fmt.Errorf("must be E.164: + then 2 to 15 digits, the first not 0, no spaces")
	}
	return nil
}

// ValidateSlug checks an organization or team slug: lower-case letters and
// digits in groups joined by single hyphens, 2 to 50 characters.
func ValidateSlug(s string) error {
	if len(s) < MinSlugLength || len(s) > MaxSlugLength {
		return fmt.Errorf("must have %d to %d characters", MinSlugLength, MaxSlugLength)
	}
	if !slugRe.MatchString(s) {
		return fmt.Errorf("must match ^[a-z0-9]+(?:-[a-z0-9]+)*$ (lower-case letters and digits joined by single hyphens)")
	}
	return nil
}

// ValidateHTTPURL checks that s is an absolute http or https URL with a host,
// at most 2048 bytes.
func ValidateHTTPURL(s string) error {
	if len(s) > MaxURLLength {
		return fmt.Errorf("is longer than %d bytes", MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("is not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("must be an http or https URL")
	}
	if u.Host == "" {
		return fmt.Errorf("must have a host")
	}
	return nil
}

// validateAbsoluteURL accepts any absolute URL (OAuth redirect URLs of native
// apps use custom schemes such as com.example.app:/callback).
func validateAbsoluteURL(s string) error {
	if len(s) > MaxURLLength {
		return fmt.Errorf("is longer than %d bytes", MaxURLLength)
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || (u.Host == "" && u.Opaque == "" && u.Path == "") {
		return fmt.Errorf("must be an absolute URL with a scheme")
	}
	if u.Fragment != "" {
		return fmt.Errorf("must not have a fragment")
	}
	return nil
}

// ValidatePassword checks the strength of a plain password at the moment it
// enters the system (sign-up, password change): 8 to 128 characters with at
// least one upper-case letter, one lower-case letter, one digit and one
// special character. It reports every failing rule at once under the field
// "password". It is never applied to a stored hash (Account.Password), which
// is an opaque Secret; the error never contains the password.
func ValidatePassword(plain string) error {
	v := NewValidator("password")
	n := utf8.RuneCountInString(plain)
	v.Check(utf8.ValidString(plain), "password", "utf8", "must be valid UTF-8")
	v.Check(n >= MinPasswordLength, "password", "min_length", "must have at least %d characters", MinPasswordLength)
	v.Check(n <= MaxPasswordLength, "password", "max_length", "must have at most %d characters", MaxPasswordLength)
	var upper, lower, digit, special bool
	for _, r := range plain {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsPunct(r) || unicode.IsSymbol(r) || unicode.IsSpace(r):
			special = true
		}
	}
	v.Check(upper, "password", "uppercase", "must contain an upper-case letter")
	v.Check(lower, "password", "lowercase", "must contain a lower-case letter")
	v.Check(digit, "password", "digit", "must contain a digit")
	v.Check(special, "password", "special", "must contain a special character (punctuation, symbol or space)")
	return v.Err()
}

// --- Validator helpers used by the entities' Validate methods. ---

func (v *Validator) requiredID(field string, id interface{ IsZero() bool }) {
	v.Check(!id.IsZero(), field, "required", "%s is required", field)
}

// text checks a required (min > 0) or optional string's length in characters.
func (v *Validator) text(field, s string, minLen, maxLen int) {
	if strings.TrimSpace(s) == "" {
		if minLen > 0 {
			v.Add(field, "required", "%s is required", field)
		}
		return
	}
	if !utf8.ValidString(s) {
		v.Add(field, "utf8", "%s must be valid UTF-8", field)
		return
	}
	n := utf8.RuneCountInString(s)
	v.Check(n >= minLen, field, "min_length", "%s must have at least %d characters", field, minLen)
	v.Check(n <= maxLen, field, "max_length", "%s must have at most %d characters", field, maxLen)
}

// optText checks an optional string: when set it must be non-blank and at most
// maxLen characters.
func (v *Validator) optText(field string, s *string, maxLen int) {
	if s != nil {
		v.text(field, *s, 1, maxLen)
	}
}

func (v *Validator) secret(field string, s Secret) {
	v.Check(!s.IsEmpty(), field, "required", "%s is required", field)
	v.Check(len(s.Reveal()) <= 65536, field, "max_length", "%s must be at most 65536 bytes", field)
}

func (v *Validator) optSecret(field string, s *Secret) {
	if s != nil {
		v.secret(field, *s)
	}
}

func (v *Validator) email(field, s string) {
	e, err := NormalizeEmail(s)
	if err != nil {
		v.Add(field, "email", "%s %s", field, err)
		return
	}
	v.Check(e == s, field, "email_normalized", "%s must be trimmed and lower-case", field)
}

func (v *Validator) httpURL(field string, s *string) {
	if s == nil {
		return
	}
	if err := ValidateHTTPURL(*s); err != nil {
		v.Add(field, "url", "%s %s", field, err)
	}
}

func (v *Validator) slug(field, s string) {
	if s == "" {
		v.Add(field, "required", "%s is required", field)
		return
	}
	if err := ValidateSlug(s); err != nil {
		v.Add(field, "slug", "%s %s", field, err)
	}
}

// jsonText checks that an optional JSON-as-text column holds valid JSON.
func (v *Validator) jsonText(field string, s *string) {
	if s != nil && !json.Valid([]byte(*s)) {
		v.Add(field, "json", "%s must be valid JSON text", field)
	}
}

// jsonRaw checks a jsonb column: nil is NULL, anything else must be valid JSON.
func (v *Validator) jsonRaw(field string, raw json.RawMessage) {
	if raw != nil && !json.Valid(raw) {
		v.Add(field, "json", "%s must be valid JSON", field)
	}
}

func (v *Validator) nonNegative(field string, n int64) {
	v.Check(n >= 0, field, "non_negative", "%s must be zero or more", field)
}

func (v *Validator) optNonNegative(field string, n *int32) {
	if n != nil {
		v.nonNegative(field, int64(*n))
	}
}

func (v *Validator) positive(field string, n int64) {
	v.Check(n > 0, field, "positive", "%s must be greater than zero", field)
}

func (v *Validator) optPositive(field string, n *int32) {
	if n != nil {
		v.positive(field, int64(*n))
	}
}

// enum records a problem when ok is false, naming the allowed values.
func enumCheck[T ~string](v *Validator, field string, val T, values []T) {
	if slices.Contains(values, val) {
		return
	}
	names := make([]string, len(values))
	for i, x := range values {
		names[i] = string(x)
	}
	if val == "" {
		v.Add(field, "required", "%s is required: one of %s", field, strings.Join(names, ", "))
		return
	}
	v.Add(field, "enum", "%s must be one of %s", field, strings.Join(names, ", "))
}

// expiresAfter checks the "expiry after creation" rule: expiresAt must be set
// and after createdAt, or after now for a row not yet created.
func (v *Validator) expiresAfter(field string, expiresAt, createdAt time.Time) {
	if expiresAt.IsZero() {
		v.Add(field, "required", "%s is required", field)
		return
	}
	ref, what := createdAt, "createdAt"
	if ref.IsZero() {
		ref, what = now(), "the creation time"
	}
	v.Check(expiresAt.After(ref), field, "after_created", "%s must be after %s", field, what)
}

func (v *Validator) optExpiresAfter(field string, expiresAt *time.Time, createdAt time.Time) {
	if expiresAt != nil {
		v.expiresAfter(field, *expiresAt, createdAt)
	}
}

// notBefore checks that the optional end is not before the optional start.
func (v *Validator) notBefore(field string, end, start *time.Time, startField string) {
	if end != nil && start != nil {
		v.Check(!end.Before(*start), field, "after_start", "%s must not be before %s", field, startField)
	}
}

func (v *Validator) roles(field string, r Roles, builtin, custom []string) {
	if _, err := ParseRoles(string(r), builtin, custom); err != nil {
		rule := "role"
		if strings.TrimSpace(string(r)) == "" {
			rule = "required"
		}
		v.Add(field, rule, "%s: %s", field, err)
	}
}

// orgRoles checks the roles of a member or an invitation by form
// (ParseOrganizationRoles); the store checks the custom names against the
// organization's roles.
func (v *Validator) orgRoles(field string, r Roles) {
	if _, err := ParseOrganizationRoles(string(r)); err != nil {
		rule := "role"
		if strings.TrimSpace(string(r)) == "" {
			rule = "required"
		}
		v.Add(field, rule, "%s: %s", field, err)
	}
}

func (v *Validator) hostname(field, s string) {
	if s == "" {
		v.Add(field, "required", "%s is required", field)
		return
	}
	v.Check(len(s) <= 253 && hostnameRe.MatchString(s), field, "hostname",
		"%s must be a lower-case DNS name like example.com", field)
}

func (v *Validator) ipAddress(field string, s *Secret) {
	if s == nil {
		return
	}
	// Better Auth stores the client address as it saw it; only the syntax is
	// checked here.
	v.Check(net.ParseIP(s.Reveal()) != nil, field, "ip", "%s must be an IPv4 or IPv6 address", field)
}

// refOwner checks a reference_id that names a user or an organization.
func (v *Validator) refOwner(field, ref string) {
	if ref == "" {
		v.Add(field, "required", "%s is required", field)
		return
	}
	if _, err := ParseID[User](ref); err == nil {
		return
	}
	if _, err := ParseID[Organization](ref); err == nil {
		return
	}
	v.Add(field, "reference", "%s must be a %s or %s id (<table>__<uuid>)", field, TableUser, TableOrganization)
}

// --- small generic helpers for constructors and patches ---

// ptr returns a pointer to a copy of v.
func ptr[T any](v T) *T { return &v }

// or returns *p, or def when p is nil.
func or[T any](p *T, def T) T {
	if p == nil {
		return def
	}
	return *p
}

// set copies *src into *dst when src is set (a patch field).
func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// setOpt replaces an optional field when the patch field is set.
func setOpt[T any](dst **T, src *T) {
	if src != nil {
		c := *src
		*dst = &c
	}
}

// trimPtr trims an optional string, keeping nil.
func trimPtr(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.TrimSpace(*s)
	return &t
}

// normalizeEmailLoose trims and lower-cases an address without checking it;
// Validate reports syntax problems.
func normalizeEmailLoose(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// lowerPtr trims and lower-cases an optional string.
func lowerPtr(s *string) *string {
	if s == nil {
		return nil
	}
	t := strings.ToLower(strings.TrimSpace(*s))
	return &t
}

// nullRaw maps a JSON null (or nothing) to nil, which is stored as SQL NULL.
func nullRaw(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil
	}
	return raw
}

// orRaw returns raw, or def when raw is nil or a JSON null.
func orRaw(raw, def json.RawMessage) json.RawMessage {
	if r := nullRaw(raw); r != nil {
		return r
	}
	return def
}
