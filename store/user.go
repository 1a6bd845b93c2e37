package store

import (
	"context"
	"strings"

	"github.com/beep/iam/domain"
)

// GetByEmail returns the live user with email (compared trimmed and
// lower-cased, as Better Auth stores it).
func (r UserRepo) GetByEmail(ctx context.Context, email string) (domain.User, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	return r.t.getBy(ctx, r.db, "", "email = $1", "email", e)
}

// GetByUsername returns the live user with username (lower-cased, as Better
// Auth's username plugin normalises it).
func (r UserRepo) GetByUsername(ctx context.Context, username string) (domain.User, error) {
	u := strings.ToLower(strings.TrimSpace(username))
	return r.t.getBy(ctx, r.db, "", "username = $1", "username", u)
}

// GetByPhone returns the live user with the E.164 phone number.
func (r UserRepo) GetByPhone(ctx context.Context, phone string) (domain.User, error) {
	return r.t.getBy(ctx, r.db, "", "phone_number = $1", "phone", strings.TrimSpace(phone))
}

// List returns one page of live users in creation order.
func (r UserRepo) List(ctx context.Context, page Page) ([]domain.User, string, error) {
	return r.t.list(ctx, r.db, "", page, "")
}
