package migrate

import (
	"embed"
	"io/fs"
	"sync"
)

//go:embed migrations/*.sql
var embedded embed.FS

// DefaultTable is the version table of the IAM migrations.
const DefaultTable = "iam_schema_migrations"

var defaultMigrator = sync.OnceValues(func() (*Migrator, error) {
	sub, err := fs.Sub(embedded, "migrations")
	if err != nil {
		return nil, err
	}
	return New(sub)
})

// Default returns the migrator of the IAM schema, built from the migrations
// embedded in this package, recording versions in DefaultTable. It panics if
// the embedded set is malformed: that is a build defect, and a test in this
// package proves it is not.
func Default() *Migrator {
	m, err := defaultMigrator()
	if err != nil {
		panic("migrate: embedded IAM migrations are malformed: " + err.Error())
	}
	return m
}

// FS returns the embedded IAM migration files (NNNN_name.up.sql and
// .down.sql at the root), e.g. to copy them into another migration tool.
func FS() fs.FS {
	sub, err := fs.Sub(embedded, "migrations")
	if err != nil {
		panic(err)
	}
	return sub
}
