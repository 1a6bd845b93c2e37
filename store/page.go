package store

import (
	"encoding/base64"
	"fmt"
	"strconv"
)

// DefaultPageSize is used when Page.Limit is 0; MaxPageSize caps it.
const (
	DefaultPageSize = 50
	MaxPageSize     = 1000
)

// Page asks for one page of a list. After is the cursor returned with the
// previous page ("" for the first page). Pages use keyset pagination: a
// page costs the same however deep it is, and rows inserted meanwhile are
// neither skipped nor repeated.
type Page struct {
	Limit int
	After string
}

func (p Page) limit() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}

func encodeCursor(rowID int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("r" + strconv.FormatInt(rowID, 10)))
}

func decodeCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 'r' {
		return 0, fmt.Errorf("store: invalid page cursor: %w", domainErr("after", "cursor", "is not a cursor returned by a previous page"))
	}
	n, err := strconv.ParseInt(string(b[1:]), 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("store: invalid page cursor: %w", domainErr("after", "cursor", "is not a cursor returned by a previous page"))
	}
	return n, nil
}
