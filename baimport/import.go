package baimport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/migrate"
	"github.com/beep/iam/schema"
)

// SourceTag is written to the source column of every imported row.
const SourceTag = "better-auth import"

// Event is a progress report: phase "read" or "write" of one model.
type Event struct {
	Model string `json:"model"`
	Table string `json:"table"`
	Phase string `json:"phase"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
}

// Options configure an import.
type Options struct {
	// Source is the Better Auth database (its URL's search_path selects the
	// schema; default public). It is only read, in one REPEATABLE READ
	// READ ONLY transaction, so every table comes from one snapshot.
	Source string
	// Target is the database `iam migrate up` migrated. The login must be
	// a member of iam_auth (the importer works as it) or bypass row level
	// security itself (a superuser).
	Target string
	// Map renames models and fields (--map); nil: conventions only.
	Map Map
	// DryRun reads and checks everything, also against the target, and
	// writes nothing.
	DryRun bool
	// AllowUnknownColumns accepts source columns that iam does not store
	// (they are listed in the report and not moved); without it they are
	// problems.
	AllowUnknownColumns bool
	// KeepExpired also moves expired sessions and verifications (default:
	// skipped, they can no longer be used).
	KeepExpired bool
	// Progress receives progress events (nil: none).
	Progress func(Event)
	// IDMap receives "model,old id,new id" lines for every moved row, for
	// the application's own tables that store Better Auth ids (nil: none).
	// It is written only when the import commits.
	IDMap io.Writer
	// ChunkRows is the number of rows per COPY statement (default 10000).
	ChunkRows int
}

// ErrProblems is returned (wrapped) when the import found problems and
// wrote nothing; the report lists them.
var ErrProblems = errors.New("the source has rows the target refuses")

// pending is one model's rows, transformed for the target.
type pending struct {
	bm      *boundModel
	tr      *TableReport
	cols    []string    // target columns
	rows    [][]*string // target values; nil is NULL
	srcIDs  []string    // source id of each target row
	newIDs  []string
	present []*field // fields in target column order (without source)
}

type importer struct {
	opts   Options
	now    time.Time
	rep    *Report
	ids    map[string]map[string]string // model -> old id -> new id
	member map[[2]string]bool           // (new org, new user)
	out    []*pending
}

// Run imports opts.Source into opts.Target. The report is returned also
// with an error; a non-nil error means nothing was written.
func Run(ctx context.Context, opts Options) (*Report, error) {
	start := time.Now()
	if opts.ChunkRows <= 0 {
		opts.ChunkRows = 10000
	}
	im := &importer{
		opts: opts, now: start.UTC(), rep: &Report{DryRun: opts.DryRun},
		ids: map[string]map[string]string{}, member: map[[2]string]bool{},
	}
	rep := im.rep
	defer func() { rep.Seconds = time.Since(start).Seconds() }()

	if err := im.read(ctx); err != nil {
		return rep, err
	}
	rep.ReadSeconds = time.Since(start).Seconds()

	wstart := time.Now()
	err := im.write(ctx)
	rep.WriteSeconds = time.Since(wstart).Seconds()
	if err != nil {
		return rep, err
	}
	if rep.ProblemCount > 0 {
		return rep, fmt.Errorf("%w: %d problem(s), nothing written", ErrProblems, rep.ProblemCount)
	}
	return rep, nil
}

func (im *importer) progress(bm *boundModel, phase string, done, total int) {
	if im.opts.Progress != nil {
		im.opts.Progress(Event{Model: bm.Name, Table: bm.Table.Name, Phase: phase, Done: done, Total: total})
	}
}

// read detects the layout, reads every model and transforms its rows.
func (im *importer) read(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(im.opts.Source)
	if err != nil {
		return fmt.Errorf("--from: invalid source URL: %w", err)
	}
	cfg.RuntimeParams["TimeZone"] = "UTC"
	src, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("--from: cannot connect to the source: %w", err)
	}
	defer src.Close(context.Background())
	tx, err := src.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer tx.Rollback(context.Background())

	sch, tables, err := readSourceTables(ctx, tx)
	if err != nil {
		return err
	}
	layout, err := detect(sch, tables, im.opts.Map, buildModels())
	if err != nil {
		return err
	}
	im.rep.SourceSchema, im.rep.Naming = layout.Schema, layout.Naming
	for _, name := range layout.Foreign {
		model, why := notMovedReason(name)
		if why == "" {
			why = "not a Better Auth table"
		}
		im.rep.NotMoved = append(im.rep.NotMoved, NotMovedTable{Table: name, Model: model, Reason: why})
	}
	bound := map[string]*boundModel{}
	for _, bm := range layout.models {
		bound[bm.Name] = bm
	}
	for _, name := range Models {
		bm := bound[name]
		if bm == nil {
			t := tableOfModel(name)
			im.rep.Tables = append(im.rep.Tables, &TableReport{Model: name, TargetTable: t, Absent: true})
			continue
		}
		tr := &TableReport{Model: name, SourceTable: bm.Source.Name, TargetTable: bm.Table.Name, Naming: bm.Naming}
		im.rep.Tables = append(im.rep.Tables, tr)
		if err := im.readModel(ctx, tx, bm, tr); err != nil {
			return err
		}
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// readModel reads one model's rows as text and transforms them.
func (im *importer) readModel(ctx context.Context, tx pgx.Tx, bm *boundModel, tr *TableReport) error {
	p := &pending{bm: bm, tr: tr}
	var exprs []string
	for _, f := range bm.Fields {
		col, ok := bm.Columns[f.Name]
		if !ok {
			tr.MissingFields = append(tr.MissingFields, f.Name)
			if f.Column.NotNull && !f.HasFallback && f.Column.Derived == "" {
				im.rep.problem(tr, Problem{Table: bm.Source.Name, Field: f.Name,
					Rule: fmt.Sprintf("required by %s.%s, but the source table has no column for it (--map renames fields)", bm.Table.Name, f.Column.Name)})
			}
			continue
		}
		p.present = append(p.present, f)
		p.cols = append(p.cols, f.Column.Name)
		e := quoteIdent(col)
		if bm.Source.Columns[col].DataType == "timestamp without time zone" {
			// Drizzle's timestamp() columns hold UTC wall time.
			e = "(" + e + " AT TIME ZONE 'UTC')"
		}
		exprs = append(exprs, e+"::text")
	}
	p.cols = append(p.cols, schema.ColSource)
	if len(bm.Unknown) > 0 {
		tr.UnknownColumns = bm.Unknown
		if !im.opts.AllowUnknownColumns {
			im.rep.problem(tr, Problem{Table: bm.Source.Name,
				Rule: fmt.Sprintf("columns %s are not stored by iam (additionalFields?); add them to the iam schema, or pass --allow-unknown-columns to leave them behind", strings.Join(bm.Unknown, ", "))})
		}
	}
	tbl := quoteIdent(bm.Source.Name)
	var total int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+tbl).Scan(&total); err != nil {
		return fmt.Errorf("source %s: %w", bm.Source.Name, err)
	}
	im.progress(bm, "read", 0, total)
	rows, err := tx.Query(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+tbl+" ORDER BY "+quoteIdent(bm.IDCol), pgx.QueryResultFormats{pgx.TextFormatCode})
	if err != nil {
		return fmt.Errorf("source %s: %w", bm.Source.Name, err)
	}
	defer rows.Close()
	t := newTransform(im, p)
	n := 0
	for rows.Next() {
		raw := rows.RawValues()
		vals := make([]*string, len(raw))
		for i, b := range raw {
			if b != nil {
				s := string(b)
				vals[i] = &s
			}
		}
		t.row(vals)
		n++
		if n%10000 == 0 {
			im.progress(bm, "read", n, total)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("source %s: %w", bm.Source.Name, err)
	}
	tr.Read = n
	tr.Rows = len(p.rows)
	im.progress(bm, "read", n, max(n, total))
	im.out = append(im.out, p)
	im.rep.RowsRead += n
	return nil
}

// transform turns source rows of one model into target rows.
type transform struct {
	im      *importer
	p       *pending
	idx     map[string]int // field -> index in the row
	uniques []uniqueCheck
	enumOf  map[int][]string
}

type uniqueCheck struct {
	name string
	cols []int // indexes into the target row
	seen map[string]string
}

func newTransform(im *importer, p *pending) *transform {
	t := &transform{im: im, p: p, idx: map[string]int{}, enumOf: map[int][]string{}}
	for i, f := range p.present {
		t.idx[f.Name] = i
		if f.Column.Enum != nil {
			t.enumOf[i] = f.Column.Enum.Values
		}
	}
	if im.ids[p.bm.Name] == nil {
		im.ids[p.bm.Name] = map[string]string{}
	}
	colIdx := func(name string) int { return slices.Index(p.cols, name) }
	for _, ix := range p.bm.Table.AllIndexes() {
		if !ix.IsUnique || ix.Primary || ix.Where != "" || slices.Equal(ix.Columns, []string{schema.ColID}) {
			continue
		}
		u := uniqueCheck{name: ix.Name, seen: map[string]string{}}
		for _, c := range ix.Columns {
			i := colIdx(c)
			if i < 0 {
				u.cols = nil
				break
			}
			u.cols = append(u.cols, i)
		}
		if len(u.cols) > 0 {
			t.uniques = append(t.uniques, u)
		}
	}
	return t
}

func (t *transform) val(vals []*string, field string) *string {
	if i, ok := t.idx[field]; ok {
		return vals[i]
	}
	return nil
}

func parseTime(s string) (time.Time, bool) {
	tm, err := time.Parse("2006-01-02 15:04:05.999999-07", s)
	if err != nil {
		tm, err = time.Parse("2006-01-02 15:04:05.999999-07:00", s)
	}
	return tm, err == nil
}

// newID returns "<table>__<uuidv7>" whose time part is the row's creation
// time when known, so ids keep the source's order.
func newID(table string, created *string) string {
	u := uuid.Must(uuid.NewV7())
	if created != nil {
		if tm, ok := parseTime(*created); ok && tm.UnixMilli() > 0 {
			ms := uint64(tm.UnixMilli())
			for i := 0; i < 6; i++ {
				u[i] = byte(ms >> (8 * (5 - i)))
			}
		}
	}
	return table + domain.IDSeparator + u.String()
}

func (t *transform) row(vals []*string) {
	im, p, bm := t.im, t.p, t.p.bm
	tr := p.tr
	srcTable := bm.Source.Name
	oldID := ""
	if v := t.val(vals, "id"); v != nil {
		oldID = *v
	}
	bad := false
	prob := func(field, rule string) {
		bad = true
		im.rep.problem(tr, Problem{Table: srcTable, SourceID: oldID, Field: field, Rule: rule})
	}
	if oldID == "" {
		prob("id", "is empty")
		return
	}
	// Expired rows that can never be used again are left behind.
	if (bm.Name == "session" || bm.Name == "verification") && !im.opts.KeepExpired {
		if v := t.val(vals, "expiresAt"); v != nil {
			if tm, ok := parseTime(*v); ok && !tm.After(im.now) {
				if tr.Skipped == nil {
					tr.Skipped = map[string]int{}
				}
				tr.Skipped["expired"]++
				return
			}
		}
	}
	out := make([]*string, len(p.cols))
	newRowID := ""
	for i, f := range p.present {
		v := vals[i]
		switch f.Kind {
		case kindID:
			if _, dup := im.ids[bm.Name][oldID]; dup {
				prob(f.Name, "duplicate id in the source")
				continue
			}
			newRowID = newID(bm.Table.Name, t.val(vals, "createdAt"))
			im.ids[bm.Name][oldID] = newRowID
			out[i] = &newRowID
			continue
		case kindRef:
			if v == nil {
				break
			}
			n, ok := im.ids[f.RefModel][*v]
			if !ok {
				prob(f.Name, fmt.Sprintf("references %s %q, which is not in the source (dangling reference)", f.RefModel, *v))
				continue
			}
			out[i] = &n
			continue
		case kindSoftRef:
			if v == nil {
				continue
			}
			n, ok := im.ids[f.RefModel][*v]
			if !ok {
				t.clear(f.Name + ": " + f.RefModel + " not in the source")
				continue
			}
			out[i] = &n
			continue
		case kindOwner:
			if v == nil {
				break
			}
			u, isUser := im.ids["user"][*v]
			o, isOrg := im.ids["organization"][*v]
			switch {
			case isUser && isOrg:
				prob(f.Name, fmt.Sprintf("%q is the id of a user and of an organization (ambiguous owner)", *v))
			case isUser:
				out[i] = &u
			case isOrg:
				out[i] = &o
			default:
				prob(f.Name, fmt.Sprintf("references %q, which is no user or organization of the source (dangling reference)", *v))
			}
			continue
		case kindTeamList:
			if v == nil || *v == "" {
				out[i] = v
				continue
			}
			parts := strings.Split(*v, ",")
			okAll := true
			for j, part := range parts {
				n, ok := im.ids["team"][strings.TrimSpace(part)]
				if !ok {
					prob(f.Name, fmt.Sprintf("references team %q, which is not in the source (dangling reference)", strings.TrimSpace(part)))
					okAll = false
					break
				}
				parts[j] = n
			}
			if okAll {
				s := strings.Join(parts, ",")
				out[i] = &s
			}
			continue
		case kindAccountID:
			if v != nil {
				if prov := t.val(vals, "providerId"); prov != nil && *prov == "credential" {
					if n, ok := im.ids["user"][*v]; ok {
						out[i] = &n
						continue
					}
				}
			}
		case kindVerifValue:
			if v != nil {
				s := im.rewriteValue(*v)
				out[i] = &s
				continue
			}
		case kindVerifIdent:
			if v != nil {
				s := im.rewriteIdentifier(*v)
				out[i] = &s
				continue
			}
		}
		if v == nil {
			if f.Column.NotNull {
				switch {
				case f.Now:
					s := im.now.Format(time.RFC3339Nano)
					out[i] = &s
				case f.HasFallback:
					s := f.Fallback
					out[i] = &s
				default:
					prob(f.Name, "is required (NULL in the source)")
				}
			}
			continue
		}
		if bm.Name == "user" && f.Name == "email" {
			e, err := domain.NormalizeEmail(*v)
			if err != nil {
				prob(f.Name, "not a valid e-mail address: "+err.Error())
				continue
			}
			v = &e
		}
		if values, ok := t.enumOf[i]; ok && !slices.Contains(values, *v) {
			prob(f.Name, fmt.Sprintf("not one of the values of %s (%s)", f.Column.Enum.Name, strings.Join(values, ", ")))
			continue
		}
		out[i] = v
	}
	if bad {
		return
	}
	// A session's active organization must be one its user is a member of
	// (trigger iam_session_check_active_org); Better Auth does not keep
	// that, so a session of a user who left is cleared rather than refused.
	if bm.Name == "session" {
		oi, ui := slices.Index(p.cols, "active_organization_id"), slices.Index(p.cols, "user_id")
		if oi >= 0 && ui >= 0 && out[oi] != nil && out[ui] != nil && !im.member[[2]string{*out[oi], *out[ui]}] {
			out[oi] = nil
			t.clear("activeOrganizationId: user not a member")
		}
	}
	if bm.Name == "member" {
		oi, ui := slices.Index(p.cols, "organization_id"), slices.Index(p.cols, "user_id")
		if oi >= 0 && ui >= 0 && out[oi] != nil && out[ui] != nil {
			im.member[[2]string{*out[oi], *out[ui]}] = true
		}
	}
	for _, u := range t.uniques {
		var key strings.Builder
		null := false
		for _, c := range u.cols {
			if out[c] == nil {
				null = true
				break
			}
			key.WriteString(*out[c])
			key.WriteByte(0)
		}
		if null {
			continue
		}
		if first, dup := u.seen[key.String()]; dup {
			prob(strings.Join(colNames(p.cols, u.cols), ","), fmt.Sprintf("unique %s: the same value as source row %q", u.name, first))
			return
		}
		u.seen[key.String()] = oldID
	}
	tag := SourceTag
	out[len(out)-1] = &tag
	p.rows = append(p.rows, out)
	p.srcIDs = append(p.srcIDs, oldID)
	p.newIDs = append(p.newIDs, newRowID)
}

func colNames(cols []string, idx []int) []string {
	out := make([]string, len(idx))
	for i, j := range idx {
		out[i] = cols[j]
	}
	return out
}

func (t *transform) clear(reason string) {
	if t.p.tr.Cleared == nil {
		t.p.tr.Cleared = map[string]int{}
	}
	t.p.tr.Cleared[reason]++
}

// rewriteValue maps the user ids a verification value names: the whole
// value (password reset tokens store the user id), or string members of a
// JSON object whose key is "id" or ends in "Id"/"ID" (e.g. change-email and
// passkey challenges).
// otpIdentifierPrefix starts the identifier of a second-factor OTP sent to
// a signed-in session: "2fa-otp-<user id>!<session id>" (two-factor plugin,
// Better Auth 1.7).
const otpIdentifierPrefix = "2fa-otp-"

// rewriteIdentifier rewrites a verification identifier that names a user
// and a session by their ids, so that the code sent before the move still
// matches; any other identifier (tokens, e-mail addresses, phone numbers,
// or a hashed identifier) is copied.
func (im *importer) rewriteIdentifier(v string) string {
	rest, ok := strings.CutPrefix(v, otpIdentifierPrefix)
	if !ok {
		return v
	}
	user, session, ok := strings.Cut(rest, "!")
	if !ok {
		return v
	}
	nu, okU := im.ids["user"][user]
	ns, okS := im.ids["session"][session]
	if !okU || !okS {
		return v
	}
	return otpIdentifierPrefix + nu + "!" + ns
}

func (im *importer) rewriteValue(v string) string {
	users := im.ids["user"]
	if n, ok := users[v]; ok {
		return n
	}
	if !strings.HasPrefix(strings.TrimSpace(v), "{") {
		return v
	}
	var doc any
	if json.Unmarshal([]byte(v), &doc) != nil {
		return v
	}
	found := map[string]string{}
	var walk func(any)
	walk = func(x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && (k == "id" || strings.HasSuffix(k, "Id") || strings.HasSuffix(k, "ID")) {
					if n, ok := users[s]; ok {
						found[s] = n
					}
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(doc)
	for old, n := range found {
		v = strings.ReplaceAll(v, `"`+old+`"`, `"`+n+`"`)
	}
	return v
}

// targetRole makes the transaction work as iam_auth (which bypasses row
// level security), or checks that the login bypasses it already.
func targetRole(ctx context.Context, tx pgx.Tx) error {
	var super, bypass, member bool
	err := tx.QueryRow(ctx, `SELECT rolsuper, rolbypassrls, pg_has_role(current_user, $1, 'MEMBER')
	                           FROM pg_roles WHERE rolname = current_user`, schema.AuthRole).Scan(&super, &bypass, &member)
	if err != nil {
		return fmt.Errorf("target: reading the login's role: %w", err)
	}
	if member {
		_, err = tx.Exec(ctx, "SET LOCAL ROLE "+schema.AuthRole)
		return err
	}
	if super || bypass {
		return nil
	}
	return fmt.Errorf("target: the login must be a member of %s (GRANT %s TO <login>) or bypass row level security: the import writes every organization's rows", schema.AuthRole, schema.AuthRole)
}

// write checks the target and, unless this is a dry run or there are
// problems, COPYs everything in one transaction.
func (im *importer) write(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(im.opts.Target)
	if err != nil {
		return fmt.Errorf("target: invalid URL: %w", err)
	}
	cfg.RuntimeParams["TimeZone"] = "UTC"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("target: cannot connect: %w", err)
	}
	defer conn.Close(context.Background())
	st, err := migrate.Default().Status(ctx, conn)
	if err != nil {
		return fmt.Errorf("target: reading the migration status: %w", err)
	}
	if pend := st.Pending(); len(pend) > 0 {
		return fmt.Errorf("target: %d migration(s) pending (at version %d of %d): run `iam migrate up` on the target first", len(pend), st.Current, st.Latest)
	}
	if len(st.Unknown) > 0 {
		return fmt.Errorf("target: applied migration %d is unknown to this iam version: use the iam that migrated it", st.Unknown[0].Version)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		return fmt.Errorf("target: %w", err)
	}
	defer tx.Rollback(context.Background())
	if err := targetRole(ctx, tx); err != nil {
		return err
	}
	if err := im.collisions(ctx, tx); err != nil {
		return err
	}
	for _, p := range im.out {
		im.rep.RowsWritten += len(p.rows)
	}
	if im.rep.ProblemCount > 0 || im.opts.DryRun {
		if im.rep.ProblemCount > 0 {
			im.rep.RowsWritten = 0
		}
		return nil
	}
	for _, p := range im.out {
		if err := im.copyModel(ctx, tx, p); err != nil {
			im.rep.RowsWritten = 0
			for _, t := range im.rep.Tables {
				t.Written = 0
			}
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		im.rep.RowsWritten = 0
		return fmt.Errorf("target: commit: %w", err)
	}
	im.rep.Committed = true
	if im.opts.IDMap != nil {
		for _, p := range im.out {
			for i, old := range p.srcIDs {
				if _, err := fmt.Fprintf(im.opts.IDMap, "%s,%s,%s\n", p.bm.Name, csvField(old), p.newIDs[i]); err != nil {
					return fmt.Errorf("--id-map: %w (the import is committed)", err)
				}
			}
		}
	}
	return nil
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n\r") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

// collisions reports rows whose unique values the target already has
// (importing twice is refused: the second run finds every user's e-mail).
func (im *importer) collisions(ctx context.Context, tx pgx.Tx) error {
	for _, p := range im.out {
		for _, ix := range p.bm.Table.AllIndexes() {
			if !ix.IsUnique || ix.Primary || ix.Where != "" || len(ix.Columns) != 1 || ix.Columns[0] == schema.ColID {
				continue
			}
			c := p.bm.Table.Column(ix.Columns[0])
			if c == nil || c.Type != schema.TypeText {
				continue
			}
			ci := slices.Index(p.cols, c.Name)
			if ci < 0 {
				continue
			}
			vals := make([]string, 0, len(p.rows))
			byVal := map[string]string{}
			for i, r := range p.rows {
				if r[ci] != nil {
					vals = append(vals, *r[ci])
					byVal[*r[ci]] = p.srcIDs[i]
				}
			}
			if len(vals) == 0 {
				continue
			}
			rows, err := tx.Query(ctx, fmt.Sprintf("SELECT %s FROM %s WHERE %s = ANY($1::text[])", quoteIdent(c.Name), quoteIdent(p.bm.Table.Name), quoteIdent(c.Name)), vals)
			if err != nil {
				return fmt.Errorf("target %s: %w", p.bm.Table.Name, err)
			}
			var hits []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					rows.Close()
					return err
				}
				hits = append(hits, s)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			slices.SortFunc(hits, func(a, b string) int { return strings.Compare(byVal[a], byVal[b]) })
			for _, h := range hits {
				im.rep.problem(p.tr, Problem{Table: p.bm.Source.Name, SourceID: byVal[h], Field: p.bm.fieldOf(c.Name),
					Rule: fmt.Sprintf("unique %s: the target already has this value (imported before? importing twice is refused)", ix.Name)})
			}
		}
	}
	return nil
}

func (bm *boundModel) fieldOf(col string) string {
	for _, f := range bm.Fields {
		if f.Column.Name == col {
			return f.Name
		}
	}
	return col
}
