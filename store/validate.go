package store

import (
	"strconv"
	"strings"

	"github.com/beep/iam/domain"
)

// domainErr builds a one-problem validation error.
func domainErr(field, rule, msg string) error {
	v := domain.NewValidator("")
	v.Add(field, rule, "%s", msg)
	return v.Err()
}

func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func itoa(n int) string { return strconv.Itoa(n) }
