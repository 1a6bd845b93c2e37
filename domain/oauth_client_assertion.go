package domain

import "time"

// OAuthClientAssertion is a used private_key_jwt client assertion
// (iam_oauth_client_assertion, global), kept until it expires so that its
// jti cannot be replayed. Better Auth writes the id itself (a digest of the
// jti), so ID is a plain string, not a typed id; Go only reads and purges
// these rows.
type OAuthClientAssertion struct {
	ID        string     `db:"id" json:"id"`
	RowID     int64      `db:"_row_id" json:"-"`
	CreatedAt time.Time  `db:"created_at" json:"createdAt"`
	UpdatedAt time.Time  `db:"updated_at" json:"updatedAt"`
	DeletedAt *time.Time `db:"deleted_at" json:"deletedAt,omitempty"`
	CreatedBy *string    `db:"created_by" json:"createdBy,omitempty"`
	UpdatedBy *string    `db:"updated_by" json:"updatedBy,omitempty"`
	DeletedBy *string    `db:"deleted_by" json:"deletedBy,omitempty"`
	Version   int32      `db:"version" json:"version"`
	Source    *string    `db:"source" json:"source,omitempty"`
	ExpiresAt time.Time  `db:"expires_at" json:"expiresAt"`
}

// TableName implements Entity.
func (OAuthClientAssertion) TableName() string { return TableOAuthClientAssertion }

// Validate checks every rule of a client assertion row and reports all failures.
func (a OAuthClientAssertion) Validate() error {
	v := NewValidator(TableOAuthClientAssertion)
	v.text("id", a.ID, 1, MaxNameLength)
	v.Check(!a.ExpiresAt.IsZero(), "expiresAt", "required", "expiresAt is required")
	return v.Err()
}
