package pgtest_test

import (
	"testing"

	"github.com/beep/iam/pgtest"
)

// BenchmarkNewDatabase measures handing a test its own database with the
// IAM schema: one template clone (the drops happen after the timed loop).
func BenchmarkNewDatabase(b *testing.B) {
	pgtest.NewDatabase(b) // build the template outside the loop
	for b.Loop() {
		pgtest.NewDatabase(b)
	}
}
