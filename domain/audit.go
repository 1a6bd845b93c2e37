package domain

import "time"

// Audit holds the columns every table shares (the seed's makeFields): the
// public id, the private row id, timestamps, the acting users, the optimistic
// locking version and the free-text source. It is embedded in every entity.
//
// RowID, CreatedAt, UpdatedAt and Version are kept by the database: the
// updated_at/version trigger maintains the last two on every UPDATE, whoever
// the writer is (Go, Better Auth or psql).
type Audit[E Entity] struct {
	ID        ID[E]      `db:"id" json:"id"`
	RowID     int64      `db:"_row_id" json:"-"`
	CreatedAt time.Time  `db:"created_at" json:"createdAt"`
	UpdatedAt time.Time  `db:"updated_at" json:"updatedAt"`
	DeletedAt *time.Time `db:"deleted_at" json:"deletedAt,omitempty"`
	CreatedBy *string    `db:"created_by" json:"createdBy,omitempty"`
	UpdatedBy *string    `db:"updated_by" json:"updatedBy,omitempty"`
	DeletedBy *string    `db:"deleted_by" json:"deletedBy,omitempty"`
	Version   int32      `db:"version" json:"version"`
	Source    *string    `db:"source" json:"source,omitempty"`
}

// IsDeleted reports whether the row is soft-deleted.
func (a Audit[E]) IsDeleted() bool { return a.DeletedAt != nil }

// NewAudit returns the audit fields of a row about to be created: a fresh id
// and version 1. Timestamps are left zero; the database fills them.
func NewAudit[E Entity]() Audit[E] {
	return Audit[E]{ID: NewID[E](), Version: 1}
}
