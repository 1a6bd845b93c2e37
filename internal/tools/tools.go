//go:build tools

// Package tools pins the module's chosen dependencies in go.mod while the
// packages that use them are being written. See docs/architecture.md for why
// each one is here.
package tools

import (
	_ "github.com/google/uuid"
	_ "github.com/jackc/pgerrcode"
	_ "github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/spf13/cobra"
	_ "github.com/stretchr/testify/require"
	_ "golang.org/x/crypto/chacha20poly1305"
	_ "golang.org/x/crypto/scrypt"
	_ "golang.org/x/text/unicode/norm"
)
