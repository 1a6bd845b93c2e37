package hostile_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/pgtest"
	"github.com/beep/iam/schema"
	"github.com/beep/iam/store"
)

// tenant is one organization with one row in every organization-scoped
// table.
type tenant struct {
	name         string
	id           domain.OrganizationID
	owner        domain.User
	member       domain.User // a member of this organization only
	invitee      domain.User // has a pending invitation, not a member
	ownerMember  domain.Member
	memberMember domain.Member
	team         domain.Team
	teamMember   domain.TeamMember
	invitation   domain.Invitation
	role         domain.OrganizationRole
	folder       domain.Folder
	file         domain.File
	apiKey       store.CreatedAPIKey
	subscription domain.Subscription
	sso          domain.SSOProvider
	scim         domain.SCIMProvider
	app          domain.OAuthClient
	token        domain.OAuthAccessToken
	consent      domain.OAuthConsent
	refresh      domain.OAuthRefreshToken
	clientRes    domain.OAuthClientResource
	resourceID   string         // identifier of the (global) resource linked to the client
	session      domain.Session // the owner's, active organization = this one
	clientID     string
	stripeSubID  string
}

// world is one database with organizations A (the attacker's) and B (the
// victim), a superuser pool, the store and the attacker's service login.
type world struct {
	t      *testing.T
	ctx    context.Context
	su     *pgxpool.Pool // superuser: snapshots and payloads
	s      *store.Store  // as production connects (SET ROLE iam_app)
	url    string
	schema string
	svc    string // the attacker's login role (member of iam_app)
	a, b   *tenant
	both   domain.User // a member of A and of B
	// userKey is a key owned by B's owner as a user (organization_id NULL).
	userKey store.CreatedAPIKey
	// spareResource is the identifier of a global OAuth resource no client
	// is linked to (payloads of iam_oauth_client_resource name it, so that a
	// copy of a row is not refused as a duplicate link).
	spareResource string

	markers []string // strings that mark a row as B's footprint
	fpSQL   string

	catMu sync.Mutex
	cat   map[string]*tableCatalog

	noticeMu sync.Mutex
	notices  []string
}

var (
	adminOnce sync.Once
	adminPool *pgxpool.Pool
	adminErr  error
)

func admin(t *testing.T) *pgxpool.Pool {
	t.Helper()
	info := pgtest.Server(t)
	adminOnce.Do(func() {
		adminPool, adminErr = pgxpool.New(context.Background(), info.AdminURL())
	})
	require.NoError(t, adminErr)
	return adminPool
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// newWorld builds a database with both tenants. Every call has its own
// database and its own attacker login.
func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := store.WithActor(context.Background(), "fixture")
	ad := admin(t)
	svc := "svc_hostile_" + randHex(6)
	svcPassword := randHex(16)
	_, err := ad.Exec(ctx, "CREATE ROLE "+pgx.Identifier{svc}.Sanitize()+" LOGIN PASSWORD '"+svcPassword+"'")
	require.NoError(t, err)
	// Registered before the database: runs after it is dropped (LIFO), so
	// nothing in it still depends on the role.
	t.Cleanup(func() {
		c, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var last error
		for i := 0; i < 50; i++ {
			if _, last = ad.Exec(c, "DROP ROLE IF EXISTS "+pgx.Identifier{svc}.Sanitize()); last == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("drop role %s: %v", svc, last)
	})
	url := pgtest.NewDatabase(t)
	su, err := pgxpool.New(ctx, url)
	require.NoError(t, err)
	t.Cleanup(su.Close)
	_, err = su.Exec(ctx, "GRANT iam_app TO "+pgx.Identifier{svc}.Sanitize())
	require.NoError(t, err)
	var s *store.Store
	if viaPgBouncer() {
		// The service behind a transaction pooler logs in as the attacker's
		// login itself (a member of iam_app): the threat model's raw-SQL
		// attacker holds the service's credentials.
		s, err = store.Open(ctx, pgtest.PgBouncer(t).Via(t, url, svc, svcPassword), store.Options{MaxConns: 6, Pooler: store.PoolerTransaction})
	} else {
		s, err = store.Open(ctx, url, store.Options{MaxConns: 6})
	}
	require.NoError(t, err)
	t.Cleanup(s.Close)
	w := &world{t: t, ctx: ctx, su: su, s: s, url: url, svc: svc, cat: map[string]*tableCatalog{}}
	require.NoError(t, su.QueryRow(ctx, "SELECT current_schema()").Scan(&w.schema))

	w.a = w.newTenant("a")
	w.b = w.newTenant("b")
	w.spareResource = "https://api-spare-" + randHex(4) + ".example.com"
	spare, err := domain.NewOAuthResource(domain.OAuthResourceParams{Identifier: w.spareResource, Name: "spare api"})
	require.NoError(t, err)
	_, err = w.s.OAuthResources().Create(w.ctx, spare)
	require.NoError(t, err)
	w.both = w.newUser("both")
	for _, tn := range []*tenant{w.a, w.b} {
		m, err := domain.NewMember(domain.MemberParams{OrganizationID: tn.id, UserID: w.both.ID})
		require.NoError(t, err)
		_, err = w.s.Org(tn.id).Members().Create(ctx, m)
		require.NoError(t, err)
	}
	off := false
	w.userKey, err = s.CreateUserAPIKey(ctx, w.b.owner.ID, store.APIKeyRequest{Prefix: "ba_", RateLimitEnabled: &off})
	require.NoError(t, err)

	b := w.b
	// The user's own key is not B's: it is global data of the user, reached
	// only without a tenant (testUserOwnedRows).
	w.markers = []string{b.id.String(), b.team.ID.String(), b.folder.ID.String(), b.clientID,
		b.apiKey.Key.Key.Reveal()}
	var parts []string
	for _, tb := range schema.IAM().Tables {
		parts = append(parts, fmt.Sprintf("SELECT %s::text AS tbl, row_to_json(t)::text AS j FROM %s.%s t",
			quoteLit(tb.Name), pgx.Identifier{w.schema}.Sanitize(), pgx.Identifier{tb.Name}.Sanitize()))
	}
	w.fpSQL = "SELECT tbl, count(*), md5(string_agg(j, '|' ORDER BY j)) FROM (" + strings.Join(parts, " UNION ALL ") +
		") s WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) m WHERE strpos(s.j, m) > 0) GROUP BY tbl ORDER BY tbl"
	return w
}

func quoteLit(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (w *world) newUser(name string) domain.User {
	w.t.Helper()
	u, err := domain.NewUser(domain.UserParams{Name: name, Email: name + "-" + randHex(5) + "@example.com"})
	require.NoError(w.t, err)
	u, err = w.s.Users().Create(w.ctx, u)
	require.NoError(w.t, err)
	return u
}

func (w *world) newTenant(name string) *tenant {
	t := w.t
	t.Helper()
	ctx := w.ctx
	must := func(err error) {
		t.Helper()
		require.NoError(t, err)
	}
	tn := &tenant{name: name}
	tn.owner = w.newUser(name + "-owner")
	tn.member = w.newUser(name + "-member")
	tn.invitee = w.newUser(name + "-invitee")
	org, om, err := w.s.CreateOrganization(ctx, domain.OrganizationParams{Name: "org " + name, Slug: "org-" + name + "-" + randHex(4)}, tn.owner.ID)
	must(err)
	tn.id, tn.ownerMember = org.ID, om
	o := w.s.Org(org.ID)

	m, err := domain.NewMember(domain.MemberParams{OrganizationID: org.ID, UserID: tn.member.ID})
	must(err)
	tn.memberMember, err = o.Members().Create(ctx, m)
	must(err)
	slug := "team-" + name
	team, err := domain.NewTeam(domain.TeamParams{OrganizationID: org.ID, Name: "team " + name, Slug: &slug})
	must(err)
	tn.team, err = o.Teams().Create(ctx, team)
	must(err)
	tm, err := domain.NewTeamMember(domain.TeamMemberParams{OrganizationID: org.ID, TeamID: tn.team.ID, UserID: tn.member.ID})
	must(err)
	tn.teamMember, err = o.TeamMembers().Create(ctx, tm)
	must(err)
	teams := tn.team.ID.String()
	tn.invitation, err = o.Invite(ctx, domain.InvitationParams{Email: tn.invitee.Email, ExpiresAt: time.Now().Add(72 * time.Hour), InviterID: tn.owner.ID, TeamID: &teams})
	must(err)
	r, err := domain.NewOrganizationRole(domain.OrganizationRoleParams{OrganizationID: org.ID, Role: "auditor" + name, Permission: `{"member":["read"]}`})
	must(err)
	tn.role, err = o.Roles().Create(ctx, r)
	must(err)
	f, err := domain.NewFolder(domain.FolderParams{OrganizationID: org.ID, UserID: tn.owner.ID, Name: "docs " + name})
	must(err)
	tn.folder, err = o.Folders().Create(ctx, f)
	must(err)
	file, err := domain.NewFile(domain.FileParams{OrganizationID: org.ID, Key: "k/" + name, URL: "https://files.example.com/" + name, Name: name + ".txt", Size: 3, MimeType: "text/plain", UserID: tn.owner.ID, FolderID: tn.folder.ID})
	must(err)
	tn.file, err = o.Files().Create(ctx, file)
	must(err)
	off := false
	tn.apiKey, err = o.CreateAPIKey(ctx, store.APIKeyRequest{Prefix: "ba_", RateLimitEnabled: &off})
	must(err)
	tn.stripeSubID = "sub_" + name + randHex(4)
	sub, err := domain.NewSubscription(domain.SubscriptionParams{Plan: "pro", ReferenceID: org.ID.String(), StripeSubscriptionID: &tn.stripeSubID})
	must(err)
	tn.subscription, err = o.Subscriptions().Create(ctx, sub)
	must(err)
	sso, err := domain.NewSSOProvider(domain.SSOProviderParams{OrganizationID: &tn.id, Issuer: "https://idp-" + name + ".example.com", UserID: &tn.owner.ID, ProviderID: "sso-" + name + randHex(4), Domain: name + ".example.com"})
	must(err)
	tn.sso, err = o.SSOProviders().Create(ctx, sso)
	must(err)
	scim, err := domain.NewSCIMProvider(domain.SCIMProviderParams{OrganizationID: &tn.id, ProviderID: "scim-" + name + randHex(4), SCIMToken: domain.NewSecret("scim-token-" + name + randHex(8))})
	must(err)
	tn.scim, err = o.SCIMProviders().Create(ctx, scim)
	must(err)
	tn.clientID = "client-" + name + "-" + randHex(6)
	appName := "app " + name
	app, err := domain.NewOAuthClient(domain.OAuthClientParams{OrganizationID: &tn.id, Name: &appName, ClientID: tn.clientID, ClientSecret: domain.SecretPtr("s3cret"), RedirectURIs: []string{"https://app-" + name + ".example.com/cb"}})
	must(err)
	tn.app, err = o.OAuthClients().Create(ctx, app)
	must(err)
	tok, err := domain.NewOAuthAccessToken(domain.OAuthAccessTokenParams{OrganizationID: &tn.id, Token: domain.NewSecret("at-" + name + randHex(8)),
		ExpiresAt: time.Now().Add(time.Hour), ClientID: tn.clientID, UserID: &tn.owner.ID, Scopes: []string{"openid"}})
	must(err)
	tn.token, err = o.OAuthAccessTokens().Create(ctx, tok)
	must(err)
	c, err := domain.NewOAuthConsent(domain.OAuthConsentParams{OrganizationID: &tn.id, ClientID: tn.clientID, UserID: &tn.owner.ID, Scopes: []string{"openid"}})
	must(err)
	tn.consent, err = o.OAuthConsents().Create(ctx, c)
	must(err)
	rt, err := domain.NewOAuthRefreshToken(domain.OAuthRefreshTokenParams{OrganizationID: &tn.id, Token: domain.NewSecret("rt-" + name + randHex(8)),
		ExpiresAt: time.Now().Add(24 * time.Hour), ClientID: tn.clientID, UserID: tn.owner.ID, Scopes: []string{"openid", "offline_access"}})
	must(err)
	tn.refresh, err = o.OAuthRefreshTokens().Create(ctx, rt)
	must(err)
	tn.resourceID = "https://api-" + name + "-" + randHex(4) + ".example.com"
	res, err := domain.NewOAuthResource(domain.OAuthResourceParams{Identifier: tn.resourceID, Name: "api " + name})
	must(err)
	_, err = w.s.OAuthResources().Create(ctx, res)
	must(err)
	cr, err := domain.NewOAuthClientResource(domain.OAuthClientResourceParams{OrganizationID: &tn.id, ClientID: tn.clientID, ResourceID: tn.resourceID})
	must(err)
	tn.clientRes, err = o.OAuthClientResources().Create(ctx, cr)
	must(err)
	sess, err := w.s.CreateSession(ctx, tn.owner.ID, time.Hour, "", "")
	must(err)
	tn.session, err = w.s.SetActiveOrganization(ctx, sess.ID, org.ID)
	must(err)
	return tn
}

// orgTables returns the organization-scoped tables of the schema.
func orgTables() []*schema.Table {
	var out []*schema.Table
	for _, tb := range schema.IAM().Tables {
		if tb.Tenancy != schema.Global {
			out = append(out, tb)
		}
	}
	return out
}

// footprint is B's footprint: per table, the number and digest of the rows
// that name one of B's objects.
type footprint map[string]string

func (w *world) footprint() footprint {
	w.t.Helper()
	rows, err := w.su.Query(w.ctx, w.fpSQL, w.markers)
	require.NoError(w.t, err)
	defer rows.Close()
	fp := footprint{}
	for rows.Next() {
		var tbl, sum string
		var n int64
		require.NoError(w.t, rows.Scan(&tbl, &n, &sum))
		fp[tbl] = fmt.Sprintf("%d rows %s", n, sum)
	}
	require.NoError(w.t, rows.Err())
	return fp
}

// diff names the tables whose part of the footprint changed.
func (f footprint) diff(g footprint) string {
	var out []string
	seen := map[string]bool{}
	for k := range f {
		seen[k] = true
	}
	for k := range g {
		seen[k] = true
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if f[k] != g[k] {
			out = append(out, fmt.Sprintf("%s: %q -> %q", k, f[k], g[k]))
		}
	}
	return strings.Join(out, "; ")
}

// names reports which of B's markers (or extra strings) s contains.
func (w *world) namesB(s string, extra ...string) []string {
	var out []string
	for _, m := range append(append([]string(nil), w.markers...), extra...) {
		if m != "" && strings.Contains(s, m) {
			out = append(out, m)
		}
	}
	return out
}

// ---- the attacker's connections ----

// mode is how the attacker's login runs: as itself or after SET ROLE iam_app.
type mode string

const (
	asLogin   mode = "login"
	asAppRole mode = "SET ROLE iam_app"
)

var modes = []mode{asLogin, asAppRole}

// tenantCtx is a value of app.current_org_id (nil: never set).
type tenantCtx struct {
	name  string
	value *string
	isA   bool
}

func strp(s string) *string { return &s }

func (w *world) contexts() []tenantCtx {
	a := w.a.id.String()
	return []tenantCtx{
		{name: "org A", value: strp(a), isA: true},
		{name: "unset", value: nil},
		{name: "''", value: strp("")},
		{name: "'x'", value: strp("x")},
		{name: "'%'", value: strp("%")},
		{name: `"' OR 1=1"`, value: strp("' OR 1=1")},
		{name: "'A,B'", value: strp(a + "," + w.b.id.String())},
	}
}

// aAndUnset are the contexts of attacks that need A's own rows or none.
func (w *world) aAndUnset() []tenantCtx { return w.contexts()[:2] }

// tenants are the contexts in which a tenant is set: A's and malformed ones
// (unset and ” are the store's global handle).
func (w *world) tenants() []tenantCtx {
	var out []tenantCtx
	for _, c := range w.contexts() {
		if c.value != nil && *c.value != "" {
			out = append(out, c)
		}
	}
	return out
}

func (c tenantCtx) label(m mode) string { return "as " + string(m) + ", app.current_org_id " + c.name }

// connect opens a connection of the attacker's login in mode m with the
// tenant context c set for the session.
func (w *world) connect(m mode, c *tenantCtx) *pgx.Conn {
	w.t.Helper()
	cfg, err := pgx.ParseConfig(w.url)
	require.NoError(w.t, err)
	cfg.User = w.svc
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		w.noticeMu.Lock()
		w.notices = append(w.notices, n.Message)
		w.noticeMu.Unlock()
	}
	conn, err := pgx.ConnectConfig(w.ctx, cfg)
	require.NoError(w.t, err)
	w.t.Cleanup(func() { _ = conn.Close(context.Background()) })
	var who string
	require.NoError(w.t, conn.QueryRow(w.ctx, "SELECT session_user").Scan(&who))
	require.Equal(w.t, w.svc, who)
	if m == asAppRole {
		_, err = conn.Exec(w.ctx, "SET ROLE iam_app")
		require.NoError(w.t, err)
	}
	if c != nil && c.value != nil {
		_, err = conn.Exec(w.ctx, "SELECT pg_catalog.set_config('app.current_org_id', $1, false)", *c.value)
		require.NoError(w.t, err)
	}
	return conn
}

// conns holds one connection per mode and context.
type conns map[string]*pgx.Conn

func (w *world) conn(cs conns, m mode, c tenantCtx) *pgx.Conn {
	k := c.label(m)
	if cs[k] == nil {
		cs[k] = w.connect(m, &c)
	}
	return cs[k]
}

// ---- payloads ----

// tableCatalog is what the payload builder needs to know of a table.
type tableCatalog struct {
	cols    []string            // insertable columns
	text    map[string]bool     // text columns
	fk      map[string]bool     // columns of a foreign key
	uniques [][]string          // unique indexes (not the primary key)
	rows    map[string][]string // organization id -> row ids
}

func (w *world) catalog(table string) *tableCatalog {
	w.catMu.Lock()
	defer w.catMu.Unlock()
	if c := w.cat[table]; c != nil {
		return c
	}
	t := w.t
	q := w.schema + "." + table
	c := &tableCatalog{text: map[string]bool{}, fk: map[string]bool{}, rows: map[string][]string{}}
	rows, err := w.su.Query(w.ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
		WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> 'a' AND a.attgenerated = ''
		ORDER BY a.attnum`, q)
	require.NoError(t, err)
	for rows.Next() {
		var n, typ string
		require.NoError(t, rows.Scan(&n, &typ))
		c.cols = append(c.cols, n)
		c.text[n] = typ == "text"
	}
	require.NoError(t, rows.Err())
	rows, err = w.su.Query(w.ctx, `SELECT a.attname FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = ANY(k.conkey)
		WHERE k.conrelid = $1::regclass AND k.contype = 'f'`, q)
	require.NoError(t, err)
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		c.fk[n] = true
	}
	require.NoError(t, rows.Err())
	rows, err = w.su.Query(w.ctx, `SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
		WHERE i.indrelid = $1::regclass AND i.indisunique AND NOT i.indisprimary GROUP BY i.indexrelid`, q)
	require.NoError(t, err)
	for rows.Next() {
		var cols []string
		require.NoError(t, rows.Scan(&cols))
		c.uniques = append(c.uniques, cols)
	}
	require.NoError(t, rows.Err())
	org := "coalesce(organization_id, '')"
	if !c.text["organization_id"] { // a global table
		org = "''"
	}
	rows, err = w.su.Query(w.ctx, "SELECT "+org+", id FROM "+q+" ORDER BY _row_id")
	require.NoError(t, err)
	for rows.Next() {
		var o, id string
		require.NoError(t, rows.Scan(&o, &id))
		c.rows[o] = append(c.rows[o], id)
	}
	require.NoError(t, rows.Err())
	w.cat[table] = c
	return c
}

// rowsOf returns the ids of the tenant's rows in table (as built).
func (w *world) rowsOf(table string, tn *tenant) []string {
	ids := w.catalog(table).rows[tn.id.String()]
	require.NotEmpty(w.t, ids, "fixture: %s has no row of organization %s", table, tn.name)
	return ids
}

// freshUserID inserts a user nobody knows (superuser) and returns its id.
func (w *world) freshUserID() string {
	w.t.Helper()
	var id string
	require.NoError(w.t, w.su.QueryRow(w.ctx, "INSERT INTO "+w.schema+".shared_user (name, email) VALUES ('spare', $1) RETURNING id",
		"spare-"+randHex(6)+"@example.com").Scan(&id))
	return id
}

// payload returns the JSON of a copy of row id of table, with a fresh id,
// every unique column changed (so that only tenancy can refuse it), and
// overrides applied (nil values become NULL).
func (w *world) payload(table, id string, overrides map[string]any) string {
	t := w.t
	t.Helper()
	c := w.catalog(table)
	var raw []byte
	require.NoError(t, w.su.QueryRow(w.ctx, "SELECT row_to_json(t)::text FROM "+w.schema+"."+table+" t WHERE id = $1", id).Scan(&raw))
	row := map[string]any{}
	require.NoError(t, json.Unmarshal(raw, &row))
	delete(row, "_row_id")
	row["id"] = table + domain.IDSeparator + uuid.New().String()
	suffix := "-h" + randHex(4)
	for _, u := range c.uniques {
		var rest []string
		for _, col := range u {
			if col != "organization_id" && col != "id" {
				rest = append(rest, col)
			}
		}
		if len(rest) == 0 || contains(u, "id") {
			continue
		}
		changed := false
		for _, col := range rest {
			if c.text[col] && !c.fk[col] {
				if v, ok := row[col].(string); ok {
					row[col] = v + suffix
				}
				changed = true
				break
			}
		}
		if !changed && contains(rest, "user_id") {
			row["user_id"] = w.freshUserID()
		}
	}
	for k, v := range overrides {
		row[k] = v
	}
	out, err := json.Marshal(row)
	require.NoError(t, err)
	return string(out)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// insertSQL inserts the JSON payload $1 into the real table (qualified, so
// pg_temp tables of the attacker do not capture it).
func (w *world) insertSQL(table string) string {
	c := w.catalog(table)
	q := make([]string, len(c.cols))
	for i, n := range c.cols {
		q[i] = pgx.Identifier{n}.Sanitize()
	}
	rel := pgx.Identifier{w.schema, table}.Sanitize()
	return "INSERT INTO " + rel + " (" + strings.Join(q, ", ") + ") SELECT " + strings.Join(q, ", ") +
		" FROM pg_catalog.json_populate_record(NULL::" + rel + ", $1::pg_catalog.json)"
}

// control runs sql as the attacker under ctx in a transaction that is rolled
// back, and fails the test when it is refused: the payload is valid for its
// own tenant, so a refusal elsewhere is the tenancy's doing.
func (w *world) control(what, ctxValue, sql string, args ...any) {
	w.t.Helper()
	c := tenantCtx{name: "control", value: &ctxValue}
	conn := w.connect(asLogin, &c)
	defer conn.Close(w.ctx)
	tx, err := conn.Begin(w.ctx)
	require.NoError(w.t, err)
	defer tx.Rollback(w.ctx)
	tag, err := tx.Exec(w.ctx, sql, args...)
	require.NoError(w.t, err, "control %s: the payload is refused even under its own tenant: the attack would prove nothing", what)
	require.NotZero(w.t, tag.RowsAffected(), "control %s: no row written under its own tenant", what)
}

// pgCode returns the SQLSTATE of err ("" when none).
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func errText(err error) string {
	if err == nil {
		return "no error"
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code + " " + pe.Message
	}
	return err.Error()
}
