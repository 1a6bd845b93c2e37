// Command iam-gen writes the generated per-entity Go code of domain and store
// (the *_gen.go files) from the declarations in package schema. Run it with
// go generate ./schema/ after changing a declaration; with -check it writes
// nothing and exits 1 when a generated file is stale.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/beep/iam/internal/gen"
	"github.com/beep/iam/schema"
)

func main() {
	check := flag.Bool("check", false, "report stale generated files and exit 1 instead of writing them")
	flag.Parse()
	root, err := gen.ModuleRoot(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "iam-gen:", err)
		os.Exit(2)
	}
	if *check {
		stale, err := gen.Stale(root, schema.IAM())
		if err != nil {
			fmt.Fprintln(os.Stderr, "iam-gen:", err)
			os.Exit(2)
		}
		for _, p := range stale {
			fmt.Println("stale:", p)
		}
		if len(stale) > 0 {
			fmt.Fprintln(os.Stderr, "iam-gen: refresh with", gen.Command)
			os.Exit(1)
		}
		return
	}
	changed, err := gen.Write(root, schema.IAM())
	if err != nil {
		fmt.Fprintln(os.Stderr, "iam-gen:", err)
		os.Exit(2)
	}
	for _, p := range changed {
		fmt.Println("wrote", p)
	}
}
