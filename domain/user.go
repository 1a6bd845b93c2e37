package domain

import (
	"strings"
)

// DefaultUploadLimit is a new user's upload limit in bytes (the seed's
// USER_UPLOAD_LIMIT, 100 MB).
const DefaultUploadLimit = 100_000_000

// Validate checks every rule of a user row and reports all failures.
func (u User) Validate() error {
	v := NewValidator(TableUser)
	v.text("name", u.Name, 1, MaxNameLength)
	v.email("email", u.Email)
	v.httpURL("image", u.Image)
	v.nonNegative("uploadLimit", int64(u.UploadLimit))
	v.roles("role", u.Role, UserRoleValues, nil)
	v.optText("banReason", u.BanReason, MaxTextLength)
	if u.PhoneNumber != nil {
		if err := ValidatePhone(*u.PhoneNumber); err != nil {
			v.Add("phoneNumber", "phone", "phoneNumber %s", err)
		}
	}
	v.Check(u.PhoneNumber != nil || !u.PhoneNumberVerified, "phoneNumberVerified", "requires",
		"phoneNumberVerified requires a phoneNumber")
	if u.Username != nil {
		v.Check(usernameRe.MatchString(*u.Username), "username", "username",
			"username must be 3 to 30 lower-case letters, digits, _ or .")
	}
	v.optText("displayUsername", u.DisplayUsername, MaxNameLength)
	v.optText("stripeCustomerId", u.StripeCustomerID, MaxNameLength)
	v.optText("lastLoginMethod", u.LastLoginMethod, 64)
	return v.Err()
}

// NewUser validates p and returns a new user with a fresh id, role "user",
// not banned, upload limit DefaultUploadLimit and every flag false.
func NewUser(p UserParams) (User, error) {
	u := User{
		Audit:           NewAudit[User](),
		Name:            strings.TrimSpace(p.Name),
		Email:           normalizeEmailLoose(p.Email),
		EmailVerified:   p.EmailVerified,
		Image:           trimPtr(p.Image),
		UploadLimit:     or(p.UploadLimit, DefaultUploadLimit),
		Role:            or(p.Role, Roles(RoleUser)).canonical(),
		IsAnonymous:     p.IsAnonymous,
		PhoneNumber:     trimPtr(p.PhoneNumber),
		Username:        lowerPtr(p.Username),
		DisplayUsername: p.DisplayUsername,
	}
	if u.Username != nil && u.DisplayUsername == nil {
		u.DisplayUsername = trimPtr(p.Username) // Better Auth keeps the original spelling here
	}
	if err := u.Validate(); err != nil {
		return User{}, err
	}
	return u, nil
}
