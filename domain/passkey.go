package domain

import "io"

// PasskeyID is the public id of a Passkey.
type PasskeyID = ID[Passkey]

// Passkey is a WebAuthn credential (iam_passkey). The credential id and the
// public key are left out of JSON, as in the seed.
type Passkey struct {
	Audit[Passkey]
	// Name is optional: Better Auth registers passkeys without one.
	Name      *string `db:"name" json:"name,omitempty"`
	PublicKey Secret  `db:"public_key" json:"-"` // standard base64 COSE key
	UserID    UserID  `db:"user_id" json:"userId"`
	// CredentialID is base64url; the column is credential_id (the seed's
	// mechanical snake-casing gave credential_i_d).
	CredentialID Secret  `db:"credential_id" json:"-"`
	Counter      int32   `db:"counter" json:"counter"`
	DeviceType   string  `db:"device_type" json:"deviceType"` // singleDevice | multiDevice
	BackedUp     bool    `db:"backed_up" json:"backedUp"`
	Transports   *string `db:"transports" json:"transports,omitempty"` // comma-joined
	AAGUID       *string `db:"aaguid" json:"aaguid,omitempty"`
}

// TableName implements Entity.
func (Passkey) TableName() string { return TablePasskey }

// Passkey device types (WebAuthn credential device type).
const (
	PasskeyDeviceSingle = "singleDevice"
	PasskeyDeviceMulti  = "multiDevice"
)

// Validate checks every rule of a passkey row and reports all failures.
func (k Passkey) Validate() error {
	v := NewValidator(TablePasskey)
	v.optText("name", k.Name, MaxNameLength)
	v.secret("publicKey", k.PublicKey)
	v.requiredID("userId", k.UserID)
	v.secret("credentialId", k.CredentialID)
	v.nonNegative("counter", int64(k.Counter))
	switch k.DeviceType {
	case PasskeyDeviceSingle, PasskeyDeviceMulti:
	case "":
		v.Add("deviceType", "required", "deviceType is required: %s or %s", PasskeyDeviceSingle, PasskeyDeviceMulti)
	default:
		v.Add("deviceType", "enum", "deviceType must be %s or %s", PasskeyDeviceSingle, PasskeyDeviceMulti)
	}
	v.optText("transports", k.Transports, MaxNameLength)
	v.optText("aaguid", k.AAGUID, 64)
	return v.Err()
}

// PasskeyParams is the input that creates a Passkey.
type PasskeyParams struct {
	Name         *string `json:"name"`
	PublicKey    Secret  `json:"publicKey"`
	UserID       UserID  `json:"userId"`
	CredentialID Secret  `json:"credentialID"`
	Counter      int32   `json:"counter"`
	DeviceType   string  `json:"deviceType"`
	BackedUp     bool    `json:"backedUp"`
	Transports   *string `json:"transports"`
	AAGUID       *string `json:"aaguid"`
}

// NewPasskey validates p and returns a new passkey.
func NewPasskey(p PasskeyParams) (Passkey, error) {
	k := Passkey{
		Audit:        NewAudit[Passkey](),
		Name:         trimPtr(p.Name),
		PublicKey:    p.PublicKey,
		UserID:       p.UserID,
		CredentialID: p.CredentialID,
		Counter:      p.Counter,
		DeviceType:   p.DeviceType,
		BackedUp:     p.BackedUp,
		Transports:   p.Transports,
		AAGUID:       p.AAGUID,
	}
	if err := k.Validate(); err != nil {
		return Passkey{}, err
	}
	return k, nil
}

// DecodePasskeyParams decodes and validates a JSON PasskeyParams.
func DecodePasskeyParams(r io.Reader) (PasskeyParams, error) {
	return decodeParams(TablePasskey, r, NewPasskey)
}

// PasskeyPatch lists what an update of a passkey may change: its name and,
// after each use, the signature counter and backup state.
type PasskeyPatch struct {
	Name     *string `json:"name"`
	Counter  *int32  `json:"counter"`
	BackedUp *bool   `json:"backedUp"`
}

// Apply applies the patch to k when the result is valid; on error k is
// unchanged. The counter never goes down (a lower counter signals a cloned
// authenticator).
func (p PasskeyPatch) Apply(k *Passkey) error {
	next := *k
	setOpt(&next.Name, trimPtr(p.Name))
	set(&next.Counter, p.Counter)
	set(&next.BackedUp, p.BackedUp)
	err := next.Validate()
	if p.Counter != nil && *p.Counter < k.Counter {
		v := NewValidator(TablePasskey)
		v.Merge("", err)
		v.Add("counter", "monotonic", "counter must not decrease")
		err = v.Err()
	}
	if err != nil {
		return err
	}
	*k = next
	return nil
}
