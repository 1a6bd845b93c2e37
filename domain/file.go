package domain

import (
	"encoding/json"
	"io"
	"strings"
)

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
	Size             int32           `db:"size" json:"size"`
	MimeType         string          `db:"mime_type" json:"mimeType"`
	UserID           UserID          `db:"user_id" json:"userId"`
	FolderID         FolderID        `db:"folder_id" json:"folderId"`
	UploadedByUserID UserID          `db:"uploaded_by_user_id" json:"uploadedByUserId"`
	Metadata         json.RawMessage `db:"metadata" json:"metadata"` // jsonb NOT NULL (the seed stored JSON as text)
}

// TableName implements Entity.
func (File) TableName() string { return TableFile }

// Validate checks every rule of a file row and reports all failures.
func (f File) Validate() error {
	v := NewValidator(TableFile)
	v.requiredID("organizationId", f.OrganizationID)
	v.text("key", f.Key, 1, 1024)
	if f.URL == "" {
		v.Add("url", "required", "url is required")
	} else {
		v.httpURL("url", &f.URL)
	}
	v.text("name", f.Name, 1, MaxNameLength)
	v.nonNegative("size", int64(f.Size))
	v.Check(mimeTypeRe.MatchString(f.MimeType), "mimeType", "mime_type", "mimeType must be a lower-case type/subtype like image/png")
	v.requiredID("userId", f.UserID)
	v.requiredID("folderId", f.FolderID)
	v.requiredID("uploadedByUserId", f.UploadedByUserID)
	v.Check(f.Metadata != nil, "metadata", "required", "metadata is required (use {} for none)")
	v.jsonRaw("metadata", f.Metadata)
	return v.Err()
}

// FileParams is the input that creates a File.
type FileParams struct {
	OrganizationID   OrganizationID  `json:"organizationId"`
	Key              string          `json:"key"`
	URL              string          `json:"url"`
	Name             string          `json:"name"`
	Size             int32           `json:"size"`
	MimeType         string          `json:"mimeType"`
	UserID           UserID          `json:"userId"`
	FolderID         FolderID        `json:"folderId"`
	UploadedByUserID *UserID         `json:"uploadedByUserId"` // default UserID
	Metadata         json.RawMessage `json:"metadata"`         // default {}
}

// NewFile validates p and returns a new file row.
func NewFile(p FileParams) (File, error) {
	f := File{
		Audit:            NewAudit[File](),
		OrganizationID:   p.OrganizationID,
		Key:              p.Key,
		URL:              strings.TrimSpace(p.URL),
		Name:             strings.TrimSpace(p.Name),
		Size:             p.Size,
		MimeType:         strings.ToLower(strings.TrimSpace(p.MimeType)),
		UserID:           p.UserID,
		FolderID:         p.FolderID,
		UploadedByUserID: or(p.UploadedByUserID, p.UserID),
		Metadata:         orRaw(p.Metadata, json.RawMessage("{}")),
	}
	if err := f.Validate(); err != nil {
		return File{}, err
	}
	return f, nil
}

// DecodeFileParams decodes and validates a JSON FileParams.
func DecodeFileParams(r io.Reader) (FileParams, error) {
	return decodeParams(TableFile, r, NewFile)
}

// FilePatch lists what an update of a file may change: its name, folder and
// metadata (content changes are new files).
type FilePatch struct {
	Name     *string         `json:"name"`
	FolderID *FolderID       `json:"folderId"`
	Metadata json.RawMessage `json:"metadata"`
}

// Apply applies the patch to f when the result is valid; on error f is
// unchanged.
func (p FilePatch) Apply(f *File) error {
	next := *f
	set(&next.Name, trimPtr(p.Name))
	set(&next.FolderID, p.FolderID)
	if p.Metadata != nil {
		next.Metadata = p.Metadata
	}
	if err := next.Validate(); err != nil {
		return err
	}
	*f = next
	return nil
}
