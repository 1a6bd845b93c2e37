// Command render writes the audit log's migration from its declaration. Run
// it from the repository root: go run ./examples/auditlog/cmd/render
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/beep/iam/examples/auditlog"
)

func main() {
	dir := filepath.Join("examples", "auditlog")
	up := auditlog.Schema.SQLUp(auditlog.RefreshCommand)
	down := auditlog.Schema.SQLDown(auditlog.RefreshCommand)
	if err := os.WriteFile(filepath.Join(dir, auditlog.UpFile), []byte(up), 0o644); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, auditlog.DownFile), []byte(down), 0o644); err != nil {
		log.Fatal(err)
	}
}
