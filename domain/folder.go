package domain

import (
	"io"
	"strings"
)

// FolderID is the public id of a Folder.
type FolderID = ID[Folder]

// Folder groups files (shared_folder, OrgTable; seed only).
type Folder struct {
	Audit[Folder]
	OrganizationID OrganizationID `db:"organization_id" json:"organizationId"`
	UserID         UserID         `db:"user_id" json:"userId"`
	Name           string         `db:"name" json:"name"`
}

// TableName implements Entity.
func (Folder) TableName() string { return TableFolder }

// Validate checks every rule of a folder row and reports all failures.
func (f Folder) Validate() error {
	v := NewValidator(TableFolder)
	v.requiredID("organizationId", f.OrganizationID)
	v.requiredID("userId", f.UserID)
	v.text("name", f.Name, 1, MaxNameLength)
	return v.Err()
}

// FolderParams is the input that creates a Folder.
type FolderParams struct {
	OrganizationID OrganizationID `json:"organizationId"`
	UserID         UserID         `json:"userId"`
	Name           string         `json:"name"`
}

// NewFolder validates p and returns a new folder.
func NewFolder(p FolderParams) (Folder, error) {
	f := Folder{Audit: NewAudit[Folder](), OrganizationID: p.OrganizationID, UserID: p.UserID, Name: strings.TrimSpace(p.Name)}
	if err := f.Validate(); err != nil {
		return Folder{}, err
	}
	return f, nil
}

// DecodeFolderParams decodes and validates a JSON FolderParams.
func DecodeFolderParams(r io.Reader) (FolderParams, error) {
	return decodeParams(TableFolder, r, NewFolder)
}

// FolderPatch lists what an update of a folder may change.
type FolderPatch struct {
	Name *string `json:"name"`
}

// Apply applies the patch to f when the result is valid; on error f is
// unchanged.
func (p FolderPatch) Apply(f *Folder) error {
	next := *f
	set(&next.Name, trimPtr(p.Name))
	if err := next.Validate(); err != nil {
		return err
	}
	*f = next
	return nil
}
