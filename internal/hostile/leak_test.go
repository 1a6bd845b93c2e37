package hostile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// testLeakyQuals runs the classic attack on views that run with their
// owner's rights: a cheap function of the attacker's in the WHERE clause
// that records every value it is shown. Without a fence the planner may
// run it on the rows of the underlying tables before the view's own join
// conditions filter them, so it would see rows the view never returns.
// B's second member has no session: no query of the view may ever show
// that member row; in a tenant's context no member row of B at all.
func testLeakyQuals(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	view := pgx.Identifier{w.schema, "iam_session_lookup"}.Sanitize()
	never := w.b.memberMember.ID.String()
	bMembers := []string{w.b.ownerMember.ID.String(), never}
	for _, m := range modes {
		for _, c := range w.contexts() {
			conn := w.connect(m, &c)
			label := c.label(m)
			for _, sql := range []string{
				`CREATE TEMP TABLE IF NOT EXISTS seen (v text)`,
				`TRUNCATE pg_temp.seen`,
				`CREATE OR REPLACE FUNCTION pg_temp.peek(v text) RETURNS boolean LANGUAGE plpgsql COST 0.000001 AS $$
				BEGIN INSERT INTO pg_temp.seen VALUES (v); RETURN true; END $$`,
			} {
				_, err := conn.Exec(w.ctx, sql)
				require.NoError(t, err, "the attacker could not run its setup: %s", sql)
			}
			for _, q := range []string{
				"SELECT 1 FROM " + view + " r WHERE pg_temp.peek(row_to_json(r.member)::text)",
				"SELECT 1 FROM " + view + " r WHERE pg_temp.peek((r.member).id) AND pg_temp.peek((r.member).organization_id)",
				"SELECT 1 FROM " + view + " r WHERE r.lookup_token = '" + w.a.session.Token.Reveal() + "' AND pg_temp.peek(row_to_json(r.member)::text)",
				"SELECT 1 FROM " + view + " r WHERE (r.member).user_id IS NOT NULL AND pg_temp.peek(row_to_json(r.member)::text)",
			} {
				_, err := conn.Exec(w.ctx, q)
				rows, err2 := conn.Query(w.ctx, "SELECT v FROM pg_temp.seen WHERE v IS NOT NULL")
				require.NoError(t, err2)
				seen, err2 := pgx.CollectRows(rows, pgx.RowTo[string])
				require.NoError(t, err2)
				var leaked []string
				for _, v := range seen {
					for _, id := range bMembers {
						if strings.Contains(v, id) && (id == never || c.value != nil && *c.value != "") {
							leaked = append(leaked, v)
						}
					}
				}
				judge(t, len(leaked) == 0, kindRead, "iam_session_lookup", "leaky function in the WHERE clause: "+q, label,
					fmt.Sprintf("%s; the function saw: %s", errText(err), strings.Join(leaked, " | ")))
				_, err = conn.Exec(w.ctx, `TRUNCATE pg_temp.seen`)
				require.NoError(t, err)
			}
		}
	}
}
