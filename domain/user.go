package domain

import (
	"io"
	"strings"
	"time"
)

// UserID is the public id of a User ("shared_user__<uuid>").
type UserID = ID[User]

// User is a person who signs in (shared_user): Better Auth's user model with
// the admin, username, phoneNumber, anonymous, twoFactor, stripe and
// lastLoginMethod plugin fields, plus the seed's upload_limit.
//
// Email and phone number are personal data, not credentials: they are plain
// strings because the API returns them and the store looks users up by them
// (the seed's Redacted wrapper only hid them from logs; see doc.go).
type User struct {
	Audit[User]
	Name                string     `db:"name" json:"name"`
	Email               string     `db:"email" json:"email"`
	EmailVerified       bool       `db:"email_verified" json:"emailVerified"`
	Image               *string    `db:"image" json:"image,omitempty"`
	UploadLimit         int32      `db:"upload_limit" json:"uploadLimit"`
	Role                Roles      `db:"role" json:"role"` // comma-separated user roles (admin, user)
	Banned              bool       `db:"banned" json:"banned"`
	BanReason           *string    `db:"ban_reason" json:"banReason,omitempty"`
	BanExpires          *time.Time `db:"ban_expires" json:"banExpires,omitempty"`
	IsAnonymous         bool       `db:"is_anonymous" json:"isAnonymous"`
	PhoneNumber         *string    `db:"phone_number" json:"phoneNumber,omitempty"`
	PhoneNumberVerified bool       `db:"phone_number_verified" json:"phoneNumberVerified"`
	TwoFactorEnabled    bool       `db:"two_factor_enabled" json:"twoFactorEnabled"`
	Username            *string    `db:"username" json:"username,omitempty"`
	DisplayUsername     *string    `db:"display_username" json:"displayUsername,omitempty"`
	StripeCustomerID    *string    `db:"stripe_customer_id" json:"stripeCustomerId,omitempty"`
	LastLoginMethod     *string    `db:"last_login_method" json:"lastLoginMethod,omitempty"`
}

// TableName implements Entity.
func (User) TableName() string { return TableUser }

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

// UserParams is the input that creates a User. Email and username are
// normalized (trimmed, lower-cased); nil fields take their defaults.
type UserParams struct {
	Name            string  `json:"name"`
	Email           string  `json:"email"`
	EmailVerified   bool    `json:"emailVerified"`
	Image           *string `json:"image"`
	UploadLimit     *int32  `json:"uploadLimit"` // default DefaultUploadLimit
	Role            *Roles  `json:"role"`        // default "user"
	IsAnonymous     bool    `json:"isAnonymous"`
	PhoneNumber     *string `json:"phoneNumber"`
	Username        *string `json:"username"`
	DisplayUsername *string `json:"displayUsername"`
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

// DecodeUserParams decodes and validates a JSON UserParams.
func DecodeUserParams(r io.Reader) (UserParams, error) {
	return decodeParams(TableUser, r, NewUser)
}

// UserPatch lists what an update of a user may change; nil fields are left
// alone. Ban fields are set together by administrators.
type UserPatch struct {
	Name             *string    `json:"name"`
	Email            *string    `json:"email"`
	EmailVerified    *bool      `json:"emailVerified"`
	Image            *string    `json:"image"`
	UploadLimit      *int32     `json:"uploadLimit"`
	Role             *Roles     `json:"role"`
	Banned           *bool      `json:"banned"`
	BanReason        *string    `json:"banReason"`
	BanExpires       *time.Time `json:"banExpires"`
	PhoneNumber      *string    `json:"phoneNumber"`
	PhoneVerified    *bool      `json:"phoneNumberVerified"`
	TwoFactorEnabled *bool      `json:"twoFactorEnabled"`
	Username         *string    `json:"username"`
	DisplayUsername  *string    `json:"displayUsername"`
	StripeCustomerID *string    `json:"stripeCustomerId"`
	LastLoginMethod  *string    `json:"lastLoginMethod"`
}

// Apply applies the patch to u when the result is valid; on error u is
// unchanged.
func (p UserPatch) Apply(u *User) error {
	next := *u
	if p.Name != nil {
		next.Name = strings.TrimSpace(*p.Name)
	}
	if p.Email != nil {
		next.Email = normalizeEmailLoose(*p.Email)
	}
	set(&next.EmailVerified, p.EmailVerified)
	setOpt(&next.Image, trimPtr(p.Image))
	set(&next.UploadLimit, p.UploadLimit)
	set(&next.Role, canonRolesPtr(p.Role))
	set(&next.Banned, p.Banned)
	setOpt(&next.BanReason, p.BanReason)
	setOpt(&next.BanExpires, p.BanExpires)
	setOpt(&next.PhoneNumber, trimPtr(p.PhoneNumber))
	set(&next.PhoneNumberVerified, p.PhoneVerified)
	set(&next.TwoFactorEnabled, p.TwoFactorEnabled)
	setOpt(&next.Username, lowerPtr(p.Username))
	setOpt(&next.DisplayUsername, p.DisplayUsername)
	setOpt(&next.StripeCustomerID, p.StripeCustomerID)
	setOpt(&next.LastLoginMethod, p.LastLoginMethod)
	if err := next.Validate(); err != nil {
		return err
	}
	*u = next
	return nil
}
