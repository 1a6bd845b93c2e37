package schema

import "github.com/beep/iam/domain"

// Folder is shared_folder, a folder of files (seed only).
var Folder = NewOrgTable(domain.TableFolder,
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).Param(),
	Text("name").Required().Input().Norm(NormTrim),

	Idx("folder_user_idx", "user_id"),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
	Many("files", domain.TableFile, "folder_id"),
).Describe("Folders of files of an organization.").
	GoDoc("groups files (shared_folder, OrgTable; seed only).").
	GoInputDocs("is the input that creates a Folder.", "lists what an update of a folder may change.")
