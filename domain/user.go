package domain

import "time"

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
