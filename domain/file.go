package domain

// FileID is the public id of a File.
type FileID = ID[File]

// File is an uploaded file (shared_file, OrgTable; seed only, not a Better
// Auth model).
type File struct {
	Audit[File]
	OrganizationID OrganizationID `db:"organization_id" json:"organizationId"`
	Key            string         `db:"key" json:"key"` // storage key
	URL            string         `db:"url" json:"url"`
	Name           string         `db:"name" json:"name"`
	// Size is in bytes. The seed's column is integer (files up to 2 GiB).
	Size             int32    `db:"size" json:"size"`
	MimeType         string   `db:"mime_type" json:"mimeType"`
	UserID           UserID   `db:"user_id" json:"userId"`
	FolderID         FolderID `db:"folder_id" json:"folderId"`
	UploadedByUserID UserID   `db:"uploaded_by_user_id" json:"uploadedByUserId"`
	Metadata         string   `db:"metadata" json:"metadata"` // JSON as text, NOT NULL in the seed
}

// TableName implements Entity.
func (File) TableName() string { return TableFile }
