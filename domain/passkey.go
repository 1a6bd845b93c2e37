package domain

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

// finish validates the patched passkey; the signature counter never
// decreases.
func (p PasskeyPatch) finish(old Passkey, next *Passkey) error {
	v := NewValidator(TablePasskey)
	v.Merge("", next.Validate())
	if p.Counter != nil && *p.Counter < old.Counter {
		v.Add("counter", "monotonic", "counter must not decrease")
	}
	return v.Err()
}
