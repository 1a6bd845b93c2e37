package schema

// Artefact is a file rendered from the declarations and committed to the
// repository. A test re-renders every artefact and fails, printing Command,
// when the committed file differs.
type Artefact struct {
	// Path is relative to the repository root.
	Path string
	// Command refreshes the file (run from the repository root).
	Command string
	// Render returns the file's content; old is the committed content (nil
	// when missing), for files with hand-written parts.
	Render func(old []byte) ([]byte, error)
}

// Commands that refresh the committed artefacts.
const (
	SQLCommand     = "go run ./cmd/iam schema sql --write"
	DiagramCommand = "go run ./cmd/iam schema diagram --write"
	DocsCommand    = "go run ./cmd/iam schema docs --write"
)

// Paths of the committed artefacts.
const (
	MigrationUpPath   = "migrate/migrations/0001_iam_schema.up.sql"
	MigrationDownPath = "migrate/migrations/0001_iam_schema.down.sql"
	MermaidPath       = "docs/schema.mmd"
	SVGPath           = "docs/schema.svg"
	DocsPath          = "docs/schema.md"
)

// SQLArtefacts returns no artefact any more: migration 0001 was rendered
// from the declarations once and is frozen since it was applied. Schema
// changes arrive as new numbered migrations, and the test that the
// declarations and the migrations agree is migrate's Check on a freshly
// migrated database (TestCheck_FreshlyMigratedDatabaseHasNoDrift), not a
// comparison with 0001. SQLUp still renders the whole current schema (iam
// schema sql), for reading and for building a fresh database in tests.
func SQLArtefacts() []Artefact { return nil }

// DiagramArtefacts returns the Mermaid diagram and its SVG picture.
func DiagramArtefacts() []Artefact {
	return []Artefact{
		{Path: MermaidPath, Command: DiagramCommand, Render: func([]byte) ([]byte, error) { return []byte(iam.Mermaid()), nil }},
		{Path: SVGPath, Command: DiagramCommand, Render: func([]byte) ([]byte, error) { return []byte(iam.SVG()), nil }},
	}
}

// DocsArtefacts returns docs/schema.md, whose generated reference section
// is refreshed and whose hand-written parts are kept.
func DocsArtefacts() []Artefact {
	return []Artefact{
		{Path: DocsPath, Command: DocsCommand, Render: func(old []byte) ([]byte, error) { return iam.UpdateDocs(old), nil }},
	}
}

// Artefacts returns every committed file rendered from the IAM schema.
func Artefacts() []Artefact {
	out := SQLArtefacts()
	out = append(out, DiagramArtefacts()...)
	return append(out, DocsArtefacts()...)
}
