package domain

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
