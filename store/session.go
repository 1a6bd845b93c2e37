package store

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
)

// ListByUser returns one page of the user's sessions (live or expired; the
// caller checks ExpiresAt), in creation order.
func (r SessionRepo) ListByUser(ctx context.Context, userID domain.UserID, page Page) ([]domain.Session, string, error) {
	return r.t.list(ctx, r.db, "", page, "user_id = $1", userID.String())
}

// GetByToken returns the session with the plain token (no user, no
// membership; see Store.LookupSession for the request path).
func (r SessionRepo) GetByToken(ctx context.Context, token domain.Secret) (domain.Session, error) {
	return r.t.getBy(ctx, r.db, "", "token = $1", "", token.Reveal())
}

// SessionInfo is what a request needs to know about its caller: the session,
// its user and the user's membership of the session's active organization
// (nil when there is no active organization or the user is not a member).
type SessionInfo struct {
	Session domain.Session
	User    domain.User
	Member  *domain.Member
}

// lookupSQL selects every mapped column of the three row values of the view
// iam_session_lookup (migration 0002), in struct order, so rows scan straight
// into the structs. The planner flattens the view and the field selections,
// so this is the plain three-table join.
var lookupSQL = func() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	first := true
	add := func(comp string, cols []string) {
		for _, c := range cols {
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString("(r." + comp + ")." + pgx.Identifier{c}.Sanitize())
		}
	}
	add("session", columnsOf[domain.Session]().names)
	add("usr", columnsOf[domain.User]().names)
	add("member", columnsOf[domain.Member]().names)
	b.WriteString(" FROM iam_session_lookup r WHERE r.lookup_token = $1")
	return b.String()
}()

// LookupSession loads the session with the plain token together with its
// user and active membership, in one statement and one round trip. It is the
// request path behind betterauth's cookie verification. An unknown token is
// ErrNotFound; an expired session is ErrExpired (the SessionInfo is still
// returned, for logging); a banned or soft-deleted user is ErrForbidden.
func (s *Store) LookupSession(ctx context.Context, token domain.Secret) (SessionInfo, error) {
	if len(s.replicas) == 0 {
		return s.lookupSession(ctx, s.db, token)
	}
	return routed(ctx, s, s.db, anyError, func(db DB) (SessionInfo, error) { return s.lookupSession(ctx, db, token) })
}

// lookupSession is LookupSession on db (the primary or a replica). With
// replicas, any answer but a live session (unknown, expired, forbidden, an
// error) is asked to the primary again: a replica that lags behind may not
// have the session yet, or an older expiry or ban.
func (s *Store) lookupSession(ctx context.Context, db DB, token domain.Secret) (SessionInfo, error) {
	var info SessionInfo
	sc, uc, mc := columnsOf[domain.Session](), columnsOf[domain.User](), columnsOf[domain.Member]()
	targets := make([]any, 0, len(sc.names)+len(uc.names)+len(mc.names))
	targets = append(targets, sc.all(reflect.ValueOf(&info.Session).Elem())...)
	targets = append(targets, uc.all(reflect.ValueOf(&info.User).Elem())...)
	mn := nullableOf[domain.Member]()
	mirror, mTargets := mn.targets()
	targets = append(targets, mTargets...)
	if err := db.QueryRow(ctx, lookupSQL, token.Reveal()).Scan(targets...); err != nil {
		return info, wrap(err, domain.TableSession, "lookup", "")
	}
	var m domain.Member
	if mn.apply(mirror, &m) {
		info.Member = &m
	}
	id := info.Session.ID.String()
	switch {
	case !info.Session.ExpiresAt.After(time.Now()):
		return info, &Error{Entity: domain.TableSession, Op: "lookup", ID: id, Kind: ErrExpired}
	case info.User.DeletedAt != nil:
		return info, &Error{Entity: domain.TableUser, Op: "lookup", ID: info.User.ID.String(), Kind: ErrForbidden, Detail: "the user is deleted"}
	case info.User.Banned && (info.User.BanExpires == nil || info.User.BanExpires.After(time.Now())):
		return info, &Error{Entity: domain.TableUser, Op: "lookup", ID: info.User.ID.String(), Kind: ErrForbidden, Detail: "the user is banned"}
	}
	return info, nil
}

// nullable scans the LEFT JOIN side of a row into E: NULL columns must scan
// without error, so each column goes into a field of a mirror struct that
// is a pointer where E's field is a value (and the same pointer type where
// E's field already is one). The mirror type is built once per E; a scan
// costs one allocation for the mirror value.
type nullable[E any] struct {
	mirror reflect.Type
	deref  []bool // E's field i is a value: copy *mirror.Fi into it
}

var nullableCache sync.Map // reflect.Type -> any (*nullable[E])

func nullableOf[E any]() *nullable[E] {
	t := reflect.TypeFor[E]()
	if n, ok := nullableCache.Load(t); ok {
		return n.(*nullable[E])
	}
	c := columnsOf[E]()
	var e E
	v := reflect.ValueOf(&e).Elem()
	n := &nullable[E]{deref: make([]bool, len(c.index))}
	fields := make([]reflect.StructField, len(c.index))
	for i, idx := range c.index {
		ft := v.FieldByIndex(idx).Type()
		if ft.Kind() != reflect.Pointer {
			ft = reflect.PointerTo(ft)
			n.deref[i] = true
		}
		fields[i] = reflect.StructField{Name: "F" + strconv.Itoa(i), Type: ft}
	}
	n.mirror = reflect.StructOf(fields)
	nullableCache.Store(t, n)
	return n
}

// targets returns a fresh mirror value and pointers to its fields.
func (n *nullable[E]) targets() (reflect.Value, []any) {
	m := reflect.New(n.mirror).Elem()
	out := make([]any, m.NumField())
	for i := range out {
		out[i] = m.Field(i).Addr().Interface()
	}
	return m, out
}

// apply copies the scanned mirror into *e and reports whether the row
// existed (its first column, the id, is not NULL).
func (n *nullable[E]) apply(m reflect.Value, e *E) bool {
	if m.Field(0).IsNil() {
		return false
	}
	c := columnsOf[E]()
	v := reflect.ValueOf(e).Elem()
	for i, idx := range c.index {
		f := m.Field(i)
		if n.deref[i] {
			if !f.IsNil() {
				v.FieldByIndex(idx).Set(f.Elem())
			}
			continue
		}
		v.FieldByIndex(idx).Set(f)
	}
	return true
}
