package schema

import "github.com/beep/iam/domain"

// File is shared_file, an uploaded file (seed only; Better Auth does not use it).
var File = NewOrgTable(domain.TableFile,
	Text("key").Required().Describe("storage key"),
	Text("url").Required(),
	Text("name").Required(),
	Int("size").Required().Describe("bytes"),
	Text("mime_type").Required(),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction),
	Text("folder_id").Required().References(domain.TableFolder, ColID, Cascade, NoAction),
	Text("uploaded_by_user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction),
	JSONB("metadata").Required(),

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
).Describe("Uploaded files of an organization.")
