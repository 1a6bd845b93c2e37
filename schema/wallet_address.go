package schema

import "github.com/beep/iam/domain"

// WalletAddress is iam_wallet_address, a blockchain wallet of a user (SIWE).
var WalletAddress = NewTable(domain.TableWalletAddress,
	Field(ColCreatedAt, "createdAt"),
	Text("user_id").Required().References(domain.TableUser, ColID, Cascade, NoAction).BA("userId").Param(),
	Text("address").Required().BA("address").Param(),
	Int("chain_id").Required().BA("chainId").Param(),
	Bool("is_primary").Required().DefaultBool(false).BA("isPrimary").Input(),

	UniqueIdx("wallet_address_user_chain_id_unique_idx", "user_id", "address", "chain_id"),
	Idx("wallet_address_address_chain_idx", "address", "chain_id"),

	One("user", domain.TableUser, "user_id"),
).Model("walletAddress").Describe("Wallet addresses of users (Better Auth walletAddress).").
	GoDoc("is an Ethereum address a user signed in with (iam_wallet_address, siwe plugin).").
	GoInputDocs("is the input that creates a WalletAddress.", "lists what an update of a wallet address may change.")
