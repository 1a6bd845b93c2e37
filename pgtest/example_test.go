package pgtest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
)

// A package's TestMain hands control to pgtest.Main, which stops the test
// server when the tests end.
func ExampleMain() {
	// In a _test.go file:
	//
	//	func TestMain(m *testing.M) { pgtest.Main(m) }
}

// Each test gets its own database with the IAM schema; it is dropped when
// the test ends.
func ExampleNewPool() {
	_ = func(t *testing.T) {
		t.Parallel()
		pool := pgtest.NewPool(t)
		var version int
		_ = pool.QueryRow(context.Background(), "SELECT max(version) FROM "+migrate.DefaultTable).Scan(&version)
		fmt.Println(version == migrate.Default().Latest())
	}
}

// Another project adds its own migrations after the IAM ones; the template
// is keyed by the step's name, so change the name when the migrations change.
func ExampleWithMigrate() {
	appSchema := pgtest.WithMigrate("myapp-v3", func(ctx context.Context, conn *pgx.Conn) error {
		_, err := conn.Exec(ctx, `CREATE TABLE app_note (id bigserial PRIMARY KEY, user_id uuid REFERENCES shared_user)`)
		return err
	})
	_ = func(t *testing.T) {
		url := pgtest.NewDatabase(t, appSchema)
		conn, err := pgx.Connect(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(context.Background())
	}
}

// A database without the IAM schema, e.g. to test a migrator; the server's
// superuser URL builder is available for anything else.
func ExampleEmpty() {
	_ = func(t *testing.T) {
		conn := pgtest.NewConn(t, pgtest.Empty())
		_ = conn
		fmt.Println(pgtest.Server(t).AdminURL())
	}
}
