package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// ErrInvalidSet is matched by every error New returns for a malformed set of
// migration files.
var ErrInvalidSet = errors.New("invalid migration set")

// NoTransactionMarker is the first line that makes the Migrator run a
// migration file outside a transaction, one statement at a time (for
// statements such as CREATE INDEX CONCURRENTLY). Its version row is written
// after the last statement succeeds; a failure in the middle leaves the
// statements before it applied, so keep such files to one statement.
const NoTransactionMarker = "-- iam:no-transaction"

// Migration is one numbered step of a set: its up and down SQL and the
// checksum of the up file.
type Migration struct {
	// Version is the number in the file name (0001 -> 1).
	Version int `json:"version"`
	// Name is the part of the file name after the number ("iam_schema").
	Name string `json:"name"`
	// UpFile and DownFile are the file names inside the set.
	UpFile   string `json:"up_file"`
	DownFile string `json:"down_file"`
	// Up and Down are the SQL texts.
	Up   string `json:"-"`
	Down string `json:"-"`
	// Checksum is the hex sha256 of the up file, stored when applied.
	Checksum string `json:"checksum"`
	// UpNoTransaction and DownNoTransaction report the NoTransactionMarker.
	UpNoTransaction   bool `json:"up_no_transaction,omitempty"`
	DownNoTransaction bool `json:"down_no_transaction,omitempty"`
}

// Option configures a Migrator.
type Option func(*Migrator) error

// WithTable sets the version table ("name" or "schema.name"; default
// DefaultTable). A different table gives an independent migration line, so
// an application can keep its own migrations next to the IAM ones.
func WithTable(name string) Option {
	return func(m *Migrator) error {
		if !tableRE.MatchString(name) {
			return fmt.Errorf("migrate: table %q: must be an identifier or schema.identifier of letters, digits and _", name)
		}
		m.tableName = name
		return nil
	}
}

// WithLockKey sets the advisory lock key (default: derived from the table
// name, so each migration line has its own lock).
func WithLockKey(key int64) Option {
	return func(m *Migrator) error {
		m.lockKey, m.lockSet = key, true
		return nil
	}
}

var (
	fileRE  = regexp.MustCompile(`^([0-9]{4,})_([a-z0-9][a-z0-9_]*)\.(up|down)\.sql$`)
	tableRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$`)
)

// New reads a migration set from the root of fsys (files NNNN_name.up.sql
// and NNNN_name.down.sql; other files are ignored unless they end in .sql)
// and builds its Migrator. It refuses, naming the files, a .sql file with a
// malformed name, two files with the same number, an up file without its
// down file (or the reverse) and a gap in the numbers, which start at 1.
func New(fsys fs.FS, opts ...Option) (*Migrator, error) {
	m := &Migrator{tableName: DefaultTable}
	for _, o := range opts {
		if err := o(m); err != nil {
			return nil, err
		}
	}
	m.table = pgx.Identifier(strings.Split(m.tableName, "."))
	if !m.lockSet {
		h := fnv.New64a()
		h.Write([]byte("iam/migrate:" + m.tableName))
		m.lockKey = int64(h.Sum64())
	}

	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("%w: read directory: %v", ErrInvalidSet, err)
	}
	var problems []string
	byVersion := map[int]*Migration{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		sub := fileRE.FindStringSubmatch(name)
		if sub == nil {
			problems = append(problems, fmt.Sprintf("%s: name must be NNNN_name.up.sql or NNNN_name.down.sql (lower-case name)", name))
			continue
		}
		v, err := strconv.Atoi(sub[1])
		if err != nil || v < 1 {
			problems = append(problems, fmt.Sprintf("%s: version must be a positive number", name))
			continue
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", name, err))
			continue
		}
		mig := byVersion[v]
		if mig == nil {
			mig = &Migration{Version: v, Name: sub[2]}
			byVersion[v] = mig
		}
		if mig.Name != sub[2] {
			problems = append(problems, fmt.Sprintf("%s: duplicate version %04d (also %s)", name, v, firstNonEmpty(mig.UpFile, mig.DownFile)))
			continue
		}
		text := string(body)
		if sub[3] == "up" {
			mig.UpFile, mig.Up, mig.UpNoTransaction = name, text, noTransaction(text)
			sum := sha256.Sum256(body)
			mig.Checksum = hex.EncodeToString(sum[:])
		} else {
			mig.DownFile, mig.Down, mig.DownNoTransaction = name, text, noTransaction(text)
		}
	}
	versions := make([]int, 0, len(byVersion))
	for v, mig := range byVersion {
		versions = append(versions, v)
		if mig.UpFile == "" {
			problems = append(problems, fmt.Sprintf("%s: missing up file %04d_%s.up.sql", mig.DownFile, v, mig.Name))
		}
		if mig.DownFile == "" {
			problems = append(problems, fmt.Sprintf("%s: missing down file %04d_%s.down.sql", mig.UpFile, v, mig.Name))
		}
	}
	sort.Ints(versions)
	for i, v := range versions {
		if v != i+1 {
			mig := byVersion[v]
			problems = append(problems, fmt.Sprintf("%s: gap in versions: expected %04d, found %04d", firstNonEmpty(mig.UpFile, mig.DownFile), i+1, v))
			break
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return nil, fmt.Errorf("%w: %s", ErrInvalidSet, strings.Join(problems, "; "))
	}
	for _, v := range versions {
		m.migrations = append(m.migrations, *byVersion[v])
	}
	return m, nil
}

func noTransaction(sql string) bool {
	first, _, _ := strings.Cut(sql, "\n")
	return strings.TrimSpace(first) == NoTransactionMarker
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
