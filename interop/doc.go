// Package interop holds the Better Auth interoperability suite: the emitted
// TypeScript module (betterauth/iam.ts, rendered by `iam betterauth emit`
// from the schema package) and a Node project (betterauth/) that runs Better
// Auth 1.7 in-process on a freshly migrated iam database and checks the rows
// it writes. The Go tests in this package drive it: `go test ./interop/`
// needs node (>= 20) and npm, and runs `npm ci` when node_modules is missing.
//
// The package has no non-test code; the Node suite's artefacts (cookies,
// password hashes, API keys, TOTP secrets it produced) are written to a JSON
// file the Go tests read, and Go-made rows reach the Node suite through a
// fixtures JSON file (IAM_INTEROP_FIXTURES), so cross checks in both
// directions are a Go test away.
package interop
