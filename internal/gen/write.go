package gen

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/beep/iam/schema"
)

// generatedDirs are the directories the generator owns *_gen.go files in.
var generatedDirs = []string{"domain", "store"}

// Stale compares the files Render produces for s with those under root (the
// module root) and returns the paths that differ, are missing, or are
// generated files that Render no longer produces.
func Stale(root string, s *schema.Schema) ([]string, error) {
	files, err := Render(s)
	if err != nil {
		return nil, err
	}
	var stale []string
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		got, err := os.ReadFile(filepath.Join(root, f.Path))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		if !bytes.Equal(got, f.Content) {
			stale = append(stale, f.Path)
		}
	}
	extra, err := orphans(root, want)
	return append(stale, extra...), err
}

// Write renders s and writes the files under root, removing generated files
// that Render no longer produces. It returns the paths it changed.
func Write(root string, s *schema.Schema) ([]string, error) {
	files, err := Render(s)
	if err != nil {
		return nil, err
	}
	var changed []string
	want := map[string]bool{}
	for _, f := range files {
		want[f.Path] = true
		path := filepath.Join(root, f.Path)
		if got, err := os.ReadFile(path); err == nil && bytes.Equal(got, f.Content) {
			continue
		}
		if err := os.WriteFile(path, f.Content, 0o644); err != nil {
			return changed, err
		}
		changed = append(changed, f.Path)
	}
	extra, err := orphans(root, want)
	if err != nil {
		return changed, err
	}
	for _, p := range extra {
		if err := os.Remove(filepath.Join(root, p)); err != nil {
			return changed, err
		}
		changed = append(changed, p)
	}
	return changed, nil
}

// orphans lists generated files (by their header) under the generated
// directories that are not in want.
func orphans(root string, want map[string]bool) ([]string, error) {
	var out []string
	for _, d := range generatedDirs {
		names, err := filepath.Glob(filepath.Join(root, d, "*_gen.go"))
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			rel := filepath.ToSlash(filepath.Join(d, filepath.Base(n)))
			if want[rel] {
				continue
			}
			b, err := os.ReadFile(n)
			if err != nil {
				return nil, err
			}
			if strings.HasPrefix(string(b), Header) {
				out = append(out, rel)
			}
		}
	}
	return out, nil
}

// ModuleRoot returns the directory holding go.mod at or above dir.
func ModuleRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("gen: no go.mod at or above the working directory")
		}
		dir = parent
	}
}
