package domain

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
