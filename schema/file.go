package schema

import "github.com/beep/iam/domain"

// File is shared_file, an uploaded file (seed only; Better Auth does not use it).
var File = NewOrgTable(domain.TableFile,
	Text("key").Required().Describe("storage key").GoComment("storage key").Param(),
	Text("url").Required().Param(),
	Text("name").Required().Input().Norm(NormTrim),
	Int("size").Required().Describe("bytes").
		GoComment("Size is in bytes. The seed's column is integer (files up to 2 GiB).").Param(),
	Text("mime_type").Required().Param(),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).Param(),
	Text("folder_id").Required().References(domain.TableFolder, ColID, Cascade, NoAction).Input(),
	Text("uploaded_by_user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).
		ParamDefault("default UserID"),
	JSONB("metadata").Required().
		GoComment("jsonb NOT NULL (the seed stored JSON as text)").Param().ParamNote("default {}").PatchCustom(""),

	Chk("file_size_check", "(size >= 0)"),
	Idx("file_user_id_idx", "user_id"),
	Idx("file_folder_id_idx", "folder_id"),
	Idx("file_uploaded_by_user_id_idx", "uploaded_by_user_id"),
	Idx("file_key_idx", "key"),
	SameTenant("folder_id", domain.TableFolder, ColID),

	One("organization", domain.TableOrganization, ColOrganizationID),
	One("user", domain.TableUser, "user_id"),
	One("folder", domain.TableFolder, "folder_id"),
	One("uploadedBy", domain.TableUser, "uploaded_by_user_id"),
).Describe("Uploaded files of an organization.").
	GoFinish().
	GoDoc("is an uploaded file (shared_file, OrgTable; seed only, not a Better Auth model).").
	GoInputDocs("is the input that creates a File.", "lists what an update of a file may change: its name, folder and metadata (content changes are new files).")
