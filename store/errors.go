package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgerrcode"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"
)

// Sentinel errors. Match them with errors.Is; details (entity, operation, id,
// constraint) are in the wrapping *Error.
var (
	// ErrNotFound: no row with that id (or key) exists in the caller's scope.
	// A row of another organization is "not found", never "forbidden", so a
	// caller cannot probe other tenants.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the row changed since it was read (optimistic locking), or
	// a workflow's precondition no longer holds (the last owner, an
	// invitation already answered).
	ErrConflict = errors.New("conflict")
	// ErrDuplicate: a unique constraint refused the write; Error.Constraint
	// names it.
	ErrDuplicate = errors.New("duplicate")
	// ErrReference: a foreign key refused the write (a referenced row is
	// missing, or rows still reference this one); Error.Constraint names it.
	ErrReference = errors.New("reference")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("store closed")
	// ErrTimeout: the statement timeout or the context deadline expired.
	ErrTimeout = errors.New("timeout")
	// ErrCanceled: the context was canceled.
	ErrCanceled = errors.New("canceled")
	// ErrForbidden: the operation is not allowed for this caller (for
	// example accepting another user's invitation).
	ErrForbidden = errors.New("forbidden")
	// ErrExpired: the row exists but has expired (an invitation, a session).
	ErrExpired = errors.New("expired")
	// ErrUnavailable: the server (or the pooler in front of it) could not
	// be reached, closed the connection, or is starting up or shutting
	// down (SQLSTATE class 08, 57P01-57P03): a primary or pooler restart.
	// The store recovers by itself (the pool dials new connections); a
	// write that failed so may or may not have committed.
	ErrUnavailable = errors.New("unavailable")

	// ErrWrongOrganization: a call on a handle or transaction bound to one
	// organization names another one (Error.Detail names the field and both
	// organizations). Nothing was written.
	ErrWrongOrganization = errors.New("wrong organization")
)

// sameOrganization refuses given (a field of a call on a handle bound to
// bound) when it names another organization; zero is the handle's.
func sameOrganization(bound, given domain.OrganizationID, entity, op, field string) error {
	if given.IsZero() || given == bound {
		return nil
	}
	return &Error{Entity: entity, Op: op, Kind: ErrWrongOrganization,
		Detail: field + ": the transaction is bound to organization " + bound.String() + ", the call names " + given.String()}
}

// Error is the error every store method returns (besides the domain's
// *ValidationError for bad input). It names what failed and wraps the
// sentinel and the driver error. It never contains a secret: ids are public,
// natural keys that are secrets (tokens, key hashes) are never recorded.
type Error struct {
	Entity     string // table name, e.g. "iam_member"
	Op         string // "create", "get", "update", "delete", "accept", ...
	ID         string // public id or a non-secret key; "" when not applicable
	Constraint string // the violated constraint, for ErrDuplicate/ErrReference
	Kind       error  // one of the sentinels
	Err        error  // the underlying error, may be nil
	Detail     string // a human explanation, for workflow conflicts
}

func (e *Error) Error() string {
	msg := e.Op + " " + e.Entity
	if e.ID != "" {
		msg += " " + e.ID
	}
	msg += ": " + e.Kind.Error()
	if e.Constraint != "" {
		msg += " (constraint " + e.Constraint + ")"
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	if e.Err != nil && !errors.Is(e.Err, e.Kind) {
		msg += ": " + safeCause(e.Err)
	}
	return msg
}

// Unwrap exposes both the sentinel and the cause to errors.Is / errors.As.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// safeCause renders a driver error without values: Postgres' DETAIL line can
// echo the conflicting key (a token, an email), so only the message and the
// SQLSTATE are kept.
func safeCause(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Sprintf("%s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
	}
	return err.Error()
}

// wrap maps a driver error to a store error. Nil stays nil. A
// *domain.ValidationError or an existing *Error passes through unchanged.
func wrap(err error, entity, op, id string) error {
	if err == nil {
		return nil
	}
	var se *Error
	if errors.As(err, &se) {
		return err
	}
	c := classify(err)
	if c.passthrough {
		return err
	}
	return &Error{Entity: entity, Op: op, ID: id, Kind: c.kind, Constraint: c.constraint, Err: err}
}

// classification is what classify found: the sentinel (kind), the violated
// constraint if any, and passthrough for errors that are not database errors
// and are returned as they are (validation errors).
type classification struct {
	kind        error
	constraint  string
	passthrough bool
}

// classify returns the sentinel for err.
func classify(err error) classification {
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return classification{kind: ErrNotFound}
	case errors.Is(err, context.DeadlineExceeded):
		return classification{kind: ErrTimeout}
	case isResponseTimeout(err):
		return classification{kind: ErrTimeout}
	case errors.Is(err, context.Canceled):
		return classification{kind: ErrCanceled}
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict), errors.Is(err, ErrForbidden), errors.Is(err, ErrExpired), errors.Is(err, ErrWrongOrganization):
		return classification{passthrough: true}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case pgerrcode.UniqueViolation, pgerrcode.ExclusionViolation:
			return classification{kind: ErrDuplicate, constraint: pgErr.ConstraintName}
		case pgerrcode.ForeignKeyViolation:
			return classification{kind: ErrReference, constraint: pgErr.ConstraintName}
		case pgerrcode.SerializationFailure, pgerrcode.DeadlockDetected:
			return classification{kind: ErrConflict}
		case pgerrcode.QueryCanceled:
			return classification{kind: ErrTimeout}
		case pgerrcode.CheckViolation, pgerrcode.NotNullViolation:
			return classification{kind: errCheck, constraint: pgErr.ConstraintName}
		case pgerrcode.InsufficientPrivilege:
			// RLS WITH CHECK refusals: the row would belong to another tenant.
			return classification{kind: ErrForbidden}
		}
	}
	if isClosedPool(err) {
		return classification{kind: ErrClosed}
	}
	if unavailable(err) {
		return classification{kind: ErrUnavailable}
	}
	if errors.Is(err, domain.ErrValidation) {
		return classification{passthrough: true}
	}
	return classification{kind: errUnknown}
}

// unavailable reports whether err says the server or pooler is out of
// reach rather than refusing the statement: a PostgreSQL (or PgBouncer)
// error of class 08 or 57P01-57P03, a failed connect, or a connection
// that broke (EOF, a network error, pgx's "conn closed").
func unavailable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case pgerrcode.AdminShutdown, pgerrcode.CrashShutdown, pgerrcode.CannotConnectNow:
			return true
		}
		return strings.HasPrefix(pgErr.Code, "08")
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err)
}

// isResponseTimeout reports whether err is Options.ResponseTimeout expiring.
func isResponseTimeout(err error) bool {
	var rt *errResponseTimeout
	return errors.As(err, &rt)
}

// errCheck is a check or not-null constraint violation: input the domain
// layer should have refused. It is reported with the constraint name.
var errCheck = errors.New("constraint violated")

// errUnknown marks database errors with no better classification.
var errUnknown = errors.New("database error")

func errorsIs(err, target error) bool { return errors.Is(err, target) }

// isClosedPool recognises pgxpool's error for a closed pool: puddle's
// ErrClosedPool, which pgxpool returns unwrapped (pgx does not re-export it).
func isClosedPool(err error) bool { return errors.Is(err, puddle.ErrClosedPool) }

// notFound builds an ErrNotFound error.
func notFound(entity, op, id string) error {
	return &Error{Entity: entity, Op: op, ID: id, Kind: ErrNotFound}
}

// conflict builds an ErrConflict error with an explanation.
func conflict(entity, op, id, detail string) error {
	return &Error{Entity: entity, Op: op, ID: id, Kind: ErrConflict, Detail: detail}
}

// IsNotFound reports whether err is ErrNotFound.
func IsNotFound(err error) bool { return errorsIs(err, ErrNotFound) }
