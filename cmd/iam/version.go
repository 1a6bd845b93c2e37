package main

import (
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/beep/iam/migrate"
)

// version is set at build time: go build -ldflags "-X main.version=v1.2.3".
var version = ""

// versionInfo is the JSON form of `iam version`.
type versionInfo struct {
	Version    string `json:"version"`
	Commit     string `json:"commit,omitempty"`
	Go         string `json:"go"`
	Migrations int    `json:"migrations"`
}

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and latest migration of this binary",
		Args:  cobra.NoArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			v := versionInfo{Version: version, Go: runtime.Version(), Migrations: migrate.Default().Latest()}
			if bi, ok := debug.ReadBuildInfo(); ok {
				if v.Version == "" {
					v.Version = bi.Main.Version
				}
				for _, s := range bi.Settings {
					if s.Key == "vcs.revision" {
						v.Commit = s.Value
					}
				}
			}
			if v.Version == "" {
				v.Version = "(devel)"
			}
			return app.JSONOr(v, func() {
				app.Printf("iam %s", v.Version)
				if v.Commit != "" {
					app.Printf(" (commit %.12s)", v.Commit)
				}
				app.Printf(", %s, schema migrations up to %04d\n", v.Go, v.Migrations)
			})
		},
	}
}
