package bench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Op is one operation of a hot path; r is a random number the operation
// uses to pick its input (a session, a key, a page), so every
// implementation draws from the same distribution.
type Op func(ctx context.Context, r uint64) error

// Path is a hot path with its two implementations.
type Path struct {
	Name string `json:"name"`
	// Go is the implementation under test (store, betterauth).
	Go Op `json:"-"`
	// Baseline fetches the same rows with one hand-written pgx query on a
	// superuser pool.
	Baseline Op `json:"-"`
}

// Path names.
const (
	PathSession   = "session_lookup"
	PathCookie    = "cookie_session"
	PathAPIKey    = "api_key_verify"
	PathRateLimit = "rate_limit_hit"
	PathMembers   = "member_page"
)

// PathNames lists every path name, in the order `iam bench` runs them.
var PathNames = []string{PathSession, PathAPIKey, PathRateLimit, PathMembers, PathCookie}

// BenchSecret is the Better Auth secret of the benchmark (a throwaway
// database: a fixture, not a credential).
const BenchSecret = "iam-bench-secret-0123456789abcdef0123456789"

// Env holds what the paths run on: the store (iam_app, RLS in force), the
// baseline's superuser pool, and the seeded data.
type Env struct {
	Store *store.Store
	Raw   *pgxpool.Pool
	Auth  *betterauth.Auth
	Data  *Dataset

	cookieReqs  []*http.Request
	pageCursors []string
}

// NewEnv opens the store and the baseline pool on the seeded database, each
// with poolSize connections, and prepares the inputs (signed cookies, page
// cursors). Close it when done.
func NewEnv(ctx context.Context, ds *Dataset, poolSize int32) (*Env, error) {
	s, err := store.Open(ctx, ds.URL, store.Options{MaxConns: poolSize})
	if err != nil {
		return nil, fmt.Errorf("bench: open store: %w", err)
	}
	raw, err := OpenRaw(ctx, ds.URL, poolSize)
	if err != nil {
		s.Close()
		return nil, err
	}
	e := &Env{Store: s, Raw: raw, Data: ds}
	if e.Auth, err = betterauth.New(betterauth.Config{Secret: domain.NewSecret(BenchSecret)}); err != nil {
		e.Close()
		return nil, err
	}
	e.cookieReqs = make([]*http.Request, len(ds.Tokens))
	for i, tok := range ds.Tokens {
		r, _ := http.NewRequest(http.MethodGet, "http://localhost/api/me", nil)
		r.Header.Set("Cookie", e.CookieHeader(tok))
		e.cookieReqs[i] = r
	}
	// The store's cursors for the same pages as Dataset.PageAfter.
	org := s.Org(ds.LargeOrg)
	after := ""
	for range ds.PageAfter {
		e.pageCursors = append(e.pageCursors, after)
		_, next, err := org.Members().ListFiltered(ctx, store.MemberFilter{}, store.Page{Limit: PageSize, After: after})
		if err != nil {
			e.Close()
			return nil, fmt.Errorf("bench: walk member pages: %w", err)
		}
		after = next
	}
	return e, nil
}

// CookieHeader is the Cookie request header carrying the signed session
// token, as Better Auth sets it.
func (e *Env) CookieHeader(token string) string {
	return e.Auth.SessionTokenCookieName() + "=" + e.Auth.SignCookieValue(token)
}

// OpenRaw opens the baseline's pool: the superuser, no SET ROLE, no
// statement timeout, size connections.
func OpenRaw(ctx context.Context, url string, size int32) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("bench: baseline pool: %w", err)
	}
	cfg.MaxConns = size
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err == nil {
		err = p.Ping(ctx)
	}
	if err != nil {
		if p != nil {
			p.Close()
		}
		return nil, fmt.Errorf("bench: baseline pool: %w", err)
	}
	return p, nil
}

// Close closes both pools.
func (e *Env) Close() {
	if e.Store != nil {
		e.Store.Close()
	}
	if e.Raw != nil {
		e.Raw.Close()
	}
}

// Paths returns the hot paths `iam bench` runs, in order.
func (e *Env) Paths() []Path {
	return []Path{e.SessionPath(), e.APIKeyPath(), e.RateLimitPath(), e.MemberPagePath()}
}

// PathByName returns the named path (PathSession, PathCookie, ...).
func (e *Env) PathByName(name string) (Path, bool) {
	for _, p := range append(e.Paths(), e.CookiePath()) {
		if p.Name == name {
			return p, true
		}
	}
	return Path{}, false
}

var errNoMember = errors.New("bench: lookup returned no active membership")

// SessionPath is the session lookup by plain token: session, user and the
// active membership.
func (e *Env) SessionPath() Path {
	toks := e.Data.Tokens
	return Path{
		Name: PathSession,
		Go: func(ctx context.Context, r uint64) error {
			info, err := e.Store.LookupSession(ctx, domain.NewSecret(toks[r%uint64(len(toks))]))
			if err == nil && info.Member == nil {
				err = errNoMember
			}
			return err
		},
		Baseline: func(ctx context.Context, r uint64) error {
			_, err := rawSession(ctx, e.Raw, toks[r%uint64(len(toks))])
			return err
		},
	}
}

// CookiePath is cookie verification end to end: betterauth's Authenticate
// verifies the signed session cookie of an http.Request, then runs the
// session lookup. The
// baseline verifies the cookie the same way and runs the hand-written query.
func (e *Env) CookiePath() Path {
	reqs := e.cookieReqs
	return Path{
		Name: PathCookie,
		Go: func(ctx context.Context, r uint64) error {
			info, err := e.Auth.Authenticate(ctx, reqs[r%uint64(len(reqs))], e.Store)
			if err == nil && info.Member == nil {
				err = errNoMember
			}
			return err
		},
		Baseline: func(ctx context.Context, r uint64) error {
			tok, err := e.Auth.SessionToken(reqs[r%uint64(len(reqs))])
			if err != nil {
				return err
			}
			_, err = rawSession(ctx, e.Raw, tok.Reveal())
			return err
		},
	}
}

// APIKeyPath is API key verification: hash the presented key, then verify
// and count it atomically.
func (e *Env) APIKeyPath() Path {
	keys := e.Data.APIKeys
	return Path{
		Name: PathAPIKey,
		Go: func(ctx context.Context, r uint64) error {
			v, err := e.Store.VerifyAPIKey(ctx, store.HashAPIKey(keys[r%uint64(len(keys))]), "")
			if err == nil && !v.OK() {
				err = fmt.Errorf("bench: API key refused: %s", v.Outcome)
			}
			return err
		},
		Baseline: func(ctx context.Context, r uint64) error {
			_, err := rawVerifyAPIKey(ctx, e.Raw, store.HashAPIKey(keys[r%uint64(len(keys))]))
			return err
		},
	}
}

// rateLimitKeys is how many distinct rate-limit counters the path hits.
const rateLimitKeys = 1000

// RateLimitPath counts one hit on one of rateLimitKeys counters (window 60
// s, a maximum never reached).
func (e *Env) RateLimitPath() Path {
	keys := make([]string, rateLimitKeys)
	for i := range keys {
		keys[i] = fmt.Sprintf("bench:%d/api", i)
	}
	return Path{
		Name: PathRateLimit,
		Go: func(ctx context.Context, r uint64) error {
			res, err := e.Store.RateLimitHit(ctx, keys[r%rateLimitKeys], time.Minute, 1<<30)
			if err == nil && !res.Allowed {
				err = errors.New("bench: rate limit refused")
			}
			return err
		},
		Baseline: func(ctx context.Context, r uint64) error {
			var count int32
			var last int64
			return e.Raw.QueryRow(ctx, rawRateLimitSQL, keys[r%rateLimitKeys], int64(60_000)).Scan(&count, &last)
		},
	}
}

// MemberPagePath reads one page of PageSize members of the large
// organization, at a random depth (keyset pagination).
func (e *Env) MemberPagePath() Path {
	org := e.Store.Org(e.Data.LargeOrg)
	after := e.Data.PageAfter
	orgID := e.Data.LargeOrg.String()
	return Path{
		Name: PathMembers,
		Go: func(ctx context.Context, r uint64) error {
			ms, _, err := org.Members().ListFiltered(ctx, store.MemberFilter{}, store.Page{Limit: PageSize, After: e.pageCursors[r%uint64(len(e.pageCursors))]})
			if err == nil && len(ms) != PageSize {
				err = fmt.Errorf("bench: member page has %d rows, want %d", len(ms), PageSize)
			}
			return err
		},
		Baseline: func(ctx context.Context, r uint64) error {
			ms, err := rawMemberPage(ctx, e.Raw, orgID, after[r%uint64(len(after))])
			if err == nil && len(ms) != PageSize {
				err = fmt.Errorf("bench: baseline member page has %d rows, want %d", len(ms), PageSize)
			}
			return err
		},
	}
}

// The baselines: literal SQL, explicit scan targets.

const rawSessionSQL = `SELECT
 s.id, s._row_id, s.created_at, s.updated_at, s.deleted_at, s.created_by, s.updated_by, s.deleted_by, s.version, s.source,
 s.expires_at, s.token, s.ip_address, s.user_agent, s.user_id, s.impersonated_by, s.active_organization_id, s.active_team_id,
 u.id, u._row_id, u.created_at, u.updated_at, u.deleted_at, u.created_by, u.updated_by, u.deleted_by, u.version, u.source,
 u.name, u.email, u.email_verified, u.image, u.upload_limit, u.role, u.banned, u.ban_reason, u.ban_expires, u.is_anonymous,
 u.phone_number, u.phone_number_verified, u.two_factor_enabled, u.username, u.display_username, u.stripe_customer_id, u.last_login_method,
 m.id, m._row_id, m.created_at, m.updated_at, m.deleted_at, m.created_by, m.updated_by, m.deleted_by, m.version, m.source,
 m.organization_id, m.user_id, m.role, m.status, m.invited_by, m.invited_at, m.joined_at, m.last_active_at, m.permissions
FROM shared_session s
JOIN shared_user u ON u.id = s.user_id
LEFT JOIN iam_member m ON m.organization_id = s.active_organization_id AND m.user_id = s.user_id AND m.deleted_at IS NULL
WHERE s.token = $1`

func auditTargets[E domain.Entity](a *domain.Audit[E]) []any {
	return []any{&a.ID, &a.RowID, &a.CreatedAt, &a.UpdatedAt, &a.DeletedAt, &a.CreatedBy, &a.UpdatedBy, &a.DeletedBy, &a.Version, &a.Source}
}

func rawSession(ctx context.Context, db *pgxpool.Pool, token string) (store.SessionInfo, error) {
	var info store.SessionInfo
	s, u := &info.Session, &info.User
	var (
		mID                *domain.MemberID
		mRowID             *int64
		mCreated, mUpdated *time.Time
		mVersion           *int32
		mOrg               *domain.OrganizationID
		mUser              *domain.UserID
		mRole              *domain.Roles
		mStatus            *domain.MemberStatus
		m                  domain.Member
	)
	t := make([]any, 0, 64)
	t = append(t, auditTargets(&s.Audit)...)
	t = append(t, &s.ExpiresAt, &s.Token, &s.IPAddress, &s.UserAgent, &s.UserID, &s.ImpersonatedBy, &s.ActiveOrganizationID, &s.ActiveTeamID)
	t = append(t, auditTargets(&u.Audit)...)
	t = append(t, &u.Name, &u.Email, &u.EmailVerified, &u.Image, &u.UploadLimit, &u.Role, &u.Banned, &u.BanReason, &u.BanExpires, &u.IsAnonymous,
		&u.PhoneNumber, &u.PhoneNumberVerified, &u.TwoFactorEnabled, &u.Username, &u.DisplayUsername, &u.StripeCustomerID, &u.LastLoginMethod)
	t = append(t, &mID, &mRowID, &mCreated, &mUpdated, &m.DeletedAt, &m.CreatedBy, &m.UpdatedBy, &m.DeletedBy, &mVersion, &m.Source,
		&mOrg, &mUser, &mRole, &mStatus, &m.InvitedBy, &m.InvitedAt, &m.JoinedAt, &m.LastActiveAt, &m.Permissions)
	if err := db.QueryRow(ctx, rawSessionSQL, token).Scan(t...); err != nil {
		return info, err
	}
	if mID != nil {
		m.ID, m.RowID, m.CreatedAt, m.UpdatedAt, m.Version = *mID, *mRowID, *mCreated, *mUpdated, *mVersion
		m.OrganizationID, m.UserID, m.Role, m.Status = *mOrg, *mUser, *mRole, *mStatus
		info.Member = &m
	}
	if info.Member == nil {
		return info, errNoMember
	}
	if !info.Session.ExpiresAt.After(time.Now()) {
		return info, errors.New("bench: session expired")
	}
	return info, nil
}

// apiKeyColumnsA is apiKeyColumns qualified with the alias a.
var apiKeyColumnsA = "a." + strings.ReplaceAll(strings.Join(strings.Fields(apiKeyColumns), " "), ", ", ", a.")

const apiKeyColumns = `id, _row_id, created_at, updated_at, deleted_at, created_by, updated_by, deleted_by, version, source,
 organization_id, config_id, name, start, reference_id, prefix, key, user_id, refill_interval, refill_amount, last_refill_at,
 enabled, rate_limit_enabled, rate_limit_time_window, rate_limit_max, request_count, remaining, last_request, expires_at, permissions, metadata`

// rawVerifySQL is the hand-written verification of a key with the same
// rules as the store (Better Auth's: enabled, expiry, remaining with refill,
// the per-key rate limit window) as one conditional UPDATE ... RETURNING, sent
// by the superuser: the same work without the SECURITY DEFINER function the
// store needs because RLS hides organization-owned keys from iam_app.
// (Without the refill and rate-limit logic, a bare UPDATE is about 10-20%
// faster again; docs/benchmarks.md.)
var rawVerifySQL = `UPDATE iam_apikey AS a SET
 remaining = CASE WHEN a.remaining IS NULL THEN NULL
   WHEN a.refill_interval IS NOT NULL AND a.refill_interval <> 0 AND a.refill_amount IS NOT NULL AND a.refill_amount <> 0
    AND now() - COALESCE(a.last_refill_at, a.created_at) > a.refill_interval * interval '1 millisecond'
   THEN a.refill_amount - 1 ELSE a.remaining - 1 END,
 last_refill_at = CASE WHEN a.remaining IS NOT NULL AND a.refill_interval IS NOT NULL AND a.refill_interval <> 0
    AND a.refill_amount IS NOT NULL AND a.refill_amount <> 0
    AND now() - COALESCE(a.last_refill_at, a.created_at) > a.refill_interval * interval '1 millisecond'
   THEN now() ELSE a.last_refill_at END,
 request_count = CASE WHEN a.rate_limit_enabled IS FALSE OR a.rate_limit_time_window IS NULL OR a.rate_limit_max IS NULL THEN a.request_count
   WHEN a.last_request IS NULL OR now() - a.last_request >= a.rate_limit_time_window * interval '1 millisecond' THEN 1
   ELSE COALESCE(a.request_count, 0) + 1 END,
 last_request = CASE WHEN a.rate_limit_enabled IS NOT FALSE AND (a.rate_limit_time_window IS NULL OR a.rate_limit_max IS NULL)
   THEN a.last_request ELSE now() END
WHERE a.key = $1 AND a.deleted_at IS NULL AND a.enabled IS NOT FALSE
 AND (a.expires_at IS NULL OR a.expires_at >= now())
 AND (a.remaining IS NULL OR a.remaining > 0
   OR (a.refill_interval IS NOT NULL AND a.refill_interval <> 0 AND a.refill_amount IS NOT NULL AND a.refill_amount <> 0
       AND now() - COALESCE(a.last_refill_at, a.created_at) > a.refill_interval * interval '1 millisecond'))
 AND (a.rate_limit_enabled IS FALSE OR a.rate_limit_time_window IS NULL OR a.rate_limit_max IS NULL OR a.last_request IS NULL
   OR now() - a.last_request > a.rate_limit_time_window * interval '1 millisecond'
   OR COALESCE(a.request_count, 0) < a.rate_limit_max)
RETURNING ` + apiKeyColumnsA

func rawVerifyAPIKey(ctx context.Context, db *pgxpool.Pool, hash string) (domain.APIKey, error) {
	var k domain.APIKey
	t := append(auditTargets(&k.Audit), &k.OrganizationID, &k.ConfigID, &k.Name, &k.Start, &k.ReferenceID, &k.Prefix, &k.Key, &k.UserID,
		&k.RefillInterval, &k.RefillAmount, &k.LastRefillAt, &k.Enabled, &k.RateLimitEnabled, &k.RateLimitTimeWindow, &k.RateLimitMax,
		&k.RequestCount, &k.Remaining, &k.LastRequest, &k.ExpiresAt, &k.Permissions, &k.Metadata)
	err := db.QueryRow(ctx, rawVerifySQL, hash).Scan(t...)
	return k, err
}

const rawRateLimitSQL = `INSERT INTO iam_rate_limit AS r (key, count, last_request)
VALUES ($1, 1, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)
ON CONFLICT (key) DO UPDATE SET
  count = CASE WHEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint - r.last_request > $2 THEN 1 ELSE r.count + 1 END,
  last_request = CASE WHEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint - r.last_request > $2
    THEN (extract(epoch FROM clock_timestamp()) * 1000)::bigint ELSE r.last_request END
RETURNING count, last_request`

const rawMemberPageSQL = `SELECT id, _row_id, created_at, updated_at, deleted_at, created_by, updated_by, deleted_by, version, source,
 organization_id, user_id, role, status, invited_by, invited_at, joined_at, last_active_at, permissions
FROM iam_member
WHERE organization_id = $1 AND deleted_at IS NULL AND _row_id > $2
ORDER BY _row_id LIMIT $3`

func rawMemberPage(ctx context.Context, db *pgxpool.Pool, org string, after int64) ([]domain.Member, error) {
	rows, err := db.Query(ctx, rawMemberPageSQL, org, after, PageSize+1)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]domain.Member, 0, PageSize+1)
	for rows.Next() {
		out = append(out, domain.Member{})
		m := &out[len(out)-1]
		t := append(auditTargets(&m.Audit), &m.OrganizationID, &m.UserID, &m.Role, &m.Status, &m.InvitedBy, &m.InvitedAt, &m.JoinedAt, &m.LastActiveAt, &m.Permissions)
		if err := rows.Scan(t...); err != nil {
			return nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) > PageSize {
		out = out[:PageSize]
	}
	return out, nil
}
