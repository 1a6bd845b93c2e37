package betterauth_test

import (
	"fmt"
	"strings"

	"github.com/beep/iam/domain"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func secretOf(s string) domain.Secret { return domain.NewSecret(s) }

// cutSetCookie returns name and value of a Set-Cookie line.
func cutSetCookie(line string) (string, string) {
	pair, _, _ := strings.Cut(line, ";")
	name, value, _ := strings.Cut(pair, "=")
	return name, value
}
