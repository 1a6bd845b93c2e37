package betterauth_test

import (
	"fmt"

	"github.com/beep/iam/domain"
)

func sprintf(format string, args ...any) string { return fmt.Sprintf(format, args...) }

func secretOf(s string) domain.Secret { return domain.NewSecret(s) }
