package domain

import (
	"database/sql/driver"
	"fmt"
	"log/slog"
)

// Redacted is what a Secret prints in every format: fmt verbs, JSON, slog and
// error strings.
const Redacted = "[REDACTED]"

// Secret holds a value that must never be printed: a token, a password hash, a
// private key, a TOTP secret, backup codes, an API key hash, a verification
// value. Only Reveal returns the value; every other way of looking at a Secret
// gives Redacted. The zero Secret is empty.
//
// A Secret is written to and read from the database unchanged (it implements
// driver.Valuer and sql.Scanner): storage is not display.
type Secret struct {
	v string
}

// NewSecret wraps s.
func NewSecret(s string) Secret { return Secret{v: s} }

// SecretPtr wraps s and returns a pointer, for optional secret fields.
func SecretPtr(s string) *Secret { return &Secret{v: s} }

// Reveal returns the secret value. Call it only where the value is used, never
// to log or print it.
func (s Secret) Reveal() string { return s.v }

// IsEmpty reports whether the secret holds the empty string.
func (s Secret) IsEmpty() bool { return s.v == "" }

// String implements fmt.Stringer.
func (s Secret) String() string { return Redacted }

// GoString implements fmt.GoStringer (%#v).
func (s Secret) GoString() string { return `domain.Secret("` + Redacted + `")` }

// Format implements fmt.Formatter so that every verb, including %x and %q,
// prints the marker and never the value.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", Redacted)
	case 'v':
		if f.Flag('#') {
			_, _ = f.Write([]byte(s.GoString()))
			return
		}
		_, _ = f.Write([]byte(Redacted))
	default:
		_, _ = f.Write([]byte(Redacted))
	}
}

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(Redacted) }

// MarshalJSON implements json.Marshaler: a secret present in an API view is
// always the marker.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + Redacted + `"`), nil }

// MarshalText implements encoding.TextMarshaler (map keys, XML, YAML).
func (s Secret) MarshalText() ([]byte, error) { return []byte(Redacted), nil }

// UnmarshalJSON implements json.Unmarshaler: input JSON may carry a secret
// (a password hash imported by an admin tool, for example).
func (s *Secret) UnmarshalJSON(b []byte) error {
	var str string
	if err := jsonUnmarshalString(b, &str); err != nil {
		return err
	}
	s.v = str
	return nil
}

// Value implements driver.Valuer.
func (s Secret) Value() (driver.Value, error) { return s.v, nil }

// Scan implements sql.Scanner.
func (s *Secret) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		s.v = ""
	case string:
		s.v = v
	case []byte:
		s.v = string(v)
	default:
		return fmt.Errorf("domain: cannot scan %T into a Secret", src)
	}
	return nil
}
