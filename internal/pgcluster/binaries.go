package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// ErrNoBinaries is matched by the error returned when no PostgreSQL server
// binaries can be found.
var ErrNoBinaries = errors.New("PostgreSQL server binaries not found")

// InstallHint tells a user how to get the server binaries.
const InstallHint = "install the PostgreSQL server, e.g. `apt-get install -y postgresql-15` " +
	"(Debian/Ubuntu), or put the directory holding initdb, pg_ctl and postgres on PATH"

// serverBinaries are the programs a cluster needs, all from one directory.
var serverBinaries = []string{"initdb", "pg_ctl", "postgres"}

// libRoot is where Debian and Ubuntu install versioned server binaries.
const libRoot = "/usr/lib/postgresql"

// FindBinaries returns the directory that holds initdb, pg_ctl and postgres.
// It looks on PATH first (following symlinks, so /usr/local/bin/pg_ctl ->
// /usr/lib/postgresql/15/bin/pg_ctl yields the real directory), then in
// /usr/lib/postgresql/*/bin, newest major version first. The error matches
// ErrNoBinaries and says what to install.
func FindBinaries() (string, error) {
	return findBinaries(exec.LookPath, libRoot)
}

func findBinaries(lookPath func(string) (string, error), root string) (string, error) {
	if p, err := lookPath("pg_ctl"); err == nil {
		if dir, ok := binDirOf(p); ok {
			return dir, nil
		}
	}
	for _, dir := range versionedDirs(root) {
		if hasAll(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w (looked on PATH and in %s/*/bin): %s", ErrNoBinaries, root, InstallHint)
}

// binDirOf resolves a pg_ctl found on PATH to a directory holding all the
// server binaries: the directory of the link itself or of its target.
func binDirOf(pgctl string) (string, bool) {
	if dir := filepath.Dir(pgctl); hasAll(dir) {
		return dir, true
	}
	real, err := filepath.EvalSymlinks(pgctl)
	if err != nil {
		return "", false
	}
	if dir := filepath.Dir(real); hasAll(dir) {
		return dir, true
	}
	return "", false
}

func hasAll(dir string) bool {
	for _, name := range serverBinaries {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// versionedDirs lists root/<version>/bin sorted by version, newest first
// ("15" before "9.6", numerically).
func versionedDirs(root string) []string {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	type cand struct {
		dir   string
		major float64
	}
	var cands []cand
	for _, e := range entries {
		v, err := strconv.ParseFloat(strings.TrimSpace(e.Name()), 64)
		if err != nil {
			continue
		}
		cands = append(cands, cand{filepath.Join(root, e.Name(), "bin"), v})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].major > cands[j].major })
	dirs := make([]string, len(cands))
	for i, c := range cands {
		dirs[i] = c.dir
	}
	return dirs
}
