package store

import (
	"reflect"
	"strings"

	"github.com/beep/iam/domain"
	"github.com/jackc/pgx/v5"
)

// LookupSQL is the store's session lookup statement.
func LookupSQL() string { return lookupSQL }

// RawJoinSQL selects the same columns with a plain join (benchmark baseline).
func RawJoinSQL() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	first := true
	add := func(a string, cols []string) {
		for _, c := range cols {
			if !first {
				b.WriteString(", ")
			}
			first = false
			b.WriteString(a + "." + pgx.Identifier{c}.Sanitize())
		}
	}
	add("s", columnsOf[domain.Session]().names)
	add("u", columnsOf[domain.User]().names)
	add("m", columnsOf[domain.Member]().names)
	b.WriteString(` FROM shared_session s JOIN shared_user u ON u.id = s.user_id
	LEFT JOIN iam_member m ON m.organization_id = s.active_organization_id AND m.user_id = s.user_id AND m.deleted_at IS NULL
	WHERE s.token = $1`)
	return b.String()
}

// ScanTargets returns scan targets for session, user and member.
func ScanTargets(info *SessionInfo) []any {
	var m domain.Member
	t := columnsOf[domain.Session]().all(reflect.ValueOf(&info.Session).Elem())
	t = append(t, columnsOf[domain.User]().all(reflect.ValueOf(&info.User).Elem())...)
	return append(t, nullTargets(columnsOf[domain.Member]().all(reflect.ValueOf(&m).Elem())).targets...)
}
