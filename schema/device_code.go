package schema

import "github.com/beep/iam/domain"

// DeviceCode is iam_device_code, an OAuth device authorization.
var DeviceCode = NewTable(domain.TableDeviceCode,
	Text("device_code").Required().BA("deviceCode"),
	Text("user_code").Required().BA("userCode"),
	Text("user_id").References(domain.TableUser, ColID, Cascade, Cascade).BA("userId"),
	Timestamptz("expires_at").Required().BA("expiresAt"),
	Enum("status", enumDeviceCodeStatus).Required().DefaultText("pending").BA("status"),
	Timestamptz("last_polled_at").BA("lastPolledAt"),
	Int("polling_interval").BA("pollingInterval").Describe("seconds"),
	Text("client_id").BA("clientId").Describe("OAuth client id; no foreign key (any client registry)"),
	Text("scope").BA("scope").Describe("space separated"),

	UniqueIdx("device_code_device_code_unique_idx", "device_code"),
	UniqueIdx("device_code_user_code_unique_idx", "user_code"),
	Idx("device_code_user_id_idx", "user_id"),
	Idx("device_code_expires_at_idx", "expires_at"),
	Chk("device_code_polling_interval_non_negative_check", "((polling_interval IS NULL) OR (polling_interval >= 0))"),

	One("user", domain.TableUser, "user_id"),
).Model("deviceCode").Describe("OAuth device authorization codes (Better Auth deviceCode).")
