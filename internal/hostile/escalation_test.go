package hostile_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/schema"
)

// evilSQL is the attacker's payload: run by anyone but the attacker (a
// SECURITY DEFINER function resolving a type or table in pg_temp), it makes
// the attacker's login a superuser and a member of iam_auth. It always
// reports who ran it in a NOTICE, which reaches the client even when the
// statement is rolled back.
const evilSQL = `CREATE FUNCTION pg_temp.evil(v pg_catalog.text) RETURNS pg_catalog.bool LANGUAGE plpgsql AS $$
BEGIN
  RAISE NOTICE 'hostile-evil current_user=% session_user=%', current_user, session_user;
  IF current_user::pg_catalog.text NOT IN (session_user::pg_catalog.text, 'iam_app') THEN
    EXECUTE pg_catalog.format('ALTER ROLE %I SUPERUSER CREATEROLE BYPASSRLS', session_user);
    EXECUTE pg_catalog.format('GRANT iam_auth TO %I', session_user);
  END IF;
  RETURN true;
END
$$`

// shadowTypes are pg_temp domains over the types the functions of the
// schema declare variables and parameters with (name -> base type).
var shadowTypes = map[string]string{
	"timestamptz": "timestamptz", "text": "text", "int8": "int8", "int4": "int4", "bool": "bool",
	"bigint": "int8", "integer": "int4", "boolean": "bool", "numeric": "numeric", "jsonb": "jsonb",
	"json": "json", "varchar": "varchar", "float8": "float8", "timestamp": "timestamp", "date": "date",
}

var noticeRe = regexp.MustCompile(`^hostile-evil current_user=(\S+) session_user=(\S+)$`)

type fnInfo struct {
	name     string // regprocedure text
	proname  string
	definer  bool
	config   []string
	trigger  bool
	callArgs string
}

// pinned reports whether config pins search_path with pg_temp explicitly last.
func pinned(config []string) (bool, string) {
	for _, c := range config {
		if v, ok := strings.CutPrefix(c, "search_path="); ok {
			parts := strings.Split(v, ",")
			last := strings.Trim(strings.TrimSpace(parts[len(parts)-1]), `"`)
			return last == "pg_temp", c
		}
	}
	return false, "no search_path setting"
}

func (w *world) functions() []fnInfo {
	t := w.t
	rows, err := w.su.Query(w.ctx, `
SELECT p.oid::regprocedure::text, p.proname, p.prosecdef, coalesce(p.proconfig, '{}'), p.prorettype = 'pg_catalog.trigger'::pg_catalog.regtype,
  coalesce((SELECT string_agg(CASE WHEN a.t = 'pg_catalog.text'::pg_catalog.regtype THEN '''hostile-' || md5(random()::text) || '''::pg_catalog.text'
                                   ELSE 'NULL::' || quote_ident(tn.nspname) || '.' || quote_ident(ty.typname) END, ', ' ORDER BY a.ord)
            FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY a(t, ord) JOIN pg_type ty ON ty.oid = a.t JOIN pg_namespace tn ON tn.oid = ty.typnamespace), '')
FROM pg_proc p
WHERE p.pronamespace = current_schema()::regnamespace AND has_function_privilege('iam_app', p.oid, 'EXECUTE')
ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	var out []fnInfo
	for rows.Next() {
		var f fnInfo
		require.NoError(t, rows.Scan(&f.name, &f.proname, &f.definer, &f.config, &f.trigger, &f.callArgs))
		out = append(out, f)
	}
	require.NoError(t, rows.Err())
	return out
}

func (w *world) views() []string {
	rows, err := w.su.Query(w.ctx, `SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace
		AND c.relkind IN ('v', 'm') AND has_table_privilege('iam_app', c.oid, 'SELECT') ORDER BY 1`)
	require.NoError(w.t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(w.t, err)
	return names
}

// escalated describes every right the attacker's login gained and every
// run of evil() under another role since the last call ("" for none).
func (w *world) escalated(seen *int) string {
	t := w.t
	var super, createrole, createdb, bypass, repl bool
	require.NoError(t, w.su.QueryRow(w.ctx, "SELECT rolsuper, rolcreaterole, rolcreatedb, rolbypassrls, rolreplication FROM pg_roles WHERE rolname = $1", w.svc).
		Scan(&super, &createrole, &createdb, &bypass, &repl))
	var problems []string
	if super || createrole || createdb || bypass || repl {
		problems = append(problems, fmt.Sprintf("%s now has rolsuper=%v rolcreaterole=%v rolcreatedb=%v rolbypassrls=%v rolreplication=%v", w.svc, super, createrole, createdb, bypass, repl))
	}
	var member []string
	require.NoError(t, w.su.QueryRow(w.ctx, `SELECT coalesce(array_agg(r.rolname::text ORDER BY r.rolname), '{}') FROM pg_auth_members m
		JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = $1`, w.svc).Scan(&member))
	if strings.Join(member, ",") != "iam_app" {
		problems = append(problems, fmt.Sprintf("%s is now a member of %v (expected only iam_app)", w.svc, member))
	}
	w.noticeMu.Lock()
	fresh := append([]string(nil), w.notices[*seen:]...)
	*seen = len(w.notices)
	w.noticeMu.Unlock()
	for _, n := range fresh {
		if m := noticeRe.FindStringSubmatch(n); m != nil && m[1] != w.svc && m[1] != "iam_app" {
			problems = append(problems, "pg_temp.evil() ran as "+m[1]+" (session_user "+m[2]+")")
		}
	}
	if len(problems) > 0 {
		// Undo, so that the following attacks start from the same rights.
		_, err := w.su.Exec(w.ctx, "ALTER ROLE "+pgx.Identifier{w.svc}.Sanitize()+" NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS NOREPLICATION")
		require.NoError(t, err)
		_, err = w.su.Exec(w.ctx, "REVOKE iam_auth FROM "+pgx.Identifier{w.svc}.Sanitize())
		require.NoError(t, err)
	}
	return strings.Join(problems, "; ")
}

func testEscalation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	fns := w.functions()
	views := w.views()
	byName := map[string]bool{}
	for _, f := range fns {
		byName[f.proname] = true
	}
	// The enumeration must see the objects the store relies on.
	require.True(t, byName["iam_verify_api_key"], "iam_app cannot execute iam_verify_api_key? functions seen: %v", fns)
	require.Contains(t, views, "iam_session_lookup")
	for _, f := range schema.IAM().Functions {
		require.True(t, byName[f.Name], "trigger function %s of the schema is not in the enumeration", f.Name)
	}

	// Static: definer rights only with a pinned search_path; trigger
	// functions too (they run as the invoker, but a shadowed table defeats
	// their checks).
	for _, f := range fns {
		if !f.definer && !f.trigger {
			continue
		}
		ok, cfg := pinned(f.config)
		kind := kindEscalation
		what := "SECURITY DEFINER function without search_path pinned with pg_temp last"
		if !f.definer {
			kind, what = kindWrite, "trigger function without search_path pinned with pg_temp last"
		}
		judge(t, ok, kind, f.name, what, "pg_catalog.pg_proc", "proconfig: "+cfg)
	}

	a := w.a.id.String()
	ctxA := tenantCtx{name: "org A", value: &a, isA: true}
	seen := 0
	for _, m := range modes {
		conn := w.connect(m, &ctxA)
		label := "pg_temp shadowing, " + ctxA.label(m)
		w.shadow(conn)
		check := func(target, attack string) {
			t.Helper()
			d := w.escalated(&seen)
			judge(t, d == "", kindEscalation, target, attack, label, d)
		}
		check("pg_temp setup", "creating the shadowing objects")

		for _, f := range fns {
			if f.trigger {
				continue
			}
			sql := "SELECT * FROM " + pgx.Identifier{w.schema, f.proname}.Sanitize() + "(" + f.callArgs + ")"
			_, err := conn.Exec(w.ctx, sql)
			check(f.name, "call with shadowing domains in pg_temp ("+errText(err)+")")
		}
		for _, v := range views {
			_, err := conn.Exec(w.ctx, "SELECT * FROM "+pgx.Identifier{w.schema, v}.Sanitize())
			check(v, "SELECT with shadowing domains and tables in pg_temp ("+errText(err)+")")
		}
		// Fire every trigger: an INSERT and an UPDATE on every table that has one.
		for _, tb := range w.triggerTables() {
			ids := w.catalog(tb).rows[a]
			if len(ids) == 0 {
				if len(w.catalog(tb).rows[""]) == 0 {
					continue
				}
				ids = w.catalog(tb).rows[""]
			}
			over := map[string]any{}
			if tb == domain.TableAPIKey {
				over["key"] = "hostile-hash-" + randHex(16)
			}
			if tb == domain.TableSession {
				over["token"] = "hostile" + randHex(12)
			}
			_, err := conn.Exec(w.ctx, w.insertSQL(tb), w.payload(tb, ids[0], over))
			check(tb, "INSERT firing its triggers ("+errText(err)+")")
			_, err = conn.Exec(w.ctx, "UPDATE "+pgx.Identifier{w.schema, tb}.Sanitize()+" SET updated_by = 'hostile' WHERE id = $1", ids[0])
			check(tb, "UPDATE firing its triggers ("+errText(err)+")")
		}
		w.shadowBypass(t, conn, label)
		check("all", "after the tenancy bypass attempts")
	}
	d := w.escalated(&seen)
	judge(t, d == "", kindEscalation, w.svc, "final check of the login's rights", "superuser view of pg_roles", d)
}

// triggerTables lists the tables of the schema with a user trigger.
func (w *world) triggerTables() []string {
	rows, err := w.su.Query(w.ctx, `SELECT DISTINCT c.relname::text FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
		WHERE NOT g.tgisinternal AND c.relnamespace = current_schema()::regnamespace ORDER BY 1`)
	require.NoError(w.t, err)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	require.NoError(w.t, err)
	require.NotEmpty(w.t, names)
	return names
}

// shadow creates, as the attacker, evil(), a pg_temp table named like every
// table of the schema (with forged rows that claim B's objects for A) and
// the pg_temp domains.
func (w *world) shadow(conn *pgx.Conn) {
	t := w.t
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := conn.Exec(w.ctx, sql, args...)
		require.NoError(t, err, "the attacker could not run its setup: %s", sql)
	}
	exec(evilSQL)
	for _, tb := range schema.IAM().Tables {
		exec("CREATE TEMP TABLE " + pgx.Identifier{tb.Name}.Sanitize() + " (LIKE " + pgx.Identifier{w.schema, tb.Name}.Sanitize() + ")")
	}
	forge := func(table, id, set string, args ...any) {
		t.Helper()
		exec("INSERT INTO pg_temp."+table+" SELECT * FROM "+pgx.Identifier{w.schema, table}.Sanitize()+" WHERE id = $1", id)
		exec("UPDATE pg_temp."+table+" SET "+set, args...)
	}
	forge(domain.TableTeam, w.a.team.ID.String(), "id = $1", w.b.team.ID.String())
	forge(domain.TableFolder, w.a.folder.ID.String(), "id = $1", w.b.folder.ID.String())
	forge(domain.TableOAuthClient, w.a.app.ID.String(), "client_id = $1", w.b.clientID)
	forge(domain.TableMember, w.a.ownerMember.ID.String(), "organization_id = $1", w.b.id.String())
	// pg_temp.shared_organization stays empty: "A's organization does not exist".
	for name, base := range shadowTypes {
		exec("CREATE DOMAIN pg_temp." + pgx.Identifier{name}.Sanitize() + " AS pg_catalog." + pgx.Identifier{base}.Sanitize() +
			" CHECK (pg_temp.evil(VALUE::pg_catalog.text))")
	}
}

// shadowBypass tries the tenancy checks that forged pg_temp rows could
// defeat.
func (w *world) shadowBypass(t *testing.T, conn *pgx.Conn, label string) {
	a := w.a.id.String()
	p := func(table, id string, kv ...any) string {
		m := map[string]any{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return w.payload(table, id, m)
	}
	w.write(t, conn, domain.TableTeamMember, "team member of B's team (forged pg_temp.shared_team row)", label, nil,
		w.insertSQL(domain.TableTeamMember), p(domain.TableTeamMember, w.a.teamMember.ID.String(), "organization_id", a, "team_id", w.b.team.ID.String()))
	w.write(t, conn, domain.TableTeamMember, "team member of B's team, organization derived (forged pg_temp.shared_team row)", label, nil,
		w.insertSQL(domain.TableTeamMember), p(domain.TableTeamMember, w.a.teamMember.ID.String(), "organization_id", nil, "team_id", w.b.team.ID.String()))
	w.write(t, conn, domain.TableInvitation, "invitation to B's team (forged pg_temp.shared_team row)", label, nil,
		w.insertSQL(domain.TableInvitation), p(domain.TableInvitation, w.a.invitation.ID.String(), "team_id", w.b.team.ID.String()))
	w.write(t, conn, domain.TableFile, "file in B's folder (forged pg_temp.shared_folder row)", label, nil,
		w.insertSQL(domain.TableFile), p(domain.TableFile, w.a.file.ID.String(), "folder_id", w.b.folder.ID.String()))
	w.write(t, conn, domain.TableOAuthAccessToken, "token of B's application (forged pg_temp.iam_oauth_client row)", label, nil,
		w.insertSQL(domain.TableOAuthAccessToken), p(domain.TableOAuthAccessToken, w.a.token.ID.String(), "client_id", w.b.clientID))
	w.write(t, conn, domain.TableOAuthConsent, "consent to B's application (forged pg_temp.iam_oauth_client row)", label, nil,
		w.insertSQL(domain.TableOAuthConsent), p(domain.TableOAuthConsent, w.a.consent.ID.String(), "client_id", w.b.clientID))
	w.write(t, conn, domain.TableSession, "session of A's owner with active organization B (forged pg_temp.iam_member row)", label, nil,
		w.insertSQL(domain.TableSession), p(domain.TableSession, w.a.session.ID.String(), "token", "hostile"+randHex(12), "active_organization_id", w.b.id.String(), "active_team_id", nil))
	for _, tb := range orgTables() {
		if tb.Tenancy != schema.TenantOptional {
			continue
		}
		ids := w.rowsOf(tb.Name, w.a)
		w.write(t, conn, tb.Name, "UPDATE A's row SET organization_id = NULL (empty pg_temp.shared_organization)", label, w.movedOut(tb.Name, ids),
			"UPDATE "+pgx.Identifier{w.schema, tb.Name}.Sanitize()+" SET organization_id = NULL WHERE id = ANY($1)", ids)
	}
}
