package domain_test

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTypedIDs_AMemberIDIsNotAUserIDAtCompileTime type-checks a program that
// passes a member id where a user id is expected and requires the compiler to
// reject it.
func TestTypedIDs_AMemberIDIsNotAUserIDAtCompileTime(t *testing.T) {
	t.Parallel()
	const src = `package demo

import "github.com/beep/iam/domain"

func demo() {
	var memberID domain.MemberID = domain.NewID[domain.Member]()
	_, _ = domain.NewMember(domain.MemberParams{UserID: memberID})
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "demo.go", src, 0)
	require.NoError(t, err)
	var errs []string
	conf := types.Config{
		Importer: importer.ForCompiler(fset, "source", nil),
		Error:    func(err error) { errs = append(errs, err.Error()) },
	}
	_, _ = conf.Check("demo", fset, []*ast.File{f}, nil)
	require.Len(t, errs, 1, "want exactly the id mismatch, got %v", errs)
	require.Contains(t, errs[0], "cannot use memberID (variable of struct type domain.MemberID) as domain.UserID value")
}
