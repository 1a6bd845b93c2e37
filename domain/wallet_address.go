package domain

import (
	"io"
	"strings"
)

// WalletAddressID is the public id of a WalletAddress.
type WalletAddressID = ID[WalletAddress]

// WalletAddress is an Ethereum address a user signed in with (iam_wallet_address,
// siwe plugin).
type WalletAddress struct {
	Audit[WalletAddress]
	UserID    UserID `db:"user_id" json:"userId"`
	Address   string `db:"address" json:"address"`
	ChainID   int32  `db:"chain_id" json:"chainId"`
	IsPrimary bool   `db:"is_primary" json:"isPrimary"`
}

// TableName implements Entity.
func (WalletAddress) TableName() string { return TableWalletAddress }

// Validate checks every rule of a wallet address row and reports all
// failures.
func (w WalletAddress) Validate() error {
	v := NewValidator(TableWalletAddress)
	v.requiredID("userId", w.UserID)
	if w.Address == "" {
		v.Add("address", "required", "address is required")
	} else {
		v.Check(walletRe.MatchString(w.Address), "address", "wallet_address",
			"address must be 0x followed by 40 hexadecimal digits")
	}
	v.positive("chainId", int64(w.ChainID))
	return v.Err()
}

// WalletAddressParams is the input that creates a WalletAddress.
type WalletAddressParams struct {
	UserID    UserID `json:"userId"`
	Address   string `json:"address"`
	ChainID   int32  `json:"chainId"`
	IsPrimary bool   `json:"isPrimary"`
}

// NewWalletAddress validates p and returns a new wallet address.
func NewWalletAddress(p WalletAddressParams) (WalletAddress, error) {
	w := WalletAddress{Audit: NewAudit[WalletAddress](), UserID: p.UserID,
		Address: strings.TrimSpace(p.Address), ChainID: p.ChainID, IsPrimary: p.IsPrimary}
	if err := w.Validate(); err != nil {
		return WalletAddress{}, err
	}
	return w, nil
}

// DecodeWalletAddressParams decodes and validates a JSON WalletAddressParams.
func DecodeWalletAddressParams(r io.Reader) (WalletAddressParams, error) {
	return decodeParams(TableWalletAddress, r, NewWalletAddress)
}

// WalletAddressPatch lists what an update of a wallet address may change.
type WalletAddressPatch struct {
	IsPrimary *bool `json:"isPrimary"`
}

// Apply applies the patch to w when the result is valid; on error w is
// unchanged.
func (p WalletAddressPatch) Apply(w *WalletAddress) error {
	next := *w
	set(&next.IsPrimary, p.IsPrimary)
	if err := next.Validate(); err != nil {
		return err
	}
	*w = next
	return nil
}
