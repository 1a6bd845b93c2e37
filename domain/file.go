package domain

import (
	"encoding/json"
	"strings"
)

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

// finish applies the metadata (kept as given: the column is NOT NULL, so a
// JSON null is for Validate to refuse) and validates the patched file.
func (p FilePatch) finish(_ File, next *File) error {
	if p.Metadata != nil {
		next.Metadata = p.Metadata
	}
	return next.Validate()
}
