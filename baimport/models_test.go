package baimport_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/beep/iam/baimport"
	"github.com/beep/iam/schema"
)

// A migration that declares a table for a Better Auth model must decide
// whether the importer moves it: otherwise a source table of that model
// would be reported as "not a Better Auth table" and silently left behind.
func TestModels_EveryBetterAuthTableOfTheSchemaIsMovedOrNamedAsNotMoved(t *testing.T) {
	t.Parallel()
	for _, table := range schema.Tables() {
		m := table.BetterAuthModel
		if m == "" {
			continue
		}
		_, notMoved := baimport.NotMoved[m]
		require.Truef(t, slices.Contains(baimport.Models, m) || notMoved,
			"schema table %s is Better Auth's %q: add it to baimport.Models (moved) or baimport.NotMoved (reported, with the plugin)", table.Name, m)
		require.Falsef(t, slices.Contains(baimport.Models, m) && notMoved, "%q is both moved and not moved", m)
	}
}

// The reason reported for a table left in the source says the truth about
// the schema it runs against: whether iam has a table for the model.
func TestNotMovedReason_SaysWhetherIAMHasTheTable(t *testing.T) {
	t.Parallel()
	tables := map[string]string{}
	for _, table := range schema.Tables() {
		if table.BetterAuthModel != "" {
			tables[table.BetterAuthModel] = table.Name
		}
	}
	for m, plugin := range baimport.NotMoved {
		why := baimport.NotMovedReason(m)
		require.Truef(t, strings.HasPrefix(why, plugin), "%s: %q", m, why)
		if name, ok := tables[m]; ok {
			require.Containsf(t, why, "iam has "+name+", but the importer does not move its rows", m)
		} else {
			require.Containsf(t, why, "iam has no table for it yet", m)
		}
	}
	require.Empty(t, baimport.NotMovedReason("user"), "a moved model has no not-moved reason")
}
