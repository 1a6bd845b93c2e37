package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
	"github.com/beep/iam/store"
)

// getSession answers like Better Auth's GET /get-session: {"session",
// "user"} with Better Auth's field names and JSON (dates as toJSON), or
// null when the request has no valid session. Unlike Better Auth it never
// sends session.token (the caller holds it already; it is the credential),
// never refreshes the session or sets a cookie, and answers null for a
// banned user's session.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) result {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header()["Allow"] = []string{"GET, HEAD"}
		return result{status: writeError(w, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED", "get-session takes GET"), outcome: outcomeMethodNotAllowed}
	}
	ctx := r.Context()
	tok, method, err := s.sessionToken(r)
	if err != nil {
		outcome := outcomeInvalid
		if errors.Is(err, betterauth.ErrNoCredentials) {
			outcome, err = outcomeNoCredentials, nil
		}
		writeJSON(w, http.StatusOK, nullBody)
		return result{status: http.StatusOK, outcome: outcome, err: err}
	}
	info, err := s.lookupWithTimeout(ctx, tok)
	switch {
	case err == nil:
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrExpired):
		writeJSON(w, http.StatusOK, nullBody)
		return result{status: http.StatusOK, outcome: outcomeInvalid, method: method, err: err}
	case errors.Is(err, store.ErrForbidden):
		writeJSON(w, http.StatusOK, nullBody)
		return result{status: http.StatusOK, outcome: outcomeForbidden, method: method, err: err}
	default:
		return result{status: writeError(w, http.StatusServiceUnavailable, denyUnavailable.code, denyUnavailable.message), outcome: outcomeError, method: method, err: err}
	}
	b := make([]byte, 0, 1024)
	b = append(b, `{"session":`...)
	b = sessionJSON.append(b, reflect.ValueOf(&info.Session).Elem())
	b = append(b, `,"user":`...)
	b = userJSON.append(b, reflect.ValueOf(&info.User).Elem())
	b = append(b, "}\n"...)
	writeJSON(w, http.StatusOK, b)
	return result{status: http.StatusOK, outcome: outcomeOK, method: method, userID: info.User.ID.String()}
}

var nullBody = []byte("null\n")

func (s *Server) lookupWithTimeout(ctx context.Context, tok domain.Secret) (store.SessionInfo, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.RequestTimeout)
	defer cancel()
	return s.lookup(ctx, tok)
}

// baEncoder renders an entity as Better Auth sends it: the columns of its
// table that are Better Auth fields (package schema's declarations), by
// field name, in declaration order. Built once per type at start-up.
type baEncoder struct {
	fields []baField
}

type baField struct {
	key   []byte // `"name":`
	index []int
	kind  baKind
}

type baKind int

const (
	kindString   baKind = iota // string kinds, ids (fmt.Stringer), *T of them
	kindBool                   // bool, *bool
	kindInt                    // integers, *integers
	kindTime                   // time.Time, *time.Time
	kindReveal                 // *domain.Secret that is personal data, not a credential (ipAddress, userAgent)
	kindJSONText               // *string holding JSON text: sent parsed (permissions, metadata)
)

var (
	timeType   = reflect.TypeFor[time.Time]()
	secretType = reflect.TypeFor[domain.Secret]()
)

// newBAEncoder builds the encoder of E for table. Columns in skip are left
// out, as is every credential (a domain.Secret other than reveal's fields);
// jsonText names the text columns that hold JSON.
func newBAEncoder[E any](table string, skip, reveal, jsonText []string) *baEncoder {
	t := schema.TableByName(table)
	if t == nil {
		panic("serve: no table " + table)
	}
	byTag := map[string][]int{}
	var walk func(rt reflect.Type, prefix []int)
	walk = func(rt reflect.Type, prefix []int) {
		for i := 0; i < rt.NumField(); i++ {
			f := rt.Field(i)
			idx := append(append([]int{}, prefix...), i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type, idx)
				continue
			}
			if tag := f.Tag.Get("db"); tag != "" && tag != "-" {
				byTag[tag] = idx
			}
		}
	}
	rt := reflect.TypeFor[E]()
	walk(rt, nil)
	in := func(list []string, s string) bool {
		for _, x := range list {
			if x == s {
				return true
			}
		}
		return false
	}
	e := &baEncoder{}
	for _, c := range t.Columns {
		if c.BetterAuth == nil || in(skip, c.BetterAuth.Name) {
			continue
		}
		idx, ok := byTag[c.Name]
		if !ok {
			panic(fmt.Sprintf("serve: %s has no field for column %s.%s", rt, table, c.Name))
		}
		ft := rt.FieldByIndex(idx).Type
		base := ft
		if base.Kind() == reflect.Pointer {
			base = base.Elem()
		}
		var k baKind
		switch {
		case base == secretType:
			if !in(reveal, c.BetterAuth.Name) || ft.Kind() != reflect.Pointer {
				continue // a credential: never sent
			}
			k = kindReveal
		case base == timeType:
			k = kindTime
		case in(jsonText, c.BetterAuth.Name):
			k = kindJSONText
		case base.Kind() == reflect.Bool:
			k = kindBool
		case base.Kind() >= reflect.Int && base.Kind() <= reflect.Int64:
			k = kindInt
		case base.Kind() == reflect.String || base.Implements(reflect.TypeFor[fmt.Stringer]()):
			k = kindString
		default:
			panic(fmt.Sprintf("serve: no JSON rule for %s.%s (%s)", table, c.Name, ft))
		}
		e.fields = append(e.fields, baField{key: append(appendJSONString(nil, c.BetterAuth.Name), ':'), index: idx, kind: k})
	}
	return e
}

func (e *baEncoder) append(b []byte, v reflect.Value) []byte {
	b = append(b, '{')
	for i, f := range e.fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f.key...)
		fv := v.FieldByIndex(f.index)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				b = append(b, "null"...)
				continue
			}
			if f.kind != kindReveal {
				fv = fv.Elem()
			}
		}
		switch f.kind {
		case kindBool:
			b = strconv.AppendBool(b, fv.Bool())
		case kindInt:
			b = strconv.AppendInt(b, fv.Int(), 10)
		case kindTime:
			b = appendJSONTime(b, fv.Interface().(time.Time))
		case kindReveal:
			b = appendJSONString(b, fv.Interface().(*domain.Secret).Reveal())
		case kindJSONText:
			b = appendJSONText(b, fv.String())
		default:
			if fv.Kind() == reflect.String {
				b = appendJSONString(b, fv.String())
			} else {
				b = appendJSONString(b, fv.Interface().(fmt.Stringer).String())
			}
		}
	}
	return append(b, '}')
}

// appendJSONText appends text that Better Auth stores as JSON (API key
// permissions and metadata) parsed, as Better Auth returns it: valid JSON
// as it is, a JSON string that itself holds JSON (metadata stringified
// twice by older releases) unwrapped once, anything else null.
func appendJSONText(b []byte, text string) []byte {
	raw := strings.TrimSpace(text)
	if !json.Valid([]byte(raw)) {
		return append(b, "null"...)
	}
	if strings.HasPrefix(raw, `"`) {
		var inner string
		if json.Unmarshal([]byte(raw), &inner) == nil && json.Valid([]byte(inner)) {
			raw = strings.TrimSpace(inner)
		}
	}
	return append(b, raw...)
}

var (
	sessionJSON = newBAEncoder[domain.Session](domain.TableSession, []string{"token"}, []string{"ipAddress", "userAgent"}, nil)
	userJSON    = newBAEncoder[domain.User](domain.TableUser, nil, nil, nil)
	apiKeyJSON  = newBAEncoder[domain.APIKey](domain.TableAPIKey, []string{"key"}, nil, []string{"permissions", "metadata"})
)
