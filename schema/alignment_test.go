package schema_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
)

func alignProblems(entity any, table *schema.Table) []string {
	return schema.AlignStruct(entity, table)
}

// TestAlignment_DomainStructsMatchTables checks every entity of the domain
// against its declared table in both directions: each db-tagged field has a
// column of the matching type and nullability, and each column has a field.
func TestAlignment_DomainStructsMatchTables(t *testing.T) {
	t.Parallel()
	entities := domain.AllEntities()
	require.Len(t, entities, len(schema.Tables()), "one entity per table")
	var problems []string
	for _, e := range entities {
		table := schema.TableByName(e.TableName())
		if table == nil {
			problems = append(problems, fmt.Sprintf("%s: entity %T has no declared table", e.TableName(), e))
			continue
		}
		problems = append(problems, alignProblems(e, table)...)
	}
	require.Empty(t, problems, "domain structs and tables disagree:\n%s", strings.Join(problems, "\n"))
}

// TestAlignment_CatchesAMismatch proves the alignment check itself fails on
// an extra field, a missing field, a wrong type and a wrong nullability.
func TestAlignment_CatchesAMismatch(t *testing.T) {
	t.Parallel()
	type wallet struct {
		domain.Audit[domain.WalletAddress]
		UserID    domain.UserID `db:"user_id"`
		Address   *string       `db:"address"`    // column is NOT NULL without default
		ChainID   int64         `db:"chain_id"`   // column is integer
		Nickname  string        `db:"nickname"`   // no such column
		IsPrimary bool          `db:"is_primary"` // fine
		// created... every global column comes from Audit; nothing for
		// "address" type text is wrong.
	}
	got := alignProblems(wallet{}, schema.TableByName(domain.TableWalletAddress))
	require.ElementsMatch(t, []string{
		"iam_wallet_address.address: field wallet.Address (*string) is optional, column is NOT NULL without default: make the field a value or the column nullable",
		"iam_wallet_address.chain_id: column type integer, field wallet.ChainID is int64 (stores as bigint)",
		"iam_wallet_address.nickname: field wallet.Nickname (db \"nickname\") has no column",
	}, got)

	type partial struct {
		domain.Audit[domain.WalletAddress]
		UserID domain.UserID `db:"user_id"`
	}
	got = alignProblems(partial{}, schema.TableByName(domain.TableWalletAddress))
	require.ElementsMatch(t, []string{
		"iam_wallet_address.address: column has no field in partial",
		"iam_wallet_address.chain_id: column has no field in partial",
		"iam_wallet_address.is_primary: column has no field in partial",
	}, got)
}
