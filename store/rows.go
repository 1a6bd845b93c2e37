package store

import (
	"reflect"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5"
)

// columns describes how an entity struct maps to its table: the columns in
// struct order (from `db` tags, embedded structs flattened) and the field
// index path of each.
type columns struct {
	names  []string
	index  [][]int
	byName map[string]int
	list   string // "id", "_row_id", ... ready for a SELECT list
}

var columnsCache sync.Map // reflect.Type -> *columns

// columnsOf returns the column mapping of struct type E.
func columnsOf[E any]() *columns {
	t := reflect.TypeFor[E]()
	if c, ok := columnsCache.Load(t); ok {
		return c.(*columns)
	}
	c := &columns{byName: map[string]int{}}
	walkFields(t, nil, c)
	quoted := make([]string, len(c.names))
	for i, n := range c.names {
		quoted[i] = pgx.Identifier{n}.Sanitize()
	}
	c.list = strings.Join(quoted, ", ")
	columnsCache.Store(t, c)
	return c
}

func walkFields(t reflect.Type, prefix []int, c *columns) {
	for i := range t.NumField() {
		f := t.Field(i)
		idx := append(append([]int(nil), prefix...), i)
		tag := f.Tag.Get("db")
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			walkFields(f.Type, idx, c)
			continue
		}
		if tag == "" || tag == "-" || !f.IsExported() {
			continue
		}
		c.byName[tag] = len(c.names)
		c.names = append(c.names, tag)
		c.index = append(c.index, idx)
	}
}

// all returns pointers to every mapped field of *e, in column order.
func (c *columns) all(e reflect.Value) []any {
	out := make([]any, len(c.names))
	for i, idx := range c.index {
		out[i] = e.FieldByIndex(idx).Addr().Interface()
	}
	return out
}

// value returns the value of column name in e.
func (c *columns) value(e reflect.Value, name string) any {
	return e.FieldByIndex(c.index[c.byName[name]]).Interface()
}

// has reports whether the struct maps column name.
func (c *columns) has(name string) bool {
	_, ok := c.byName[name]
	return ok
}

// scanOne scans a single-row result into a new E.
func scanOne[E any](row pgx.Row) (E, error) {
	var e E
	c := columnsOf[E]()
	err := row.Scan(c.all(reflect.ValueOf(&e).Elem())...)
	return e, err
}

// scanAll collects rows into a slice of E. The scan targets are built once
// per query: each row is scanned into one reused value, which is zeroed
// first (so pgx allocates fresh pointers and byte slices instead of writing
// into those of the previous row) and then copied into the result.
func scanAll[E any](rows pgx.Rows, err error) ([]E, error) {
	return scanAllCap[E](rows, err, 0)
}

// scanAllCap is scanAll with a capacity hint for the result.
func scanAllCap[E any](rows pgx.Rows, err error, capacity int) ([]E, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	c := columnsOf[E]()
	var e, zero E
	targets := c.all(reflect.ValueOf(&e).Elem())
	out := make([]E, 0, capacity)
	for rows.Next() {
		e = zero
		if err := rows.Scan(targets...); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
