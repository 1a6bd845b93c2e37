package schema

import "github.com/beep/iam/domain"

// DeviceCode is iam_device_code, an OAuth device authorization.
var DeviceCode = NewTable(domain.TableDeviceCode,
	Text("device_code").Required().BA("deviceCode").Secret().Param(),
	Text("user_code").Required().BA("userCode").Secret().Param(),
	Text("user_id").References(domain.TableUser, ColID, Cascade, Cascade).BA("userId").Patch(),
	Timestamptz("expires_at").Required().BA("expiresAt").Param(),
	Enum("status", enumDeviceCodeStatus).Required().DefaultText("pending").BA("status").Patch(),
	Timestamptz("last_polled_at").BA("lastPolledAt").Patch(),
	Int("polling_interval").BA("pollingInterval").Describe("seconds").GoComment("seconds").Input(),
	Text("client_id").BA("clientId").Describe("OAuth client id; no foreign key (any client registry)").Param(),
	Text("scope").BA("scope").Describe("space separated").GoComment("space-separated").Param(),

	UniqueIdx("device_code_device_code_unique_idx", "device_code"),
	UniqueIdx("device_code_user_code_unique_idx", "user_code"),
	Idx("device_code_user_id_idx", "user_id"),
	Idx("device_code_expires_at_idx", "expires_at"),
	Chk("device_code_polling_interval_non_negative_check", "((polling_interval IS NULL) OR (polling_interval >= 0))"),

	One("user", domain.TableUser, "user_id"),
).Model("deviceCode").Describe("OAuth device authorization codes (Better Auth deviceCode).").
	GoFinish().
	GoDoc("is an OAuth device authorization (iam_device_code). Device code and user code are bearer secrets left out of JSON.").
	GoInputDocs("is the input that creates a DeviceCode.", "lists what an update of a device code may change: the decision (status and user) and polling bookkeeping.")
