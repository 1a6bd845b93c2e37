package main

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRedactURL_HidesEveryFormOfPassword(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"postgres://u:hunter2@db:5432/x?sslmode=disable":     "postgres://u:xxxxx@db:5432/x?sslmode=disable",
		"postgresql://u:p%40ss@h1:5432,h2:5432/x":            "postgresql://u:xxxxx@h1:5432,h2:5432/x",
		"postgres://u:a@b@db/x":                              "postgres://u:xxxxx@db/x",
		"postgres://u@db/x?password=hunter2&sslmode=require": "postgres://u@db/x?password=xxxxx&sslmode=require",
		"postgres://db/x":                                    "postgres://db/x",
		"host=db user=u password=hunter2 dbname=x":           "host=db user=u password=xxxxx dbname=x",
		"host=db password = 'hun ter\\'2' dbname=x":          "host=db password = xxxxx dbname=x",
		"postgres://postgres:Zm9v_-bar@127.0.0.1:5432/iam":   "postgres://postgres:xxxxx@127.0.0.1:5432/iam",
		"postgres://u:hunter2@/x?host=%2Ftmp%2Fs&port=5432":  "postgres://u:xxxxx@/x?host=%2Ftmp%2Fs&port=5432",
	} {
		require.Equal(t, want, redactURL(in), in)
	}
}
