package domain

import (
	"strings"
)

// Validate checks every rule of a folder row and reports all failures.
func (f Folder) Validate() error {
	v := NewValidator(TableFolder)
	v.requiredID("organizationId", f.OrganizationID)
	v.requiredID("userId", f.UserID)
	v.text("name", f.Name, 1, MaxNameLength)
	return v.Err()
}

// NewFolder validates p and returns a new folder.
func NewFolder(p FolderParams) (Folder, error) {
	f := Folder{Audit: NewAudit[Folder](), OrganizationID: p.OrganizationID, UserID: p.UserID, Name: strings.TrimSpace(p.Name)}
	if err := f.Validate(); err != nil {
		return Folder{}, err
	}
	return f, nil
}
