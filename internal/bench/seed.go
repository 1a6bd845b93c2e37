package bench

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/baformat"
	"github.com/jackc/pgx/v5"
)

// SeedConfig sizes the data set. Zero fields take the defaults, which keep
// seeding under ~15 s on a loaded 2-core machine.
type SeedConfig struct {
	// Users is the number of users (default 10,000). Every user has one
	// session whose active organization is the large organization, and is a
	// member of it: the large organization has Users members.
	Users int
	// Orgs is the number of organizations (default 100): the large one and
	// Orgs-1 small ones, each with one owner.
	Orgs int
	// APIKeys is the number of API keys (default 1,000), owned by users,
	// with rate limiting off and remaining NULL so verification never refuses.
	APIKeys int
	// Progress receives a progress bar (nil: none), e.g. os.Stderr.
	Progress io.Writer
}

// Defaults of SeedConfig.
const (
	DefaultUsers   = 10_000
	DefaultOrgs    = 100
	DefaultAPIKeys = 1_000
	// PageSize is the member page size the member-page path reads.
	PageSize = 50
	// APIKeyPrefix starts every seeded API key.
	APIKeyPrefix = "bench_"
)

func (c SeedConfig) withDefaults() SeedConfig {
	if c.Users <= 0 {
		c.Users = DefaultUsers
	}
	if c.Orgs <= 0 {
		c.Orgs = DefaultOrgs
	}
	if c.Orgs > c.Users {
		c.Orgs = c.Users
	}
	if c.APIKeys <= 0 {
		c.APIKeys = DefaultAPIKeys
	}
	if c.APIKeys > c.Users {
		c.APIKeys = c.Users
	}
	return c
}

// Dataset is what Seed made: the plain secrets the hot paths present.
// Tokens and keys are benchmark fixtures in a throwaway database.
type Dataset struct {
	URL      string                // superuser URL of the seeded database
	LargeOrg domain.OrganizationID // the organization every user belongs to
	Users    []domain.UserID
	// Emails[i] is the email of Users[i].
	Emails []string
	// Orgs are the organizations; Orgs[0] is LargeOrg and Orgs[i] (i > 0)
	// has the single member Users[i], its owner.
	Orgs []domain.OrganizationID
	// Tokens are the plain session tokens, Tokens[i] belonging to Users[i].
	Tokens []string
	// APIKeys are the plain keys, APIKeys[i] owned by Users[i].
	APIKeys []string
	// PageAfter[p] is the _row_id after which page p of the large
	// organization's members starts (0 for the first page).
	PageAfter []int64
}

// Seed fills the migrated database at url (a superuser URL) with users,
// organizations, memberships, sessions and API keys, by COPY, and analyses
// the tables.
func Seed(ctx context.Context, url string, cfg SeedConfig) (*Dataset, error) {
	cfg = cfg.withDefaults()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("bench: seed: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))

	total := int64(cfg.Users*3 + cfg.Orgs + cfg.APIKeys)
	bar := newProgress(cfg.Progress, "seeding", total)
	defer bar.done()

	ds := &Dataset{URL: url, Users: make([]domain.UserID, cfg.Users), Emails: make([]string, cfg.Users), Tokens: make([]string, cfg.Users)}
	now := time.Now()
	run := fmt.Sprintf("%x", now.UnixNano())

	// Users.
	users := make([][]any, cfg.Users)
	for i := range users {
		ds.Users[i] = domain.NewID[domain.User]()
		ds.Emails[i] = fmt.Sprintf("bench-%s-%d@example.com", run, i)
		users[i] = []any{ds.Users[i].String(), fmt.Sprintf("Bench User %d", i), ds.Emails[i], true, "bench"}
	}
	if err := copyRows(ctx, conn, bar, "shared_user", []string{"id", "name", "email", "email_verified", "source"}, users); err != nil {
		return nil, err
	}

	// Organizations: 0 is the large one; i is owned by user i.
	orgs := make([][]any, cfg.Orgs)
	orgIDs := make([]domain.OrganizationID, cfg.Orgs)
	for i := range orgs {
		orgIDs[i] = domain.NewID[domain.Organization]()
		orgs[i] = []any{orgIDs[i].String(), fmt.Sprintf("Bench Org %d", i), fmt.Sprintf("bench-%s-%d", run, i), ds.Users[i].String(), "bench"}
	}
	ds.LargeOrg, ds.Orgs = orgIDs[0], orgIDs
	if err := copyRows(ctx, conn, bar, "shared_organization", []string{"id", "name", "slug", "owner_user_id", "source"}, orgs); err != nil {
		return nil, err
	}

	// Memberships: everyone in the large organization (user 0 owns it), and
	// each small organization's owner.
	members := make([][]any, 0, cfg.Users+cfg.Orgs-1)
	for i := range cfg.Users {
		role := "member"
		if i == 0 {
			role = "owner"
		}
		members = append(members, []any{domain.NewID[domain.Member]().String(), ds.LargeOrg.String(), ds.Users[i].String(), role, now, "bench"})
	}
	for i := 1; i < cfg.Orgs; i++ {
		members = append(members, []any{domain.NewID[domain.Member]().String(), orgIDs[i].String(), ds.Users[i].String(), "owner", now, "bench"})
	}
	if err := copyRows(ctx, conn, bar, "iam_member", []string{"id", "organization_id", "user_id", "role", "joined_at", "source"}, members); err != nil {
		return nil, err
	}

	// Sessions: one per user, active in the large organization.
	sessions := make([][]any, cfg.Users)
	expires := now.Add(7 * 24 * time.Hour)
	for i := range sessions {
		ds.Tokens[i] = baformat.SessionToken()
		sessions[i] = []any{domain.NewID[domain.Session]().String(), expires, ds.Tokens[i], "127.0.0.1", "iam-bench", ds.Users[i].String(), ds.LargeOrg.String(), "bench"}
	}
	if err := copyRows(ctx, conn, bar, "shared_session", []string{"id", "expires_at", "token", "ip_address", "user_agent", "user_id", "active_organization_id", "source"}, sessions); err != nil {
		return nil, err
	}

	// API keys, in Better Auth's format, owned by the first APIKeys users.
	keys := make([][]any, cfg.APIKeys)
	ds.APIKeys = make([]string, cfg.APIKeys)
	for i := range keys {
		plain := baformat.APIKey(APIKeyPrefix)
		ds.APIKeys[i] = plain
		uid := ds.Users[i].String()
		keys[i] = []any{domain.NewID[domain.APIKey]().String(), fmt.Sprintf("bench %d", i), baformat.APIKeyStart(plain), APIKeyPrefix, baformat.Hash(plain), uid, uid, false, "bench"}
	}
	if err := copyRows(ctx, conn, bar, "iam_apikey", []string{"id", "name", "start", "prefix", "key", "reference_id", "user_id", "rate_limit_enabled", "source"}, keys); err != nil {
		return nil, err
	}

	if _, err := conn.Exec(ctx, "ANALYZE shared_user, shared_organization, iam_member, shared_session, iam_apikey, iam_rate_limit"); err != nil {
		return nil, fmt.Errorf("bench: seed: analyze: %w", err)
	}
	// Page starts of the large organization's members, in _row_id order.
	rows, err := conn.Query(ctx, `SELECT _row_id FROM iam_member WHERE organization_id = $1 AND deleted_at IS NULL ORDER BY _row_id`, ds.LargeOrg.String())
	if err != nil {
		return nil, fmt.Errorf("bench: seed: member pages: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("bench: seed: member pages: %w", err)
	}
	ds.PageAfter = []int64{0}
	for i := PageSize; i+PageSize <= len(ids); i += PageSize {
		ds.PageAfter = append(ds.PageAfter, ids[i-1])
	}
	return ds, nil
}

// copyRows COPYs rows into table in chunks, advancing the progress bar.
func copyRows(ctx context.Context, conn *pgx.Conn, bar *progress, table string, cols []string, rows [][]any) error {
	const chunk = 2_000
	for start := 0; start < len(rows); start += chunk {
		end := min(start+chunk, len(rows))
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows[start:end])); err != nil {
			return fmt.Errorf("bench: seed %s: %w", table, err)
		}
		bar.add(int64(end - start))
	}
	return nil
}
