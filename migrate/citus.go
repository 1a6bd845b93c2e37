package migrate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
)

// The Citus check (iam check --citus) reads the live catalog — it needs no
// Citus — and reports what Citus would refuse, or what would have to
// change, if the schema were distributed the way docs/scaling.md
// describes:
//
//   - the organization table (the one every organization_id references)
//     is distributed by its id, and every table with an organization_id
//     column by organization_id, all in one co-location group;
//   - a table without organization_id that a distributed table references
//     becomes a reference table (a copy on every node: Citus allows
//     foreign keys from distributed to reference tables), unless it is
//     written on every request or sign-in (CitusLocalTables): those stay
//     local tables on the coordinator;
//   - every other table stays local.
//
// Each finding has a severity: CitusRefuse (Citus rejects the DDL:
// create_distributed_table, create_reference_table or the constraint
// would fail), CitusChange (accepted, but it would not behave as on one
// server until changed: triggers, RLS settings, SECURITY DEFINER
// functions, identity columns), CitusFanOut (a query path without the
// distribution column: it goes to every shard).

// Citus table classes.
const (
	CitusDistributed = "distributed"
	CitusReference   = "reference"
	CitusLocal       = "local"
)

// Citus finding severities.
const (
	CitusRefuse = "refuse"
	CitusChange = "change"
	CitusFanOut = "fan-out"
)

// CitusLocalTables are global tables that stay local to the coordinator
// even when a distributed table references them: a reference table
// replicates every write to every node, and these are written on every
// request or sign-in (sessions, verification values, rate-limit counters).
var CitusLocalTables = map[string]string{
	"shared_session":   "written on every sign-in and touched by session refreshes",
	"iam_verification": "written on every verification email and sign-in code",
	"iam_rate_limit":   "written on every rate-limited request",
}

// CitusTable is the class the layout gives a table.
type CitusTable struct {
	Name  string `json:"table"`
	Class string `json:"class"`
	// Column is the distribution column of a distributed table.
	Column string `json:"distribution_column,omitempty"`
	Why    string `json:"why"`
}

// CitusFinding is one thing Citus would refuse or that would need a
// change.
type CitusFinding struct {
	Table    string `json:"table,omitempty"`
	Severity string `json:"severity"`
	// Kind: primary_key, unique_index, foreign_key, foreign_key_to_local,
	// foreign_key_to_distributed, nullable_distribution_column, trigger,
	// rls_policy_subquery, rls_setting, security_definer, identity,
	// sequence, fan_out.
	Kind    string `json:"kind"`
	Object  string `json:"object,omitempty"`
	Message string `json:"message"`
}

func (f CitusFinding) String() string {
	where := f.Table
	if f.Object != "" {
		if where != "" {
			where += "."
		}
		where += f.Object
	}
	return fmt.Sprintf("%-7s %-28s %s: %s", f.Severity, f.Kind, where, f.Message)
}

// CitusReport is the result of CitusCheck.
type CitusReport struct {
	Database string         `json:"database"`
	Schema   string         `json:"schema"`
	Tables   []CitusTable   `json:"tables"`
	Findings []CitusFinding `json:"findings"`
}

// Count returns the number of findings of a severity.
func (r *CitusReport) Count(severity string) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == severity {
			n++
		}
	}
	return n
}

// OK reports whether Citus would take the layout as it is: no finding of
// severity refuse or change (fan-out findings are performance, not
// correctness).
func (r *CitusReport) OK() bool { return r.Count(CitusRefuse)+r.Count(CitusChange) == 0 }

// Find returns the findings of table and kind ("" matches any).
func (r *CitusReport) Find(table, kind string) []CitusFinding {
	var out []CitusFinding
	for _, f := range r.Findings {
		if (table == "" || f.Table == table) && (kind == "" || f.Kind == kind) {
			out = append(out, f)
		}
	}
	return out
}

// Table returns the class of a table, or nil.
func (r *CitusReport) Table(name string) *CitusTable {
	for i := range r.Tables {
		if r.Tables[i].Name == name {
			return &r.Tables[i]
		}
	}
	return nil
}

// WriteText writes the layout and the findings, grouped by severity.
func (r *CitusReport) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Citus layout of %s (schema %s), read from the catalog:\n", r.Database, r.Schema)
	for _, t := range r.Tables {
		class := t.Class
		if t.Column != "" {
			class += " by " + t.Column
		}
		fmt.Fprintf(&b, "  %-28s %-32s %s\n", t.Name, class, t.Why)
	}
	for _, sev := range []string{CitusRefuse, CitusChange, CitusFanOut} {
		n := r.Count(sev)
		if n == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", map[string]string{
			CitusRefuse: "Citus would refuse", CitusChange: "Would need a change", CitusFanOut: "Queries that fan out to every shard"}[sev], n)
		for _, f := range r.Findings {
			if f.Severity == sev {
				fmt.Fprintf(&b, "  %s\n", f)
			}
		}
	}
	fmt.Fprintf(&b, "\n%d refused, %d to change, %d fan-out\n", r.Count(CitusRefuse), r.Count(CitusChange), r.Count(CitusFanOut))
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as one JSON object.
func (r *CitusReport) WriteJSON(w io.Writer) error {
	out := struct {
		*CitusReport
		Refused int  `json:"refused"`
		Change  int  `json:"change"`
		FanOut  int  `json:"fan_out"`
		OK      bool `json:"ok"`
	}{r, r.Count(CitusRefuse), r.Count(CitusChange), r.Count(CitusFanOut), r.OK()}
	if out.Findings == nil {
		out.Findings = []CitusFinding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// CitusCheck introspects the connection's current schema and checks it
// against the Citus layout. It only reads the catalog.
func CitusCheck(ctx context.Context, q Querier) (*CitusReport, error) {
	db, err := Introspect(ctx, q)
	if err != nil {
		return nil, err
	}
	return CitusCheckSchema(db), nil
}

// OrganizationColumn is the distribution column of the layout.
const OrganizationColumn = "organization_id"

var (
	subqueryRE   = regexp.MustCompile(`(?i)\bSELECT\b`)
	settingRE    = regexp.MustCompile(`current_setting\('([^']+)'`)
	nextvalRE    = regexp.MustCompile(`nextval\(`)
	triggerFnRE  = regexp.MustCompile(`EXECUTE (?:FUNCTION|PROCEDURE) ([^(]+)\(`)
	bigintTypeRE = regexp.MustCompile(`^bigint$`)
)

// CitusCheckSchema checks an introspected schema (see CitusCheck).
func CitusCheckSchema(db *DBSchema) *CitusReport {
	r := &CitusReport{Database: db.Database, Schema: db.Namespace}
	names := sortedKeys(db.Tables)

	// The organization table: what organization_id references.
	orgTable, orgColumn := "", ""
	for _, n := range names {
		for _, fk := range db.Tables[n].ForeignKeys {
			if len(fk.Columns) == 1 && fk.Columns[0] == OrganizationColumn && fk.RefTable != n {
				orgTable, orgColumn = fk.RefTable, fk.RefColumns[0]
			}
		}
	}
	class := map[string]*CitusTable{}
	for _, n := range names {
		t := db.Tables[n]
		switch {
		case n == orgTable:
			class[n] = &CitusTable{Name: n, Class: CitusDistributed, Column: orgColumn, Why: "the organizations: every " + OrganizationColumn + " references it"}
		case t.Column(OrganizationColumn) != nil:
			why := "organization-scoped"
			if !t.Column(OrganizationColumn).NotNull {
				why = "optional organization: its organization rows"
			}
			class[n] = &CitusTable{Name: n, Class: CitusDistributed, Column: OrganizationColumn, Why: why}
		}
	}
	// Global tables: reference when a distributed table references them,
	// unless written per request.
	for _, n := range names {
		if class[n] != nil {
			continue
		}
		var from []string
		for _, m := range names {
			if c := class[m]; c != nil && c.Class == CitusDistributed {
				for _, fk := range db.Tables[m].ForeignKeys {
					if fk.RefTable == n && !slices.Contains(from, m) {
						from = append(from, m)
					}
				}
			}
		}
		switch {
		case CitusLocalTables[n] != "":
			class[n] = &CitusTable{Name: n, Class: CitusLocal, Why: "global, " + CitusLocalTables[n]}
		case len(from) > 0:
			class[n] = &CitusTable{Name: n, Class: CitusReference, Why: "global, referenced by " + strings.Join(from, ", ")}
		default:
			class[n] = &CitusTable{Name: n, Class: CitusLocal, Why: "global, referenced by no distributed table"}
		}
	}
	for _, n := range names {
		r.Tables = append(r.Tables, *class[n])
	}

	add := func(f CitusFinding) { r.Findings = append(r.Findings, f) }
	for _, n := range names {
		t, c := db.Tables[n], class[n]
		if c.Class == CitusDistributed {
			checkDistributed(t, c, add)
		}
		checkForeignKeys(t, c, class, add)
		if c.Class != CitusLocal {
			checkTriggersAndPolicies(t, c, add)
		}
		checkIdentity(t, c, add)
	}
	for _, f := range db.Routines {
		if f.SecurityDefiner {
			add(CitusFinding{Severity: CitusChange, Kind: "security_definer", Object: f.Signature,
				Message: "SECURITY DEFINER: on Citus it runs on the coordinator as its owner, and its statements on distributed tables go to the workers " +
					"as that owner (the role must exist on every node with the same rights); to run next to the data distribute it with " +
					"create_distributed_function(..., distribution_arg) keyed by the organization"})
		}
	}
	return r
}

// checkDistributed reports keys without the distribution column, a
// nullable distribution column, and indexes that serve lookups without it.
func checkDistributed(t *DBTable, c *CitusTable, add func(CitusFinding)) {
	if col := t.Column(c.Column); col != nil && !col.NotNull {
		add(CitusFinding{Table: t.Name, Severity: CitusRefuse, Kind: "nullable_distribution_column", Object: c.Column,
			Message: "NULL is allowed (rows without an organization): Citus refuses NULL in the distribution column; " +
				"move those rows to a table of their own (distributed by user, or a reference table) or give each user an organization"})
	}
	for _, name := range sortedKeys(t.Indexes) {
		ix := t.Indexes[name]
		has := slices.Contains(ix.Columns, c.Column)
		switch {
		case (ix.Primary || ix.Unique) && !has:
			kind, what := "unique_index", "unique index"
			if ix.Primary {
				kind, what = "primary_key", "primary key"
			}
			add(CitusFinding{Table: t.Name, Severity: CitusRefuse, Kind: kind, Object: name,
				Message: fmt.Sprintf("%s (%s) lacks the distribution column %s: Citus enforces uniqueness per shard only, so it refuses it; "+
					"make it (%s, %s)%s", what, strings.Join(ix.Columns, ", "), c.Column, c.Column, strings.Join(ix.Columns, ", "),
					uniquenessNote(ix))})
		}
		// A lookup path without the distribution column (the primary
		// key _row_id is the storage key, not a query path).
		if !has && !ix.Primary {
			msg := fmt.Sprintf("lookups by (%s) carry no %s: each one goes to every shard", strings.Join(ix.Columns, ", "), c.Column)
			if q := betterAuthLookup(t.Name, ix.Columns); q != "" {
				msg += "; Better Auth: " + q
			}
			add(CitusFinding{Table: t.Name, Severity: CitusFanOut, Kind: "fan_out", Object: name, Message: msg})
		}
	}
}

// betterAuthQueries are the Better Auth queries known to look a table up
// by a column other than organization_id (table.column).
var betterAuthQueries = map[string]string{
	"iam_member.user_id":                      "listOrganizations and the active member of a session (members of a user)",
	"iam_team_member.user_id":                 "listUserTeams (team memberships of a user)",
	"iam_invitation.email":                    "listUserInvitations (invitations by email)",
	"shared_organization.slug":                "checkSlug and getFullOrganization by slug",
	"iam_apikey.key":                          "verifyApiKey (key by hash)",
	"iam_apikey.user_id":                      "listApiKeys (keys of a user)",
	"iam_oauth_access_token.access_token":     "OAuth userinfo and introspection (token by access token)",
	"iam_oauth_access_token.refresh_token":    "OAuth refresh (token by refresh token)",
	"iam_oauth_client.client_id":              "OAuth authorize and token (client by client_id)",
	"iam_sso_provider.provider_id":            "SSO sign-in (provider by id)",
	"iam_sso_provider.domain":                 "SSO sign-in by email domain",
	"iam_scim_provider.scim_token":            "SCIM requests (provider by bearer token)",
	"iam_subscription.stripe_subscription_id": "Stripe webhooks (subscription by Stripe id)",
}

// betterAuthLookup names the Better Auth query served by an index on cols
// of table, if one is known: every model is also read by its id alone
// (findOne by id).
func betterAuthLookup(table string, cols []string) string {
	if len(cols) != 1 {
		return ""
	}
	if cols[0] == "id" {
		return "findOne/update/delete by id (every model)"
	}
	return betterAuthQueries[table+"."+cols[0]]
}

func uniquenessNote(ix DBIndex) string {
	if ix.Primary {
		return ""
	}
	return ", which no longer keeps the value unique across organizations"
}

// checkForeignKeys applies Citus' foreign key rules: between distributed
// tables only when co-located and including the distribution column on
// both sides; from distributed to reference tables; never from
// distributed to local, from reference or local to distributed.
func checkForeignKeys(t *DBTable, c *CitusTable, class map[string]*CitusTable, add func(CitusFinding)) {
	for _, name := range sortedKeys(t.ForeignKeys) {
		fk := t.ForeignKeys[name]
		ref := class[fk.RefTable]
		if ref == nil {
			continue
		}
		desc := fmt.Sprintf("(%s) → %s(%s)", strings.Join(fk.Columns, ", "), fk.RefTable, strings.Join(fk.RefColumns, ", "))
		switch {
		case c.Class == CitusDistributed && ref.Class == CitusDistributed:
			i := slices.Index(fk.Columns, c.Column)
			if i < 0 || fk.RefColumns[i] != ref.Column {
				add(CitusFinding{Table: t.Name, Severity: CitusRefuse, Kind: "foreign_key", Object: name,
					Message: fmt.Sprintf("%s between distributed tables does not pair %s with %s.%s: Citus refuses it; make it (%s, %s) → %s(%s, %s)",
						desc, c.Column, fk.RefTable, ref.Column, c.Column, strings.Join(fk.Columns, ", "), fk.RefTable, ref.Column, strings.Join(fk.RefColumns, ", "))})
			}
		case c.Class == CitusDistributed && ref.Class == CitusLocal:
			add(CitusFinding{Table: t.Name, Severity: CitusRefuse, Kind: "foreign_key_to_local", Object: name,
				Message: desc + " references a local table: Citus refuses foreign keys from distributed to local tables; drop it (check in the application) or make " +
					fk.RefTable + " a reference table"})
		case c.Class != CitusDistributed && ref.Class == CitusDistributed:
			add(CitusFinding{Table: t.Name, Severity: CitusRefuse, Kind: "foreign_key_to_distributed", Object: name,
				Message: fmt.Sprintf("%s goes from a %s table to a distributed one: Citus refuses it; drop it or distribute %s by %s too", desc, c.Class, t.Name, OrganizationColumn)})
		case c.Class == CitusReference && ref.Class == CitusLocal:
			if fk.OnDelete == "CASCADE" || fk.OnUpdate == "CASCADE" || fk.OnDelete == "SET NULL" || fk.OnDelete == "SET DEFAULT" {
				add(CitusFinding{Table: t.Name, Severity: CitusRefuse, Kind: "foreign_key_to_local", Object: name,
					Message: desc + " from a reference to a local table has a cascading action: Citus refuses it"})
			}
		}
	}
}

// checkTriggersAndPolicies reports triggers and RLS policies of a
// distributed or reference table.
func checkTriggersAndPolicies(t *DBTable, c *CitusTable, add func(CitusFinding)) {
	for _, name := range sortedKeys(t.Triggers) {
		fn := ""
		if m := triggerFnRE.FindStringSubmatch(t.Triggers[name]); m != nil {
			fn = " (" + strings.TrimSpace(m[1]) + ")"
		}
		add(CitusFinding{Table: t.Name, Severity: CitusChange, Kind: "trigger", Object: name,
			Message: "trigger" + fn + " on a " + c.Class + " table: Citus creates it on the shards only with citus.enable_unsafe_triggers, " +
				"and then it runs on the worker, where statements on other tables reach only co-located shards; re-check the rule it enforces there"})
	}
	settings := map[string]bool{}
	for _, name := range sortedKeys(t.Policies) {
		p := t.Policies[name]
		expr := p.Using + " " + p.WithCheck
		if subqueryRE.MatchString(expr) {
			add(CitusFinding{Table: t.Name, Severity: CitusRefuse, Kind: "rls_policy_subquery", Object: name,
				Message: "policy expression has a subquery: Citus refuses subqueries in policies on distributed tables; " +
					"use a function of the row and settings, or a column on the table"})
		}
		for _, m := range settingRE.FindAllStringSubmatch(expr, -1) {
			settings[m[1]] = true
		}
	}
	if len(settings) > 0 {
		add(CitusFinding{Table: t.Name, Severity: CitusChange, Kind: "rls_setting", Object: strings.Join(sortedKeys(settings), ", "),
			Message: "policies read " + strings.Join(sortedKeys(settings), ", ") + ": on Citus they are evaluated on the workers, which see a setting " +
				"only if it is sent there: SET LOCAL with citus.propagate_set_commands = 'local' is, set_config() is not; until then the policies see no tenant and refuse every row"})
	}
}

// checkIdentity reports identity columns and sequence defaults.
func checkIdentity(t *DBTable, c *CitusTable, add func(CitusFinding)) {
	if c.Class == CitusLocal {
		return
	}
	for _, col := range t.Columns {
		switch {
		case col.Identity != "":
			if bigintTypeRE.MatchString(col.Type) {
				add(CitusFinding{Table: t.Name, Severity: CitusChange, Kind: "identity", Object: col.Name,
					Message: "bigint identity on a " + c.Class + " table: Citus gives each node its own range, so values stay unique but are no longer ordered by insertion across nodes, " +
						"and alter_distributed_table/undistribute_table refuse the table"})
			} else {
				add(CitusFinding{Table: t.Name, Severity: CitusRefuse, Kind: "identity", Object: col.Name,
					Message: col.Type + " identity on a " + c.Class + " table: Citus before 12 accepts identity columns of type bigint only (12 accepts smaller ones but no inserts from workers)"})
			}
		case nextvalRE.MatchString(col.Default):
			add(CitusFinding{Table: t.Name, Severity: CitusChange, Kind: "sequence", Object: col.Name,
				Message: "default " + col.Default + ": the sequence is propagated with the table and each node draws from its own range; values are unique, not ordered"})
		}
	}
}
