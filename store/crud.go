package store

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
)

// generated columns are filled by the database on insert (defaults) and by
// the updated_at/version trigger on update; the store never writes them.
var generated = map[string]bool{"_row_id": true, "created_at": true, "updated_at": true, "version": true}

// immutable columns are never changed by Update.
var immutable = map[string]bool{
	"id": true, "_row_id": true, "created_at": true, "created_by": true, "updated_at": true,
	"version": true, "organization_id": true, "deleted_at": true, "deleted_by": true,
}

// table is the generic CRUD of one entity type E. Methods take the DB to
// run on (pool, transaction or tenant-bound connection) and, for
// organization-scoped tables, the organization id that every statement
// includes.
type table[E domain.Entity] struct {
	name   string
	cols   *columns
	scoped bool // statements carry organization_id = $org

	selectSQL string // SELECT <cols> FROM <table>
	insertSQL string
	insCols   []string
	updCols   []string
}

func newTable[E domain.Entity](scoped bool) *table[E] {
	var e E
	t := &table[E]{name: e.TableName(), cols: columnsOf[E](), scoped: scoped}
	if scoped && !t.cols.has("organization_id") {
		panic(fmt.Sprintf("store: %s is declared organization-scoped but %T has no organization_id field", t.name, e))
	}
	qt := pgx.Identifier{t.name}.Sanitize()
	t.selectSQL = "SELECT " + t.cols.list + " FROM " + qt
	var ph []string
	for _, n := range t.cols.names {
		if generated[n] {
			continue
		}
		t.insCols = append(t.insCols, n)
		ph = append(ph, "$"+strconv.Itoa(len(t.insCols)))
		if !immutable[n] {
			t.updCols = append(t.updCols, n)
		}
	}
	t.insertSQL = "INSERT INTO " + qt + " (" + quoteList(t.insCols) + ") VALUES (" + strings.Join(ph, ", ") + ") RETURNING " + t.cols.list
	return t
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = pgx.Identifier{n}.Sanitize()
	}
	return strings.Join(q, ", ")
}

// where returns " WHERE <cond> [AND organization_id = $n]" and the args.
func (t *table[E]) where(org string, cond string, args ...any) (string, []any) {
	sql := " WHERE " + cond
	if t.scoped {
		args = append(args, org)
		sql += " AND organization_id = $" + strconv.Itoa(len(args))
	}
	return sql, args
}

// stamp fills the audit columns the store owns: created_by/updated_by from
// the actor, source from the context, organization_id from the handle.
func (t *table[E]) stamp(ctx context.Context, s *Store, e *E, org string, creating bool) {
	v := reflect.ValueOf(e).Elem()
	actor, source := s.audit(ctx)
	set := func(col string, val any) {
		if !t.cols.has(col) {
			return
		}
		f := v.FieldByIndex(t.cols.index[t.cols.byName[col]])
		f.Set(reflect.ValueOf(val))
	}
	if actor != nil {
		if creating {
			set("created_by", actor)
		}
		set("updated_by", actor)
	}
	src := source
	set("source", &src)
	if org != "" && t.cols.has("organization_id") {
		f := v.FieldByIndex(t.cols.index[t.cols.byName["organization_id"]])
		id := domain.MustParseID[domain.Organization](org)
		if f.Kind() == reflect.Pointer {
			f.Set(reflect.ValueOf(&id))
		} else {
			f.Set(reflect.ValueOf(id))
		}
	}
}

// create inserts e and returns the row as stored.
func (t *table[E]) create(ctx context.Context, s *Store, db DB, org string, e E) (E, error) {
	t.stamp(ctx, s, &e, org, true)
	v := reflect.ValueOf(&e).Elem()
	args := make([]any, len(t.insCols))
	for i, n := range t.insCols {
		args[i] = t.cols.value(v, n)
	}
	out, err := scanOne[E](db.QueryRow(ctx, t.insertSQL, args...))
	return out, wrap(err, t.name, "create", idOf(e))
}

// get returns the live (not soft-deleted) row with id.
func (t *table[E]) get(ctx context.Context, db DB, org, id string) (E, error) {
	w, args := t.where(org, "id = $1 AND deleted_at IS NULL", id)
	out, err := scanOne[E](db.QueryRow(ctx, t.selectSQL+w, args...))
	return out, wrap(err, t.name, "get", id)
}

// getBy returns the live row where col = val. key names the lookup in
// errors; pass "" when the value is a secret.
func (t *table[E]) getBy(ctx context.Context, db DB, org, cond, key string, args ...any) (E, error) {
	w, args := t.where(org, cond+" AND deleted_at IS NULL", args...)
	out, err := scanOne[E](db.QueryRow(ctx, t.selectSQL+w+" LIMIT 1", args...))
	return out, wrap(err, t.name, "get", key)
}

// update writes every mutable column of e where the version still is
// e.Version; ErrConflict when it moved, ErrNotFound when the row is gone.
func (t *table[E]) update(ctx context.Context, s *Store, db DB, org string, e E) (E, error) {
	t.stamp(ctx, s, &e, "", false)
	v := reflect.ValueOf(&e).Elem()
	id := idOf(e)
	version := t.cols.value(v, "version")
	sets := make([]string, len(t.updCols))
	args := make([]any, 0, len(t.updCols)+3)
	for i, n := range t.updCols {
		args = append(args, t.cols.value(v, n))
		sets[i] = pgx.Identifier{n}.Sanitize() + " = $" + strconv.Itoa(len(args))
	}
	args = append(args, id, version)
	cond := "id = $" + strconv.Itoa(len(args)-1) + " AND version = $" + strconv.Itoa(len(args)) + " AND deleted_at IS NULL"
	w, args := t.where(org, cond, args...)
	sql := "UPDATE " + pgx.Identifier{t.name}.Sanitize() + " SET " + strings.Join(sets, ", ") + w + " RETURNING " + t.cols.list
	out, err := scanOne[E](db.QueryRow(ctx, sql, args...))
	if err == pgx.ErrNoRows {
		return out, t.missingOrMoved(ctx, db, org, id, "update")
	}
	return out, wrap(err, t.name, "update", id)
}

// missingOrMoved tells ErrNotFound from ErrConflict after a conditional
// write matched no row.
func (t *table[E]) missingOrMoved(ctx context.Context, db DB, org, id, op string) error {
	w, args := t.where(org, "id = $1 AND deleted_at IS NULL", id)
	var one int
	err := db.QueryRow(ctx, "SELECT 1 FROM "+pgx.Identifier{t.name}.Sanitize()+w, args...).Scan(&one)
	if err == pgx.ErrNoRows {
		return notFound(t.name, op, id)
	}
	if err != nil {
		return wrap(err, t.name, op, id)
	}
	return conflict(t.name, op, id, "the row was changed by someone else; read it again and retry")
}

// softDelete marks the row deleted.
func (t *table[E]) softDelete(ctx context.Context, s *Store, db DB, org, id string) error {
	actor, _ := s.audit(ctx)
	w, args := t.where(org, "id = $2 AND deleted_at IS NULL", actor, id)
	tag, err := db.Exec(ctx, "UPDATE "+pgx.Identifier{t.name}.Sanitize()+" SET deleted_at = now(), deleted_by = $1"+w, args...)
	if err != nil {
		return wrap(err, t.name, "delete", id)
	}
	if tag.RowsAffected() == 0 {
		return notFound(t.name, "delete", id)
	}
	return nil
}

// restore clears the deleted mark of a soft-deleted row.
func (t *table[E]) restore(ctx context.Context, s *Store, db DB, org, id string) (E, error) {
	actor, _ := s.audit(ctx)
	w, args := t.where(org, "id = $2 AND deleted_at IS NOT NULL", actor, id)
	out, err := scanOne[E](db.QueryRow(ctx, "UPDATE "+pgx.Identifier{t.name}.Sanitize()+" SET deleted_at = NULL, deleted_by = NULL, updated_by = $1"+w+" RETURNING "+t.cols.list, args...))
	return out, wrap(err, t.name, "restore", id)
}

// purge removes a soft-deleted row for good. A live row must be deleted
// first, so a purge can never be the first and only step.
func (t *table[E]) purge(ctx context.Context, db DB, org, id string) error {
	w, args := t.where(org, "id = $1 AND deleted_at IS NOT NULL", id)
	tag, err := db.Exec(ctx, "DELETE FROM "+pgx.Identifier{t.name}.Sanitize()+w, args...)
	if err != nil {
		return wrap(err, t.name, "purge", id)
	}
	if tag.RowsAffected() == 0 {
		return notFound(t.name, "purge", id)
	}
	return nil
}

// list returns one keyset page of live rows matching cond, ordered by
// _row_id (insertion order).
func (t *table[E]) list(ctx context.Context, db DB, org string, page Page, cond string, args ...any) ([]E, string, error) {
	d, ok := db.(orgDB)
	if !ok || len(d.s.replicas) == 0 {
		return t.listOn(ctx, db, org, page, cond, args...)
	}
	type result struct {
		rows []E
		next string
	}
	res, err := routed(ctx, d.s, db, func(r result, err error) bool { return err != nil || len(r.rows) == 0 },
		func(db DB) (result, error) {
			rows, next, err := t.listOn(ctx, db, org, page, cond, args...)
			return result{rows, next}, err
		})
	return res.rows, res.next, err
}

// listOn is list on db (the primary, a replica or a transaction).
func (t *table[E]) listOn(ctx context.Context, db DB, org string, page Page, cond string, args ...any) ([]E, string, error) {
	limit := page.limit()
	after, err := decodeCursor(page.After)
	if err != nil {
		return nil, "", err
	}
	if cond == "" {
		cond = "TRUE"
	}
	args = append(args, after)
	cond += " AND deleted_at IS NULL AND _row_id > $" + strconv.Itoa(len(args))
	w, args := t.where(org, cond, args...)
	args = append(args, limit+1)
	sql := t.selectSQL + w + " ORDER BY _row_id LIMIT $" + strconv.Itoa(len(args))
	q, err := db.Query(ctx, sql, args...)
	rows, err := scanAllCap[E](q, err, limit+1)
	if err != nil {
		return nil, "", wrap(err, t.name, "list", "")
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		last := reflect.ValueOf(&rows[len(rows)-1]).Elem()
		next = encodeCursor(t.cols.value(last, "_row_id").(int64))
	}
	return rows, next, nil
}

// idOf returns the public id of e as text.
func idOf(e any) string {
	v := reflect.ValueOf(e)
	f := v.FieldByName("ID")
	if !f.IsValid() {
		return ""
	}
	if s, ok := f.Interface().(fmt.Stringer); ok {
		return s.String()
	}
	return ""
}
