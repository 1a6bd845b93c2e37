package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeBin makes root/<version>/bin with the given executables.
func fakeBin(t *testing.T, root, version string, names ...string) string {
	t.Helper()
	dir := filepath.Join(root, version, "bin")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for _, n := range names {
		require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755))
	}
	return dir
}

func noPath(string) (string, error) { return "", errors.New("not on PATH") }

func TestFindBinaries_PrefersTheNewestCompleteVersion(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fakeBin(t, root, "9.6", "initdb", "pg_ctl", "postgres")
	want := fakeBin(t, root, "15", "initdb", "pg_ctl", "postgres")
	fakeBin(t, root, "16", "pg_ctl") // incomplete: client-only install
	got, err := findBinaries(noPath, root)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

func TestFindBinaries_FollowsASymlinkOnPath(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	real := fakeBin(t, root, "15", "initdb", "pg_ctl", "postgres")
	onPath := filepath.Join(t.TempDir(), "pg_ctl")
	require.NoError(t, os.Symlink(filepath.Join(real, "pg_ctl"), onPath))
	got, err := findBinaries(func(string) (string, error) { return onPath, nil }, t.TempDir())
	require.NoError(t, err)
	require.Equal(t, real, got)
}

func TestFindBinaries_SaysWhatToInstall(t *testing.T) {
	t.Parallel()
	_, err := findBinaries(noPath, t.TempDir())
	require.ErrorIs(t, err, ErrNoBinaries)
	require.ErrorContains(t, err, "apt-get install -y postgresql-15")
}

func TestStart_RefusesAnUninitializedCluster(t *testing.T) {
	t.Parallel()
	c, err := New(Config{Dir: t.TempDir(), BinDir: t.TempDir()})
	require.NoError(t, err)
	require.False(t, c.Initialized())
	require.ErrorIs(t, c.Start(context.Background()), ErrNotInitialized)
	require.Equal(t, Status{}, c.Status())
}

func TestURL_UsesTheSocketOrLoopback(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sock, err := New(Config{Dir: dir, BinDir: dir})
	require.NoError(t, err)
	require.Equal(t, "postgres://postgres@/db?host="+urlEscape(filepath.Join(dir, "socket"))+"&port=5432&sslmode=disable", sock.URL("db"))
	tcp, err := New(Config{Dir: dir, BinDir: dir, TCP: true, Port: 6543})
	require.NoError(t, err)
	require.Equal(t, "postgres://postgres@127.0.0.1:6543/db?sslmode=disable", tcp.URL("db"))
}

func urlEscape(s string) string {
	out := ""
	for _, r := range s {
		if r == '/' {
			out += "%2F"
		} else {
			out += string(r)
		}
	}
	return out
}

func TestSearchable_FollowsPermissionBits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	private := filepath.Join(dir, "private")
	require.NoError(t, os.Mkdir(private, 0o700))
	require.NoError(t, os.Chmod(dir, 0o755))
	uid, gid := os.Getuid(), os.Getgid()
	require.True(t, searchable(filepath.Join(private, "x"), uid, gid), "the owner may enter")
	require.False(t, searchable(filepath.Join(private, "x"), uid+12345, gid+12345), "others may not")
}

func TestPortFree_ReportsAPortInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	err = portFree(port)
	require.ErrorIs(t, err, ErrPortInUse)
	require.ErrorContains(t, err, fmt.Sprintf("127.0.0.1:%d", port))
}
