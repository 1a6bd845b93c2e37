package migrate_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/migrate"
	"github.com/beep/iam/pgtest"
)

// envChild makes the test binary act as one of several concurrent migrating
// processes (see TestUp_ConcurrentProcessesApplyEachMigrationOnce).
const envChild = "IAM_MIGRATE_TEST_CHILD_URL"

func TestMain(m *testing.M) {
	if url := os.Getenv(envChild); url != "" {
		os.Exit(runChild(url))
	}
	pgtest.Main(m)
}

// set builds an in-memory migration set from name -> SQL.
func set(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, sql := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(sql)}
	}
	return fsys
}

func threeTables() fstest.MapFS {
	return set(map[string]string{
		"0001_a.up.sql":   "CREATE TABLE a (id int PRIMARY KEY);",
		"0001_a.down.sql": "DROP TABLE a;",
		"0002_b.up.sql":   "CREATE TABLE b (id int PRIMARY KEY REFERENCES a);\nINSERT INTO a VALUES (1);",
		"0002_b.down.sql": "DROP TABLE b;\nDELETE FROM a;",
		"0003_c.up.sql":   "CREATE TABLE c (id int);",
		"0003_c.down.sql": "DROP TABLE c;",
	})
}

func tableExists(t *testing.T, conn *pgx.Conn, name string) bool {
	t.Helper()
	var ok bool
	require.NoError(t, conn.QueryRow(context.Background(), "SELECT to_regclass($1) IS NOT NULL", name).Scan(&ok))
	return ok
}

func TestDefault_EmbeddedSetIsWellFormed(t *testing.T) {
	t.Parallel()
	_, err := migrate.New(migrate.FS())
	require.NoError(t, err)
	require.NotPanics(t, func() { migrate.Default() })
	require.GreaterOrEqual(t, migrate.Default().Latest(), 1)
	require.Equal(t, migrate.DefaultTable, migrate.Default().Table())
}

func TestNew_RefusesMalformedSets(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		files map[string]string
		want  string
	}{
		"gap": {map[string]string{
			"0001_a.up.sql": "", "0001_a.down.sql": "",
			"0003_c.up.sql": "", "0003_c.down.sql": "",
		}, "0003_c.up.sql: gap in versions: expected 0002, found 0003"},
		"gap at start": {map[string]string{
			"0002_b.up.sql": "", "0002_b.down.sql": "",
		}, "gap in versions: expected 0001, found 0002"},
		"duplicate number": {map[string]string{
			"0001_a.up.sql": "", "0001_a.down.sql": "",
			"0001_b.up.sql": "", "0001_b.down.sql": "",
		}, "duplicate version 0001"},
		"missing down": {map[string]string{
			"0001_a.up.sql": "", "0001_a.down.sql": "",
			"0002_b.up.sql": "",
		}, "0002_b.up.sql: missing down file 0002_b.down.sql"},
		"missing up": {map[string]string{
			"0001_a.down.sql": "",
		}, "0001_a.down.sql: missing up file 0001_a.up.sql"},
		"bad name": {map[string]string{
			"0001_a.up.sql": "", "0001_a.down.sql": "",
			"2_Thing.sql": "",
		}, "2_Thing.sql: name must be NNNN_name.up.sql"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := migrate.New(set(tc.files))
			require.ErrorIs(t, err, migrate.ErrInvalidSet)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestNew_IgnoresNonSQLFiles(t *testing.T) {
	t.Parallel()
	fsys := threeTables()
	fsys["README.md"] = &fstest.MapFile{Data: []byte("notes")}
	m, err := migrate.New(fsys)
	require.NoError(t, err)
	require.Equal(t, 3, m.Latest())
}

func TestNew_RefusesBadTableName(t *testing.T) {
	t.Parallel()
	_, err := migrate.New(threeTables(), migrate.WithTable("drop table x;"))
	require.ErrorContains(t, err, `table "drop table x;"`)
}

func TestUp_AppliesAllAndDownRollsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := pgtest.NewConn(t, pgtest.Empty())
	m, err := migrate.New(threeTables())
	require.NoError(t, err)

	steps, err := m.Up(ctx, conn)
	require.NoError(t, err)
	require.Len(t, steps, 3)
	for _, tbl := range []string{"a", "b", "c"} {
		require.True(t, tableExists(t, conn, tbl), tbl)
	}
	st, err := m.Status(ctx, conn)
	require.NoError(t, err)
	require.Equal(t, 3, st.Current)
	require.Empty(t, st.Pending())
	require.NotNil(t, st.Migrations[0].AppliedAt)

	again, err := m.Up(ctx, conn)
	require.NoError(t, err)
	require.Empty(t, again, "a second Up has nothing to do")

	steps, err = m.Down(ctx, conn, 1)
	require.NoError(t, err)
	require.Equal(t, []int{3}, versions(steps))
	require.False(t, tableExists(t, conn, "c"))
	require.True(t, tableExists(t, conn, "b"))

	steps, err = m.DownTo(ctx, conn, 0)
	require.NoError(t, err)
	require.Equal(t, []int{2, 1}, versions(steps))
	require.False(t, tableExists(t, conn, "a"))
	st, err = m.Status(ctx, conn)
	require.NoError(t, err)
	require.Zero(t, st.Current)
	require.Len(t, st.Pending(), 3)

	steps, err = m.UpTo(ctx, conn, 2)
	require.NoError(t, err)
	require.Equal(t, []int{1, 2}, versions(steps))
	require.False(t, tableExists(t, conn, "c"))
}

func TestDown_RefusesZeroSteps(t *testing.T) {
	t.Parallel()
	m, err := migrate.New(threeTables())
	require.NoError(t, err)
	_, err = m.Down(context.Background(), nil, 0)
	require.ErrorContains(t, err, "steps 0: must be at least 1")
}

func versions(steps []migrate.Step) []int {
	out := make([]int, len(steps))
	for i, s := range steps {
		out[i] = s.Version
	}
	return out
}

func TestUp_FailingMigrationLeavesNothingHalfApplied(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := pgtest.NewConn(t, pgtest.Empty())
	m, err := migrate.New(set(map[string]string{
		"0001_a.up.sql":      "CREATE TABLE a (id int);",
		"0001_a.down.sql":    "DROP TABLE a;",
		"0002_half.up.sql":   "CREATE TABLE half (id int);\nINSERT INTO a VALUES (1);\nSELEC broken;\n",
		"0002_half.down.sql": "DROP TABLE half;",
	}))
	require.NoError(t, err)

	steps, err := m.Up(ctx, conn)
	var merr *migrate.MigrationError
	require.ErrorAs(t, err, &merr)
	require.Equal(t, "0002_half.up.sql", merr.File)
	require.Equal(t, 3, merr.Line)
	require.ErrorContains(t, err, "migration 0002_half.up.sql failed at line 3")
	require.Equal(t, []int{1}, versions(steps), "migration 1 applied before the failure")

	require.True(t, tableExists(t, conn, "a"))
	require.False(t, tableExists(t, conn, "half"), "the failed migration's table is rolled back")
	var rows int
	require.NoError(t, conn.QueryRow(ctx, "SELECT count(*) FROM a").Scan(&rows))
	require.Zero(t, rows, "the failed migration's insert is rolled back")
	st, err := m.Status(ctx, conn)
	require.NoError(t, err)
	require.Equal(t, 1, st.Current, "version 2 is not recorded")
}

func TestUp_RefusesEditedAppliedMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := pgtest.NewConn(t, pgtest.Empty())
	m, err := migrate.New(threeTables())
	require.NoError(t, err)
	_, err = m.UpTo(ctx, conn, 2)
	require.NoError(t, err)

	edited := threeTables()
	edited["0002_b.up.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE b (id bigint);")}
	m2, err := migrate.New(edited)
	require.NoError(t, err)

	_, err = m2.Up(ctx, conn)
	require.ErrorIs(t, err, migrate.ErrChecksumMismatch)
	require.ErrorContains(t, err, "0002_b.up.sql was applied")
	require.False(t, tableExists(t, conn, "c"), "nothing is applied after the refusal")

	_, err = m2.Down(ctx, conn, 1)
	require.ErrorIs(t, err, migrate.ErrChecksumMismatch)

	require.ErrorIs(t, m2.Validate(ctx, conn), migrate.ErrChecksumMismatch)
	st, err := m2.Status(ctx, conn)
	require.NoError(t, err)
	require.True(t, st.Migrations[1].Modified)
	require.False(t, st.Migrations[0].Modified)

	require.NoError(t, m.Validate(ctx, conn), "the original files still match")
}

func TestUp_RefusesDatabaseFromNewerSet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := pgtest.NewConn(t, pgtest.Empty())
	m, err := migrate.New(threeTables())
	require.NoError(t, err)
	_, err = m.Up(ctx, conn)
	require.NoError(t, err)

	older := threeTables()
	delete(older, "0003_c.up.sql")
	delete(older, "0003_c.down.sql")
	m2, err := migrate.New(older)
	require.NoError(t, err)
	_, err = m2.Up(ctx, conn)
	require.ErrorIs(t, err, migrate.ErrUnknownVersion)
	require.ErrorContains(t, err, "0003_c is applied")
	st, err := m2.Status(ctx, conn)
	require.NoError(t, err)
	require.Len(t, st.Unknown, 1)
}

func TestUp_NoTransactionMigrationRunsOutsideATransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := pgtest.NewConn(t, pgtest.Empty())
	m, err := migrate.New(set(map[string]string{
		"0001_a.up.sql":     "CREATE TABLE a (id int, note text);",
		"0001_a.down.sql":   "DROP TABLE a;",
		"0002_idx.up.sql":   "-- iam:no-transaction\nCREATE INDEX CONCURRENTLY a_id ON a (id);\nCREATE INDEX CONCURRENTLY a_note ON a (note) WHERE note <> ';';\n",
		"0002_idx.down.sql": "-- iam:no-transaction\nDROP INDEX CONCURRENTLY a_id;\nDROP INDEX CONCURRENTLY a_note;\n",
	}))
	require.NoError(t, err)
	require.True(t, m.Migrations()[1].UpNoTransaction)

	_, err = m.Up(ctx, conn)
	require.NoError(t, err)
	require.True(t, tableExists(t, conn, "a_id"))
	require.True(t, tableExists(t, conn, "a_note"))
	_, err = m.Down(ctx, conn, 1)
	require.NoError(t, err)
	require.False(t, tableExists(t, conn, "a_id"))
}

func TestWithTable_KeepsIndependentMigrationLines(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn := pgtest.NewConn(t, pgtest.Empty())
	iam, err := migrate.New(threeTables())
	require.NoError(t, err)
	app, err := migrate.New(set(map[string]string{
		"0001_widget.up.sql":   "CREATE TABLE widget (a_id int REFERENCES a);",
		"0001_widget.down.sql": "DROP TABLE widget;",
	}), migrate.WithTable("app_schema_migrations"))
	require.NoError(t, err)

	_, err = iam.Up(ctx, conn)
	require.NoError(t, err)
	steps, err := app.Up(ctx, conn)
	require.NoError(t, err)
	require.Len(t, steps, 1)
	require.NoError(t, iam.Validate(ctx, conn), "the app line does not disturb the IAM line")
	st, err := app.Status(ctx, conn)
	require.NoError(t, err)
	require.Equal(t, 1, st.Current)
}

// concurrentSet records every application in a log table, so the test can
// count how many times each migration ran; pg_sleep widens the race window.
func concurrentSet() fstest.MapFS {
	files := map[string]string{
		"0001_log.up.sql":   "CREATE TABLE applied_log (version int NOT NULL, pid int NOT NULL DEFAULT pg_backend_pid());\nINSERT INTO applied_log (version) VALUES (1);",
		"0001_log.down.sql": "DROP TABLE applied_log;",
	}
	for v := 2; v <= 4; v++ {
		files[fmt.Sprintf("%04d_step.up.sql", v)] = fmt.Sprintf("SELECT pg_sleep(0.05);\nINSERT INTO applied_log (version) VALUES (%d);", v)
		files[fmt.Sprintf("%04d_step.down.sql", v)] = fmt.Sprintf("DELETE FROM applied_log WHERE version = %d;", v)
	}
	return set(files)
}

// runChild connects, says "ready", waits for a line on stdin and runs Up;
// it prints how many migrations it applied.
func runChild(url string) int {
	ctx := context.Background()
	m, err := migrate.New(concurrentSet())
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer conn.Close(ctx)
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	steps, err := m.Up(ctx, conn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(len(steps))
	return 0
}

func TestUp_ConcurrentProcessesApplyEachMigrationOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t, pgtest.Empty())
	exe, err := os.Executable()
	require.NoError(t, err)

	const procs = 4
	type child struct {
		cmd   *exec.Cmd
		stdin io.WriteCloser
		out   *bufio.Reader
		errs  *strings.Builder
	}
	children := make([]child, procs)
	for i := range children {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), envChild+"="+url)
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		errs := &strings.Builder{}
		cmd.Stderr = errs
		require.NoError(t, cmd.Start())
		children[i] = child{cmd, stdin, bufio.NewReader(stdout), errs}
	}
	// All children are connected before any is told to go.
	for _, c := range children {
		line, err := c.out.ReadString('\n')
		require.NoError(t, err, c.errs.String())
		require.Equal(t, "ready\n", line)
	}
	for _, c := range children {
		_, err := io.WriteString(c.stdin, "go\n")
		require.NoError(t, err)
	}
	total := 0
	for _, c := range children {
		line, err := c.out.ReadString('\n')
		require.NoError(t, err, c.errs.String())
		require.NoError(t, c.cmd.Wait(), c.errs.String())
		var n int
		_, err = fmt.Sscan(line, &n)
		require.NoError(t, err)
		total += n
	}
	require.Equal(t, 4, total, "the four processes together applied each migration once")

	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, "SELECT version FROM applied_log ORDER BY version")
	require.NoError(t, err)
	got, err := pgx.CollectRows(rows, pgx.RowTo[int])
	require.NoError(t, err)
	require.Equal(t, []int{1, 2, 3, 4}, got)
}

func TestMigrationError_UnwrapsTheDatabaseError(t *testing.T) {
	t.Parallel()
	inner := errors.New("boom")
	err := &migrate.MigrationError{Version: 1, File: "0001_a.up.sql", Err: inner}
	require.ErrorIs(t, err, inner)
	require.Equal(t, "migration 0001_a.up.sql failed: boom", err.Error())
}
