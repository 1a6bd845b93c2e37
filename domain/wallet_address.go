package domain

import (
	"strings"
)

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

// NewWalletAddress validates p and returns a new wallet address.
func NewWalletAddress(p WalletAddressParams) (WalletAddress, error) {
	w := WalletAddress{Audit: NewAudit[WalletAddress](), UserID: p.UserID,
		Address: strings.TrimSpace(p.Address), ChainID: p.ChainID, IsPrimary: p.IsPrimary}
	if err := w.Validate(); err != nil {
		return WalletAddress{}, err
	}
	return w, nil
}
