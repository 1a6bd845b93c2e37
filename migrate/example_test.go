package migrate_test

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/migrate"
)

// Apply the IAM schema at deploy time; concurrent instances apply each
// migration once.
func ExampleDefault() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, os.Getenv("DATABASE_URL"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer conn.Close(ctx)
	steps, err := migrate.Default().Up(ctx, conn)
	if err != nil {
		fmt.Println(err) // names the file (and line) that failed
		return
	}
	for _, s := range steps {
		fmt.Printf("applied %04d_%s\n", s.Version, s.Name)
	}
}

// An application's own migrations live in their own version table, beside
// the IAM ones.
func ExampleNew() {
	m, err := migrate.New(os.DirFS("migrations"), migrate.WithTable("app_schema_migrations"))
	if err != nil {
		fmt.Println(err) // a gap, duplicate or missing down file, naming the file
		return
	}
	fmt.Println(m.Latest())
}
