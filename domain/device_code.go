package domain

import (
	"io"
	"time"
)

// DeviceCodeID is the public id of a DeviceCode.
type DeviceCodeID = ID[DeviceCode]

// DeviceCode is an OAuth device authorization (iam_device_code). Device code
// and user code are bearer secrets left out of JSON.
type DeviceCode struct {
	Audit[DeviceCode]
	DeviceCode      Secret           `db:"device_code" json:"-"`
	UserCode        Secret           `db:"user_code" json:"-"`
	UserID          *UserID          `db:"user_id" json:"userId,omitempty"`
	ExpiresAt       time.Time        `db:"expires_at" json:"expiresAt"`
	Status          DeviceCodeStatus `db:"status" json:"status"`
	LastPolledAt    *time.Time       `db:"last_polled_at" json:"lastPolledAt,omitempty"`
	PollingInterval *int32           `db:"polling_interval" json:"pollingInterval,omitempty"` // seconds
	ClientID        *string          `db:"client_id" json:"clientId,omitempty"`
	Scope           *string          `db:"scope" json:"scope,omitempty"` // space-separated
}

// TableName implements Entity.
func (DeviceCode) TableName() string { return TableDeviceCode }

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

// DeviceCodeParams is the input that creates a DeviceCode.
type DeviceCodeParams struct {
	DeviceCode      Secret    `json:"deviceCode"`
	UserCode        Secret    `json:"userCode"`
	ExpiresAt       time.Time `json:"expiresAt"`
	PollingInterval *int32    `json:"pollingInterval"`
	ClientID        *string   `json:"clientId"`
	Scope           *string   `json:"scope"`
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

// DecodeDeviceCodeParams decodes and validates a JSON DeviceCodeParams.
func DecodeDeviceCodeParams(r io.Reader) (DeviceCodeParams, error) {
	return decodeParams(TableDeviceCode, r, NewDeviceCode)
}

// DeviceCodePatch lists what an update of a device code may change: the
// decision (status and user) and polling bookkeeping.
type DeviceCodePatch struct {
	Status          *DeviceCodeStatus `json:"status"`
	UserID          *UserID           `json:"userId"`
	LastPolledAt    *time.Time        `json:"lastPolledAt"`
	PollingInterval *int32            `json:"pollingInterval"`
}

// Apply applies the patch to d when the result is valid; on error d is
// unchanged. Only a pending device code changes status.
func (p DeviceCodePatch) Apply(d *DeviceCode) error {
	next := *d
	set(&next.Status, p.Status)
	setOpt(&next.UserID, p.UserID)
	setOpt(&next.LastPolledAt, p.LastPolledAt)
	setOpt(&next.PollingInterval, p.PollingInterval)
	err := next.Validate()
	if p.Status != nil && *p.Status != d.Status && d.Status != DeviceCodeStatusPending {
		v := NewValidator(TableDeviceCode)
		v.Merge("", err)
		v.Add("status", "transition", "status can change only from %s, not from %s", DeviceCodeStatusPending, d.Status)
		err = v.Err()
	}
	if err != nil {
		return err
	}
	*d = next
	return nil
}
