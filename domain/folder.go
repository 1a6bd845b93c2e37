package domain

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
