package hostile_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
)

// refAttack is a reference from a row of A (or a row without tenant) to one
// of B's objects, which must be refused exactly like a reference to an id
// that does not exist.
type refAttack struct {
	name    string
	column  string
	nullOrg bool // the row carries no organization_id (optional tenant, or derived)
	b       func(w *world) any
	missing func(w *world) any
	own     func(w *world) any // A's own value: the control
}

// tableCase is what a table gets beyond the generic attacks. Every
// organization-scoped table of the schema must have one (with its tenancy,
// so that a change of tenancy is reviewed here).
type tableCase struct {
	tenancy   schema.Tenancy
	overrides func(w *world) map[string]any // payload defaults (fresh secrets)
	refs      []refAttack
	relabel   bool // reference_id relabelling (iam_apikey, iam_subscription, the oauth-provider tables of 0005)
}

func missingID(table string) func(*world) any {
	return func(*world) any { return table + domain.IDSeparator + uuid.New().String() }
}

var tableCases = map[string]tableCase{
	domain.TableTeam:             {tenancy: schema.TenantRequired},
	domain.TableMember:           {tenancy: schema.TenantRequired},
	domain.TableOrganizationRole: {tenancy: schema.TenantRequired},
	domain.TableFolder:           {tenancy: schema.TenantRequired},
	domain.TableFile: {tenancy: schema.TenantRequired, refs: []refAttack{{
		name: "file in B's folder", column: "folder_id",
		b:       func(w *world) any { return w.b.folder.ID.String() },
		missing: missingID(domain.TableFolder),
		own:     func(w *world) any { return w.a.folder.ID.String() },
	}}},
	domain.TableTeamMember: {tenancy: schema.TenantRequired, refs: []refAttack{{
		name: "team member of B's team", column: "team_id",
		b:       func(w *world) any { return w.b.team.ID.String() },
		missing: missingID(domain.TableTeam),
		own:     func(w *world) any { return w.a.team.ID.String() },
	}, {
		name: "team member of B's team, organization_id left to the trigger", column: "team_id", nullOrg: true,
		b:       func(w *world) any { return w.b.team.ID.String() },
		missing: missingID(domain.TableTeam),
		own:     func(w *world) any { return w.a.team.ID.String() },
	}}},
	domain.TableInvitation: {tenancy: schema.TenantRequired, refs: []refAttack{{
		name: "invitation to B's team", column: "team_id",
		b:       func(w *world) any { return w.b.team.ID.String() },
		missing: missingID(domain.TableTeam),
		own:     func(w *world) any { return w.a.team.ID.String() },
	}, {
		name: "invitation to A's team and B's team", column: "team_id",
		b:       func(w *world) any { return w.a.team.ID.String() + "," + w.b.team.ID.String() },
		missing: func(w *world) any { return w.a.team.ID.String() + "," + missingID(domain.TableTeam)(w).(string) },
		own:     func(w *world) any { return w.a.team.ID.String() },
	}}},
	domain.TableAPIKey: {tenancy: schema.TenantOptional, relabel: true,
		overrides: func(*world) map[string]any { return map[string]any{"key": "hostile-hash-" + randHex(16)} }},
	domain.TableSSOProvider:  {tenancy: schema.TenantOptional},
	domain.TableSCIMProvider: {tenancy: schema.TenantOptional},
	domain.TableSubscription: {tenancy: schema.TenantOptional, relabel: true},
	domain.TableOAuthClient:  {tenancy: schema.TenantOptional, relabel: true},
	domain.TableOAuthRefreshToken: {tenancy: schema.TenantOptional, relabel: true, refs: []refAttack{{
		name: "refresh token of B's OAuth client", column: "client_id",
		b: func(w *world) any { return w.b.clientID }, missing: func(*world) any { return "client-missing-" + randHex(6) },
		own: func(w *world) any { return w.a.clientID },
	}}},
	domain.TableOAuthClientResource: {tenancy: schema.TenantOptional,
		overrides: func(w *world) map[string]any { return map[string]any{"resource_id": w.spareResource} }, refs: []refAttack{{
			name: "resource link of B's OAuth client", column: "client_id",
			b: func(w *world) any { return w.b.clientID }, missing: func(*world) any { return "client-missing-" + randHex(6) },
			own: func(w *world) any { return w.a.clientID },
		}}},
	domain.TableOAuthAccessToken: {tenancy: schema.TenantOptional, relabel: true, refs: []refAttack{{
		name: "token of B's OAuth application", column: "client_id",
		b: func(w *world) any { return w.b.clientID }, missing: func(*world) any { return "client-missing-" + randHex(6) },
		own: func(w *world) any { return w.a.clientID },
	}, {
		name: "token without tenant of B's OAuth application", column: "client_id", nullOrg: true,
		b: func(w *world) any { return w.b.clientID }, missing: func(*world) any { return "client-missing-" + randHex(6) },
		own: func(w *world) any { return w.a.clientID },
	}}},
	domain.TableOAuthConsent: {tenancy: schema.TenantOptional, relabel: true, refs: []refAttack{{
		name: "consent to B's OAuth application", column: "client_id",
		b: func(w *world) any { return w.b.clientID }, missing: func(*world) any { return "client-missing-" + randHex(6) },
		own: func(w *world) any { return w.a.clientID },
	}, {
		name: "consent without tenant to B's OAuth application", column: "client_id", nullOrg: true,
		b: func(w *world) any { return w.b.clientID }, missing: func(*world) any { return "client-missing-" + randHex(6) },
		own: func(w *world) any { return w.a.clientID },
	}}},
}

func testRawSQL(t *testing.T) {
	t.Parallel()
	covered := 0
	for _, tb := range orgTables() {
		tc, ok := tableCases[tb.Name]
		require.True(t, ok, "organization-scoped table %s has no hostile case: add one to tableCases", tb.Name)
		require.Equal(t, tb.Tenancy, tc.tenancy, "table %s changed tenancy to %s: review its hostile case", tb.Name, tb.Tenancy)
		covered++
		t.Run(tb.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.tableAttacks(t, tb.Name, tc)
		})
	}
	require.Equal(t, len(tableCases), covered, "tableCases names a table that is not organization-scoped in the schema")
	t.Run("shared_session", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t)
		w.sessionAttacks(t)
	})
}

// write runs a write attack on conn and judges it by B's footprint and by
// check (which describes damage the footprint cannot see, "" for none).
func (w *world) write(t *testing.T, conn *pgx.Conn, target, attack, label string, check func() string, sql string, args ...any) error {
	t.Helper()
	before := w.footprint()
	tag, err := conn.Exec(w.ctx, sql, args...)
	after := w.footprint()
	d := before.diff(after)
	extra := ""
	if check != nil {
		extra = check()
	}
	detail := fmt.Sprintf("%s, %d row(s); SQL: %s", errText(err), tag.RowsAffected(), sql)
	if d != "" {
		detail += "; B's footprint changed: " + d
	}
	if extra != "" {
		detail += "; " + extra
	}
	judge(t, d == "" && extra == "", kindWrite, target, attack, label, detail)
	return err
}

// read runs a read attack and judges it by whether any row names B.
func (w *world) read(t *testing.T, conn *pgx.Conn, target, attack, label string, extra []string, sql string, args ...any) {
	t.Helper()
	rows, err := conn.Query(w.ctx, sql, args...)
	var leaked []string
	if err == nil {
		for rows.Next() {
			var j *string
			if err = rows.Scan(&j); err != nil {
				break
			}
			if j != nil {
				if n := w.namesB(*j, extra...); len(n) > 0 {
					leaked = append(leaked, *j)
				}
			}
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	judge(t, len(leaked) == 0, kindRead, target, attack, label,
		fmt.Sprintf("%s; SQL: %s; rows naming B: %s", errText(err), sql, strings.Join(leaked, " | ")))
}

// movedOut reports A's rows of table that left organization A (and puts
// them back, without triggers, so later attacks start from the fixture).
func (w *world) movedOut(table string, ids []string) func() string {
	return func() string {
		var moved []string
		rows, err := w.su.Query(w.ctx, "SELECT id || ' -> ' || coalesce(organization_id, 'NULL') FROM "+w.schema+"."+table+
			" WHERE id = ANY($1) AND organization_id IS DISTINCT FROM $2", ids, w.a.id.String())
		require.NoError(w.t, err)
		for rows.Next() {
			var s string
			require.NoError(w.t, rows.Scan(&s))
			moved = append(moved, s)
		}
		require.NoError(w.t, rows.Err())
		if len(moved) == 0 {
			return ""
		}
		tx, err := w.su.Begin(w.ctx)
		require.NoError(w.t, err)
		_, err = tx.Exec(w.ctx, "SET LOCAL session_replication_role = replica")
		require.NoError(w.t, err)
		_, err = tx.Exec(w.ctx, "UPDATE "+w.schema+"."+table+" SET organization_id = $2 WHERE id = ANY($1)", ids, w.a.id.String())
		require.NoError(w.t, err)
		require.NoError(w.t, tx.Commit(w.ctx))
		return "A's row(s) left organization A: " + strings.Join(moved, ", ")
	}
}

func (w *world) tableAttacks(t *testing.T, table string, tc tableCase) {
	rel := pgx.Identifier{w.schema, table}.Sanitize()
	aIDs, bIDs := w.rowsOf(table, w.a), w.rowsOf(table, w.b)
	bID := w.b.id.String()
	over := func() map[string]any {
		m := map[string]any{}
		if tc.overrides != nil {
			for k, v := range tc.overrides(w) {
				m[k] = v
			}
		}
		return m
	}
	with := func(m map[string]any, kv ...any) map[string]any {
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	ins := w.insertSQL(table)

	// Controls: the payloads are valid under their own tenant.
	w.control(table+": a row of B under B", bID, ins, w.payload(table, bIDs[0], with(over(), "organization_id", bID)))
	for _, r := range tc.refs {
		org := any(w.a.id.String())
		if r.nullOrg {
			org = nil
		}
		w.control(table+": "+r.name+" with A's own value under A", w.a.id.String(), ins, w.payload(table, aIDs[0], with(over(), "organization_id", org, r.column, r.own(w))))
	}
	if tc.relabel {
		w.control(table+": A's row under A", w.a.id.String(), ins, w.payload(table, aIDs[0], with(over(), "organization_id", w.a.id.String(), "reference_id", w.a.id.String())))
	}

	cs := conns{}
	for _, m := range modes {
		for _, c := range w.contexts() {
			conn := w.conn(cs, m, c)
			label := c.label(m)

			w.read(t, conn, table, "SELECT every visible row", label, nil, "SELECT row_to_json(t)::pg_catalog.text FROM "+rel+" t")
			w.read(t, conn, table, "SELECT B's rows by organization_id", label, nil, "SELECT row_to_json(t)::pg_catalog.text FROM "+rel+" t WHERE organization_id = $1", bID)
			w.read(t, conn, table, "SELECT B's rows by id", label, nil, "SELECT row_to_json(t)::pg_catalog.text FROM "+rel+" t WHERE id = ANY($1)", bIDs)

			w.write(t, conn, table, "INSERT a row with organization_id = B", label, nil, ins, w.payload(table, bIDs[0], with(over(), "organization_id", bID)))
			w.write(t, conn, table, "UPDATE B's rows by id", label, nil, "UPDATE "+rel+" SET updated_by = 'hostile' WHERE id = ANY($1)", bIDs)
			w.write(t, conn, table, "UPDATE (soft delete) B's rows by organization_id", label, nil, "UPDATE "+rel+" SET deleted_at = now(), deleted_by = 'hostile' WHERE organization_id = $1", bID)
			w.write(t, conn, table, "UPDATE every visible row (no WHERE)", label, nil, "UPDATE "+rel+" SET updated_by = 'hostile'")
			w.write(t, conn, table, "DELETE B's rows by id", label, nil, "DELETE FROM "+rel+" WHERE id = ANY($1)", bIDs)
			w.write(t, conn, table, "DELETE B's rows by organization_id", label, nil, "DELETE FROM "+rel+" WHERE organization_id = $1", bID)
			w.write(t, conn, table, "UPDATE A's rows SET organization_id = NULL", label, w.movedOut(table, aIDs), "UPDATE "+rel+" SET organization_id = NULL WHERE id = ANY($1)", aIDs)
			w.write(t, conn, table, "UPDATE A's rows SET organization_id = B", label, w.movedOut(table, aIDs), "UPDATE "+rel+" SET organization_id = $2 WHERE id = ANY($1)", aIDs, bID)

			for _, r := range tc.refs {
				org := any(w.a.id.String())
				if r.nullOrg {
					org = nil
				}
				w.refAttack(t, conn, table, r, label, ins,
					w.payload(table, aIDs[0], with(over(), "organization_id", org, r.column, r.b(w))),
					w.payload(table, aIDs[0], with(over(), "organization_id", org, r.column, r.missing(w))),
					r.b(w).(string))
			}
			if tc.relabel {
				w.write(t, conn, table, "INSERT organization_id = A, reference_id = B", label, nil, ins,
					w.payload(table, aIDs[0], with(over(), "organization_id", w.a.id.String(), "reference_id", bID)))
				w.write(t, conn, table, "INSERT organization_id NULL, reference_id = B", label, nil, ins,
					w.payload(table, aIDs[0], with(over(), "organization_id", nil, "user_id", nil, "reference_id", bID)))
				w.write(t, conn, table, "INSERT organization_id NULL, reference_id = B, user_id = A's owner", label, nil, ins,
					w.payload(table, aIDs[0], with(over(), "organization_id", nil, "user_id", w.a.owner.ID.String(), "reference_id", bID)))
				w.write(t, conn, table, "UPDATE A's row SET reference_id = B", label, w.movedOut(table, aIDs),
					"UPDATE "+rel+" SET reference_id = $2 WHERE id = ANY($1)", aIDs, bID)
				w.write(t, conn, table, "UPDATE A's row SET organization_id = NULL, reference_id = B", label, w.movedOut(table, aIDs),
					"UPDATE "+rel+" SET organization_id = NULL, reference_id = $2 WHERE id = ANY($1)", aIDs, bID)
			}
		}
	}
}

// refAttack inserts bPayload (referencing B's object) and its twin
// missingPayload (referencing an id that does not exist): the first must be
// refused, and both refusals must look the same (SQLSTATE and message with
// the value masked), or the error is an oracle for B's ids.
func (w *world) refAttack(t *testing.T, conn *pgx.Conn, table string, r refAttack, label, ins, bPayload, missingPayload, bValue string) {
	t.Helper()
	errB := w.write(t, conn, table, "reference: "+r.name, label, nil, ins, bPayload)
	var missingValue string
	_, errM := conn.Exec(w.ctx, ins, missingPayload)
	if errM == nil {
		t.Fatalf("control: %s: a reference to a missing id was accepted (%s, %s)", table, r.column, label)
	}
	if errB == nil {
		return // already counted as a cross-tenant write
	}
	mask := func(s, payload, value string) string {
		var m map[string]any
		_ = json.Unmarshal([]byte(payload), &m)
		if id, ok := m["id"].(string); ok {
			s = strings.ReplaceAll(s, id, "<id>")
		}
		for _, part := range strings.Split(value, ",") {
			if part != "" && part != w.a.team.ID.String() {
				s = strings.ReplaceAll(s, part, "<ref>")
			}
		}
		return s
	}
	var mv map[string]any
	_ = json.Unmarshal([]byte(missingPayload), &mv)
	missingValue, _ = mv[r.column].(string)
	sb, sm := mask(errText(errB), bPayload, bValue), mask(errText(errM), missingPayload, missingValue)
	judge(t, pgCode(errB) == pgCode(errM) && sb == sm, kindOracle, table+"."+r.column, "reference: "+r.name+" vs a missing id", label,
		fmt.Sprintf("B's object: %q; missing id: %q", sb, sm))
}

// sessionAttacks plants sessions whose active organization is B and reads
// the cross-tenant view iam_session_lookup.
func (w *world) sessionAttacks(t *testing.T) {
	table := domain.TableSession
	rel := pgx.Identifier{w.schema, table}.Sanitize()
	view := pgx.Identifier{w.schema, "iam_session_lookup"}.Sanitize()
	bID := w.b.id.String()
	ins := w.insertSQL(table)
	aSess := w.a.session.ID.String()
	users := []struct {
		name string
		id   string
	}{
		{"A's owner (no member of B)", w.a.owner.ID.String()},
		{"B's member (member of B only)", w.b.member.ID.String()},
		{"a member of A and of B", w.both.ID.String()},
	}
	sessionPayload := func(user, org string) (string, string) {
		tok := "hostile" + randHex(12)
		return w.payload(table, aSess, map[string]any{"user_id": user, "active_organization_id": org, "active_team_id": nil, "token": tok}), tok
	}
	p, _ := sessionPayload(w.b.member.ID.String(), bID)
	w.control("a session of B's member with active organization B under B", bID, ins, p)
	p, _ = sessionPayload(w.a.owner.ID.String(), w.a.id.String())
	w.control("a session of A's owner with active organization A under A", w.a.id.String(), ins, p)

	bMembers := []string{w.b.ownerMember.ID.String(), w.b.memberMember.ID.String()}
	cs := conns{}
	for _, m := range modes {
		for _, c := range w.contexts() {
			conn := w.conn(cs, m, c)
			label := c.label(m)
			if c.value != nil && *c.value != "" {
				// Without a tenant (the global handle, which reads every
				// session anyway) the view shows each session's membership of
				// its active organization: what the session's cookie proves.
				// With a tenant set it shows that tenant's memberships only.
				w.read(t, conn, "iam_session_lookup", "SELECT every row's membership", label, bMembers,
					"SELECT row_to_json(r.member)::pg_catalog.text FROM "+view+" r WHERE r.member IS NOT NULL")
				w.read(t, conn, "iam_session_lookup", "SELECT B's owner's session by token", label, bMembers,
					"SELECT row_to_json(r.member)::pg_catalog.text FROM "+view+" r WHERE r.lookup_token = $1", w.b.session.Token.Reveal())
			}
			for _, u := range users {
				p, tok := sessionPayload(u.id, bID)
				errB := w.write(t, conn, table, "INSERT a session of "+u.name+" with active_organization_id = B", label, nil, ins, p)
				w.read(t, conn, "iam_session_lookup", "lookup of the planted session of "+u.name, label, bMembers,
					"SELECT row_to_json(r.member)::pg_catalog.text FROM "+view+" r WHERE r.lookup_token = $1", tok)
				pm, _ := sessionPayload(u.id, missingID(domain.TableOrganization)(w).(string))
				_, errM := conn.Exec(w.ctx, ins, pm)
				if errM == nil {
					t.Fatalf("control: a session with a missing active organization was accepted (%s)", label)
				}
				if errB != nil {
					judge(t, pgCode(errB) == pgCode(errM), kindOracle, table+".active_organization_id", "session of "+u.name+": B vs a missing organization", label,
						fmt.Sprintf("B: %s; missing: %s", errText(errB), errText(errM)))
				}
			}
			w.write(t, conn, table, "UPDATE A's owner's session SET active_organization_id = B", label, nil,
				"UPDATE "+rel+" SET active_organization_id = $2 WHERE id = $1", aSess, bID)
			w.read(t, conn, "iam_session_lookup", "lookup of A's owner's session after moving it to B", label, bMembers,
				"SELECT row_to_json(r.member)::pg_catalog.text FROM "+view+" r WHERE r.lookup_token = $1", w.a.session.Token.Reveal())
			w.write(t, conn, table, "UPDATE A's owner's session (active organization B) SET user_id = B's member", label, nil,
				"UPDATE "+rel+" SET user_id = $2 WHERE id = $1 AND active_organization_id = $3", aSess, w.b.member.ID.String(), bID)
			// Put A's owner's session back (superuser), whatever happened.
			_, err := w.su.Exec(w.ctx, "UPDATE "+rel+" SET active_organization_id = $2, user_id = $3 WHERE id = $1", aSess, w.a.id.String(), w.a.owner.ID.String())
			require.NoError(t, err)
		}
	}
}
