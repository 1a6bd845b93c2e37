package hostile_test

import (
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// verifies reports whether the victim key still verifies (as itself).
func (w *world) verifies(k store.CreatedAPIKey) (bool, string) {
	v, err := w.s.VerifyAPIKey(w.ctx, store.HashAPIKey(k.Plain.Reveal()), "")
	if err != nil {
		return false, "verification failed: " + err.Error()
	}
	if !v.OK() || v.Key.ID != k.Key.ID {
		return false, fmt.Sprintf("verification outcome %s for key %s (victim %s)", v.Outcome, v.Key.ID, k.Key.ID)
	}
	return true, ""
}

// testAPIKeyDuplicates plants a second row with the hash of a victim's key:
// an organization's key (B's) and a user's own key (B's owner's).
func testAPIKeyDuplicates(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	table := domain.TableAPIKey
	ins := w.insertSQL(table)
	aKey := w.a.apiKey.Key.ID.String()
	for _, k := range []store.CreatedAPIKey{w.b.apiKey, w.userKey} {
		ok, why := w.verifies(k)
		require.True(t, ok, "control: the victim key does not verify before any attack: %s", why)
	}
	// Control: the payloads are valid with a fresh hash.
	w.control("A's key with a fresh hash under A", w.a.id.String(), ins, w.payload(table, aKey, map[string]any{"key": "hostile-hash-" + randHex(16)}))
	spare := w.a.owner.ID.String()
	w.control("a user's key with a fresh hash without tenant", "", ins, w.payload(table, aKey, map[string]any{
		"key": "hostile-hash-" + randHex(16), "organization_id": nil, "user_id": spare, "reference_id": spare}))

	type dup struct {
		name   string
		victim store.CreatedAPIKey
		over   map[string]any
	}
	dups := []dup{
		{"A's key with the hash of B's key", w.b.apiKey, map[string]any{"organization_id": w.a.id.String(), "reference_id": w.a.id.String()}},
		{"a user's key (organization_id NULL) with the hash of B's key", w.b.apiKey, map[string]any{"organization_id": nil, "user_id": spare, "reference_id": spare}},
		{"A's key with the hash of another user's own key", w.userKey, map[string]any{"organization_id": w.a.id.String(), "reference_id": w.a.id.String()}},
		{"a user's key (organization_id NULL) with the hash of another user's own key", w.userKey, map[string]any{"organization_id": nil, "user_id": spare, "reference_id": spare}},
	}
	cs := conns{}
	for _, m := range modes {
		for _, c := range w.aAndUnset() {
			conn := w.conn(cs, m, c)
			label := c.label(m)
			for _, d := range dups {
				over := map[string]any{"key": d.victim.Key.Key.Reveal()}
				for k, v := range d.over {
					over[k] = v
				}
				p := w.payload(table, aKey, over)
				tag, err := conn.Exec(w.ctx, ins, p)
				var n int
				require.NoError(t, w.su.QueryRow(w.ctx, "SELECT count(*) FROM "+pgx.Identifier{w.schema, table}.Sanitize()+" WHERE key = $1", d.victim.Key.Key.Reveal()).Scan(&n))
				judge(t, n == 1, kindWrite, table+".key", "INSERT "+d.name, label,
					fmt.Sprintf("%s, %d row(s); %d rows now hold the victim's hash", errText(err), tag.RowsAffected(), n))
				ok, why := w.verifies(d.victim)
				judge(t, ok, kindDenial, "store.VerifyAPIKey", "verify the victim key after: "+d.name, label, why)
				// Remove the planted twin (superuser), so that each attack starts clean.
				_, err = w.su.Exec(w.ctx, "DELETE FROM "+pgx.Identifier{w.schema, table}.Sanitize()+" WHERE key = $1 AND id <> $2", d.victim.Key.Key.Reveal(), d.victim.Key.ID.String())
				require.NoError(t, err)
			}
		}
	}
}

// testUserOwnedRows: a user's own API key (organization_id NULL) is global
// data of the user, reached by the store's global handle only. Every
// context with a tenant set (A's or a malformed one) must neither see nor
// change nor delete it; without a tenant it is visible (the control).
func testUserOwnedRows(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	rel := pgx.Identifier{w.schema, domain.TableAPIKey}.Sanitize()
	id := w.userKey.Key.ID.String()
	state := func() string {
		var j string
		require.NoError(t, w.su.QueryRow(w.ctx, "SELECT row_to_json(k)::text FROM "+rel+" k WHERE id = $1", id).Scan(&j))
		return j
	}
	cs := conns{}
	for _, m := range modes {
		for _, c := range w.contexts() {
			conn := w.conn(cs, m, c)
			label := c.label(m)
			var n int
			err := conn.QueryRow(w.ctx, "SELECT count(*) FROM "+rel+" WHERE id = $1", id).Scan(&n)
			if c.value == nil || *c.value == "" {
				require.NoError(t, err)
				require.Equal(t, 1, n, "control: without a tenant the user's own key is visible (%s)", label)
				continue
			}
			judge(t, err == nil && n == 0, kindRead, domain.TableAPIKey, "SELECT a user's own key (organization_id NULL)", label,
				fmt.Sprintf("%s, %d row(s)", errText(err), n))
			before := state()
			for _, sql := range []string{
				"UPDATE " + rel + " SET enabled = false, updated_by = 'hostile' WHERE id = $1",
				"UPDATE " + rel + " SET organization_id = '" + w.a.id.String() + "', reference_id = '" + w.a.id.String() + "' WHERE id = $1",
				"DELETE FROM " + rel + " WHERE id = $1",
			} {
				tag, err := conn.Exec(w.ctx, sql, id)
				after := state()
				judge(t, after == before, kindWrite, domain.TableAPIKey, "write a user's own key: "+sql, label,
					fmt.Sprintf("%s, %d row(s)", errText(err), tag.RowsAffected()))
			}
		}
	}
}
