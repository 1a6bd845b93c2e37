package main

import (
	"encoding/json"
	"testing"

	"github.com/beep/iam/pgtest"
	"github.com/stretchr/testify/require"
)

// TestUp_JSONIsOneDocumentWithTheDemoTenant: the README's first command, in
// its --json form, prints one document (migrations, demo tenant, URL), and
// running it again finds the demo instead of duplicating it.
func TestUp_JSONIsOneDocumentWithTheDemoTenant(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	code, out, errOut := iam(t, "--database-url", "", "--dir", dir, "--json", "up")
	require.Equal(t, ExitOK, code, errOut)
	var doc struct {
		Steps []any `json:"steps"`
		Demo  struct {
			Created     bool   `json:"created"`
			PlainAPIKey string `json:"plainApiKey"`
			Members     []any  `json:"members"`
		} `json:"demo"`
		URL string `json:"url"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), "stdout must be one JSON document: %s", out)
	require.True(t, doc.Demo.Created)
	require.NotEmpty(t, doc.Demo.PlainAPIKey)
	require.Len(t, doc.Demo.Members, 3)
	require.NotEmpty(t, doc.URL)

	code, out, errOut = iam(t, "--database-url", "", "--dir", dir, "--json", "up")
	require.Equal(t, ExitOK, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.False(t, doc.Demo.Created, "a second up must not create another demo")
}

// TestUp_DatabaseURLIsNotSeeded: `iam up --database-url` (a deploy) never
// writes the demo tenant; `iam seed` does on request.
func TestUp_DatabaseURLIsNotSeeded(t *testing.T) {
	t.Parallel()
	url := pgtest.NewDatabase(t, pgtest.Empty())
	code, out, errOut := iam(t, "--database-url", url, "up")
	require.Equal(t, ExitOK, code, errOut)
	require.Contains(t, out, "demo tenant not created")

	code, out, errOut = iam(t, "--database-url", url, "--json", "seed")
	require.Equal(t, ExitOK, code, errOut)
	var rep struct {
		Created bool `json:"created"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.True(t, rep.Created)
}
