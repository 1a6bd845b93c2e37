package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors of a database whose applied migrations disagree with the
// set; the returned errors name the version and file.
var (
	// ErrChecksumMismatch: an applied migration's up file has changed since.
	ErrChecksumMismatch = errors.New("applied migration was modified")
	// ErrUnknownVersion: the database has a version the set does not have
	// (it was migrated by a newer release).
	ErrUnknownVersion = errors.New("database has an unknown migration version")
)

// Migrator applies one migration set to databases. It is safe for
// concurrent use; each method takes the connection to work on, which must
// not be inside a transaction.
type Migrator struct {
	migrations []Migration
	tableName  string
	table      pgx.Identifier
	lockKey    int64
	lockSet    bool
}

// Migrations returns the set in version order.
func (m *Migrator) Migrations() []Migration { return append([]Migration(nil), m.migrations...) }

// Latest returns the highest version of the set (0 for an empty set).
func (m *Migrator) Latest() int { return len(m.migrations) }

// Table returns the version table's name.
func (m *Migrator) Table() string { return m.tableName }

// Step is one migration applied or rolled back.
type Step struct {
	Version   int           `json:"version"`
	Name      string        `json:"name"`
	Direction string        `json:"direction"` // "up" or "down"
	Duration  time.Duration `json:"duration_ns"`
}

// MigrationError reports a migration that failed; a transactional one was
// rolled back entirely.
type MigrationError struct {
	Version int
	File    string
	Line    int // line in File of the failing statement, when Postgres says
	Err     error
}

// Error implements error.
func (e *MigrationError) Error() string {
	at := ""
	if e.Line > 0 {
		at = fmt.Sprintf(" at line %d", e.Line)
	}
	return fmt.Sprintf("migration %s failed%s: %v", e.File, at, e.Err)
}

// Unwrap returns the database error.
func (e *MigrationError) Unwrap() error { return e.Err }

// Up applies every pending migration in version order.
func (m *Migrator) Up(ctx context.Context, conn *pgx.Conn) ([]Step, error) {
	return m.UpTo(ctx, conn, m.Latest())
}

// UpTo applies the pending migrations whose version is at most target.
func (m *Migrator) UpTo(ctx context.Context, conn *pgx.Conn, target int) ([]Step, error) {
	if target < 0 || target > m.Latest() {
		return nil, fmt.Errorf("migrate up: target version %d: must be between 0 and %d", target, m.Latest())
	}
	var steps []Step
	err := m.locked(ctx, conn, func(applied map[int]appliedRow) error {
		for _, mig := range m.migrations {
			if mig.Version > target {
				break
			}
			if _, ok := applied[mig.Version]; ok {
				continue
			}
			start := time.Now()
			if err := m.apply(ctx, conn, mig, "up"); err != nil {
				return err
			}
			steps = append(steps, Step{mig.Version, mig.Name, "up", time.Since(start)})
		}
		return nil
	})
	return steps, err
}

// Down rolls back the n most recently applied migrations (n >= 1), newest
// first, each in its own transaction.
func (m *Migrator) Down(ctx context.Context, conn *pgx.Conn, n int) ([]Step, error) {
	if n < 1 {
		return nil, fmt.Errorf("migrate down: steps %d: must be at least 1", n)
	}
	return m.down(ctx, conn, func(i, _ int) bool { return i < n })
}

// DownTo rolls back every applied migration above version target (0 rolls
// back everything).
func (m *Migrator) DownTo(ctx context.Context, conn *pgx.Conn, target int) ([]Step, error) {
	if target < 0 || target > m.Latest() {
		return nil, fmt.Errorf("migrate down: target version %d: must be between 0 and %d", target, m.Latest())
	}
	return m.down(ctx, conn, func(_, v int) bool { return v > target })
}

func (m *Migrator) down(ctx context.Context, conn *pgx.Conn, take func(i, version int) bool) ([]Step, error) {
	var steps []Step
	err := m.locked(ctx, conn, func(applied map[int]appliedRow) error {
		for i, k := 0, len(m.migrations)-1; k >= 0; k-- {
			mig := m.migrations[k]
			if _, ok := applied[mig.Version]; !ok {
				continue
			}
			if !take(i, mig.Version) {
				break
			}
			i++
			start := time.Now()
			if err := m.apply(ctx, conn, mig, "down"); err != nil {
				return err
			}
			steps = append(steps, Step{mig.Version, mig.Name, "down", time.Since(start)})
		}
		return nil
	})
	return steps, err
}

// MigrationStatus is one migration of the set as the database sees it.
type MigrationStatus struct {
	Version   int        `json:"version"`
	Name      string     `json:"name"`
	Applied   bool       `json:"applied"`
	AppliedAt *time.Time `json:"applied_at,omitempty"`
	// Modified: applied, but the up file's checksum differs from the stored one.
	Modified bool `json:"modified,omitempty"`
}

// AppliedVersion is a version row the set does not know.
type AppliedVersion struct {
	Version   int       `json:"version"`
	Name      string    `json:"name"`
	AppliedAt time.Time `json:"applied_at"`
}

// Status is the state of a database relative to the set.
type Status struct {
	Table string `json:"table"`
	// Current is the highest applied version (0: none).
	Current    int               `json:"current"`
	Latest     int               `json:"latest"`
	Migrations []MigrationStatus `json:"migrations"`
	// Unknown lists applied versions missing from the set.
	Unknown []AppliedVersion `json:"unknown,omitempty"`
}

// Pending returns the migrations not applied yet.
func (s *Status) Pending() []MigrationStatus {
	var out []MigrationStatus
	for _, ms := range s.Migrations {
		if !ms.Applied {
			out = append(out, ms)
		}
	}
	return out
}

// Status reads the version table (without locking; a missing table means
// nothing is applied) and compares it with the set.
func (m *Migrator) Status(ctx context.Context, conn *pgx.Conn) (*Status, error) {
	applied, err := m.readApplied(ctx, conn)
	if err != nil {
		return nil, err
	}
	st := &Status{Table: m.tableName, Latest: m.Latest()}
	for _, mig := range m.migrations {
		ms := MigrationStatus{Version: mig.Version, Name: mig.Name}
		if row, ok := applied[mig.Version]; ok {
			at := row.AppliedAt
			ms.Applied, ms.AppliedAt, ms.Modified = true, &at, row.Checksum != mig.Checksum
			st.Current = max(st.Current, mig.Version)
			delete(applied, mig.Version)
		}
		st.Migrations = append(st.Migrations, ms)
	}
	for _, row := range applied {
		st.Unknown = append(st.Unknown, AppliedVersion{row.Version, row.Name, row.AppliedAt})
		st.Current = max(st.Current, row.Version)
	}
	sortApplied(st.Unknown)
	return st, nil
}

// Validate reports every applied migration whose file changed
// (ErrChecksumMismatch) and every applied version the set lacks
// (ErrUnknownVersion), joined in one error; nil when the database agrees
// with the set. Pending migrations are not an error.
func (m *Migrator) Validate(ctx context.Context, conn *pgx.Conn) error {
	applied, err := m.readApplied(ctx, conn)
	if err != nil {
		return err
	}
	return m.verify(applied)
}

func (m *Migrator) verify(applied map[int]appliedRow) error {
	var errs []error
	known := map[int]bool{}
	for _, mig := range m.migrations {
		known[mig.Version] = true
		if row, ok := applied[mig.Version]; ok && row.Checksum != mig.Checksum {
			errs = append(errs, fmt.Errorf("%w: %s was applied on %s with checksum %.12s… but the file now has %.12s…; "+
				"never edit an applied migration, add a new one instead",
				ErrChecksumMismatch, mig.UpFile, row.AppliedAt.UTC().Format(time.RFC3339), row.Checksum, mig.Checksum))
		}
	}
	var unknown []AppliedVersion
	for v, row := range applied {
		if !known[v] {
			unknown = append(unknown, AppliedVersion{row.Version, row.Name, row.AppliedAt})
		}
	}
	sortApplied(unknown)
	for _, u := range unknown {
		errs = append(errs, fmt.Errorf("%w: %04d_%s is applied in %s but this build only knows up to %04d; use a newer release",
			ErrUnknownVersion, u.Version, u.Name, m.tableName, m.Latest()))
	}
	return errors.Join(errs...)
}

type appliedRow struct {
	Version   int
	Name      string
	Checksum  string
	AppliedAt time.Time
}

// locked runs fn holding the set's advisory lock on conn, after creating the
// version table if needed and refusing a database that disagrees with the
// set. The lock is session-level, so it spans the per-migration
// transactions; concurrent runs wait here and then find nothing pending.
func (m *Migrator) locked(ctx context.Context, conn *pgx.Conn, fn func(map[int]appliedRow) error) (err error) {
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", m.lockKey); err != nil {
		return fmt.Errorf("migrate: take advisory lock %d: %w", m.lockKey, err)
	}
	defer func() {
		// Unlock even if ctx was cancelled; a broken connection drops the
		// lock anyway when it closes.
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", m.lockKey); uerr != nil && err == nil && !conn.IsClosed() {
			err = fmt.Errorf("migrate: release advisory lock: %w", uerr)
		}
	}()
	create := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s (
	version    integer PRIMARY KEY,
	name       text NOT NULL,
	checksum   text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`, m.table.Sanitize())
	if _, err := conn.Exec(ctx, create); err != nil {
		return fmt.Errorf("migrate: create version table %s: %w", m.tableName, err)
	}
	applied, err := m.readApplied(ctx, conn)
	if err != nil {
		return err
	}
	if err := m.verify(applied); err != nil {
		return err
	}
	return fn(applied)
}

func (m *Migrator) readApplied(ctx context.Context, conn *pgx.Conn) (map[int]appliedRow, error) {
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", m.table.Sanitize()).Scan(&exists); err != nil {
		return nil, fmt.Errorf("migrate: look up version table %s: %w", m.tableName, err)
	}
	applied := map[int]appliedRow{}
	if !exists {
		return applied, nil
	}
	rows, err := conn.Query(ctx, "SELECT version, name, checksum, applied_at FROM "+m.table.Sanitize())
	if err != nil {
		return nil, fmt.Errorf("migrate: read version table %s: %w", m.tableName, err)
	}
	for rows.Next() {
		var r appliedRow
		if err := rows.Scan(&r.Version, &r.Name, &r.Checksum, &r.AppliedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("migrate: read version table %s: %w", m.tableName, err)
		}
		applied[r.Version] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: read version table %s: %w", m.tableName, err)
	}
	return applied, nil
}

// apply runs one file and records it, in one transaction unless the file
// opts out.
func (m *Migrator) apply(ctx context.Context, conn *pgx.Conn, mig Migration, dir string) error {
	sql, file, noTx := mig.Up, mig.UpFile, mig.UpNoTransaction
	record := fmt.Sprintf("INSERT INTO %s (version, name, checksum) VALUES ($1, $2, $3)", m.table.Sanitize())
	args := []any{mig.Version, mig.Name, mig.Checksum}
	if dir == "down" {
		sql, file, noTx = mig.Down, mig.DownFile, mig.DownNoTransaction
		record, args = fmt.Sprintf("DELETE FROM %s WHERE version = $1", m.table.Sanitize()), []any{mig.Version}
	}
	fail := func(stmt string, offset int, err error) error {
		return &MigrationError{Version: mig.Version, File: file, Line: errorLine(sql, stmt, offset, err), Err: err}
	}
	if noTx {
		for _, stmt := range splitStatements(sql) {
			if _, err := conn.PgConn().Exec(ctx, stmt.text).ReadAll(); err != nil {
				return fail(stmt.text, stmt.offset, err)
			}
		}
		if _, err := conn.Exec(ctx, record, args...); err != nil {
			return fail("", 0, fmt.Errorf("record version: %w", err))
		}
		return nil
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fail("", 0, err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	// The simple protocol runs the whole file as one multi-statement query.
	if _, err := tx.Conn().PgConn().Exec(ctx, sql).ReadAll(); err != nil {
		return fail(sql, 0, err)
	}
	if _, err := tx.Exec(ctx, record, args...); err != nil {
		return fail("", 0, fmt.Errorf("record version: %w", err))
	}
	if err := tx.Commit(ctx); err != nil {
		return fail("", 0, err)
	}
	return nil
}

// errorLine turns Postgres' error position (1-based, in characters of the
// statement sent) into a line number of the file.
func errorLine(file, stmt string, offset int, err error) int {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Position <= 0 || stmt == "" {
		return 0
	}
	runes := []rune(stmt)
	pos := min(int(pgErr.Position)-1, len(runes))
	before := file[:offset] + string(runes[:pos])
	return strings.Count(before, "\n") + 1
}

func sortApplied(a []AppliedVersion) {
	slices.SortFunc(a, func(x, y AppliedVersion) int { return x.Version - y.Version })
}
