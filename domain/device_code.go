package domain

// Validate checks every rule of a device code row and reports all failures.
func (d DeviceCode) Validate() error {
	v := NewValidator(TableDeviceCode)
	v.secret("deviceCode", d.DeviceCode)
	v.secret("userCode", d.UserCode)
	v.expiresAfter("expiresAt", d.ExpiresAt, d.CreatedAt)
	enumCheck(v, "status", d.Status, DeviceCodeStatusValues)
	v.optNonNegative("pollingInterval", d.PollingInterval)
	v.optText("clientId", d.ClientID, MaxNameLength)
	v.optText("scope", d.Scope, MaxTextLength)
	v.Check(d.Status != DeviceCodeStatusApproved || d.UserID != nil, "userId", "required",
		"userId is required once the device code is approved")
	return v.Err()
}

// NewDeviceCode validates p and returns a pending device authorization;
// expiresAt must be in the future.
func NewDeviceCode(p DeviceCodeParams) (DeviceCode, error) {
	d := DeviceCode{
		Audit:           NewAudit[DeviceCode](),
		DeviceCode:      p.DeviceCode,
		UserCode:        p.UserCode,
		ExpiresAt:       p.ExpiresAt,
		Status:          DeviceCodeStatusPending,
		PollingInterval: p.PollingInterval,
		ClientID:        p.ClientID,
		Scope:           p.Scope,
	}
	if err := d.Validate(); err != nil {
		return DeviceCode{}, err
	}
	return d, nil
}

// finish validates the patched device authorization; its status may change
// only while it is pending.
func (p DeviceCodePatch) finish(old DeviceCode, next *DeviceCode) error {
	v := NewValidator(TableDeviceCode)
	v.Merge("", next.Validate())
	if p.Status != nil && *p.Status != old.Status && old.Status != DeviceCodeStatusPending {
		v.Add("status", "transition", "status can change only from %s, not from %s", DeviceCodeStatusPending, old.Status)
	}
	return v.Err()
}
