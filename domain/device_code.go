package domain

import "time"

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
