package store

import (
	"context"
	"reflect"
	"strings"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/internal/baformat"
	"github.com/jackc/pgx/v5"
)

// APIKeyRequest describes a key to create. The plain key is generated; the
// other fields follow domain.APIKeyParams (nil means Better Auth's default).
type APIKeyRequest struct {
	Prefix              string // e.g. "ba_"; part of the plain key and of Start
	Name                *string
	ConfigID            *string
	RefillInterval      *int32 // ms
	RefillAmount        *int32
	RateLimitEnabled    *bool
	RateLimitTimeWindow *int32 // ms
	RateLimitMax        *int32
	Remaining           *int32
	Permissions         *string // JSON text {"resource": ["action"]}
	Metadata            *string // JSON text
	ExpiresAt           *time.Time
}

// CreatedAPIKey is a freshly created key: Plain is shown to its owner once
// and never stored; Key is the stored row (holding only the hash).
type CreatedAPIKey struct {
	Plain domain.Secret
	Key   domain.APIKey
}

func (r APIKeyRequest) params(reference string) (domain.APIKeyParams, domain.Secret) {
	plain := GenerateAPIKey(r.Prefix)
	start := baformat.APIKeyStart(plain)
	p := domain.APIKeyParams{
		ConfigID: r.ConfigID, Name: r.Name, Start: &start, ReferenceID: reference,
		Key: domain.NewSecret(HashAPIKey(plain)), RefillInterval: r.RefillInterval, RefillAmount: r.RefillAmount,
		RateLimitEnabled: r.RateLimitEnabled, RateLimitTimeWindow: r.RateLimitTimeWindow, RateLimitMax: r.RateLimitMax,
		Remaining: r.Remaining, Permissions: r.Permissions, Metadata: r.Metadata, ExpiresAt: r.ExpiresAt,
	}
	if r.Prefix != "" {
		prefix := r.Prefix
		p.Prefix = &prefix
	}
	return p, domain.NewSecret(plain)
}

// CreateAPIKey creates an API key owned by the organization (Better Auth's
// referenceId = the organization id) and returns the plain key once (one
// statement, no transaction of its own).
func (o *Org) CreateAPIKey(ctx context.Context, r APIKeyRequest) (CreatedAPIKey, error) {
	return createOrgAPIKey(ctx, o.APIKeys(), o.id, r)
}

// CreateAPIKey is Org.CreateAPIKey in the caller's transaction.
func (tx *OrgTx) CreateAPIKey(ctx context.Context, r APIKeyRequest) (CreatedAPIKey, error) {
	return createOrgAPIKey(ctx, tx.APIKeys(), tx.o.id, r)
}

func createOrgAPIKey(ctx context.Context, keys APIKeyRepo, org string, r APIKeyRequest) (CreatedAPIKey, error) {
	p, plain := r.params(org)
	k, err := domain.NewAPIKey(p)
	if err != nil {
		return CreatedAPIKey{}, err
	}
	stored, err := keys.Create(ctx, k)
	return CreatedAPIKey{Plain: plain, Key: stored}, err
}

// CreateUserAPIKey creates an API key owned by a user (Better Auth's default:
// referenceId = the user id, no organization) and returns the plain key once
// (one statement, no transaction of its own).
func (s *Store) CreateUserAPIKey(ctx context.Context, user domain.UserID, r APIKeyRequest) (CreatedAPIKey, error) {
	return createUserAPIKey(ctx, s, s.db, user, r)
}

// CreateUserAPIKey is Store.CreateUserAPIKey in the caller's transaction.
func (tx *Tx) CreateUserAPIKey(ctx context.Context, user domain.UserID, r APIKeyRequest) (CreatedAPIKey, error) {
	return createUserAPIKey(ctx, tx.store, tx.tx, user, r)
}

func createUserAPIKey(ctx context.Context, s *Store, db DB, user domain.UserID, r APIKeyRequest) (CreatedAPIKey, error) {
	p, plain := r.params(user.String())
	k, err := domain.NewAPIKey(p)
	if err != nil {
		return CreatedAPIKey{}, err
	}
	k.OrganizationID = nil
	k.UserID = &user
	stored, err := tUserAPIKey.create(ctx, s, db, "", k)
	return CreatedAPIKey{Plain: plain, Key: stored}, err
}

// APIKeyOutcome is the result of verifying an API key. Its values are the
// outcomes iam_verify_api_key returns; betterauth.APIKeyPolicy.Evaluate, the
// pure reference of the same rules, returns them too. Code, Message and
// HTTPStatus are the one mapping to Better Auth's answers.
type APIKeyOutcome string

// API key verification outcomes, in the order Better Auth checks them
// (Better Auth's error codes in brackets).
const (
	APIKeyValid         APIKeyOutcome = "valid"
	APIKeyInvalid       APIKeyOutcome = "invalid"        // no such key [INVALID_API_KEY]
	APIKeyDisabled      APIKeyOutcome = "disabled"       // [KEY_DISABLED]
	APIKeyExpired       APIKeyOutcome = "expired"        // deleted as a side effect [KEY_EXPIRED]
	APIKeyUsageExceeded APIKeyOutcome = "usage_exceeded" // remaining is 0 [USAGE_EXCEEDED]
	APIKeyRateLimited   APIKeyOutcome = "rate_limited"   // see TryAgainIn [RATE_LIMITED]
)

// apiKeyAnswers are @better-auth/api-key's error codes, messages and
// statuses (validateApiKey) for each refusal.
var apiKeyAnswers = map[APIKeyOutcome]struct {
	code, message string
	status        int
}{
	APIKeyInvalid:       {"INVALID_API_KEY", "Invalid API key.", 401},
	APIKeyDisabled:      {"KEY_DISABLED", "API Key is disabled", 401},
	APIKeyExpired:       {"KEY_EXPIRED", "API Key has expired", 401},
	APIKeyUsageExceeded: {"USAGE_EXCEEDED", "API Key has reached its usage limit", 429},
	APIKeyRateLimited:   {"RATE_LIMITED", "Rate limit exceeded.", 429},
}

// Code is Better Auth's error code for the outcome: INVALID_API_KEY,
// KEY_DISABLED, KEY_EXPIRED, USAGE_EXCEEDED or RATE_LIMITED; "" for
// APIKeyValid.
func (o APIKeyOutcome) Code() string { return apiKeyAnswers[o].code }

// Message is Better Auth's error message for the outcome ("" for
// APIKeyValid).
func (o APIKeyOutcome) Message() string { return apiKeyAnswers[o].message }

// HTTPStatus is the status of the error Better Auth's validateApiKey throws
// for the outcome, which its x-api-key session hook answers with: 401 for an
// invalid, disabled or expired key, 429 for a used up or rate-limited one;
// 200 for APIKeyValid. (POST /api-key/verify answers 200 either way, with
// Code and Message in its body.)
func (o APIKeyOutcome) HTTPStatus() int {
	if o == APIKeyValid {
		return 200
	}
	return apiKeyAnswers[o].status
}

// APIKeyVerification is the decision on one presented API key.
type APIKeyVerification struct {
	Outcome APIKeyOutcome
	// Key is the row after the verification (remaining decremented, request
	// counted) when valid, or as it was when refused; zero when invalid.
	Key domain.APIKey
	// TryAgainIn is set when rate limited.
	TryAgainIn time.Duration
}

// OK reports whether the key was accepted.
func (v APIKeyVerification) OK() bool { return v.Outcome == APIKeyValid }

var verifySQL = func() string {
	var b strings.Builder
	b.WriteString("SELECT r.outcome, r.try_again_ms")
	for _, c := range columnsOf[domain.APIKey]().names {
		b.WriteString(", (r.apikey)." + pgx.Identifier{c}.Sanitize())
	}
	b.WriteString(" FROM iam_verify_api_key($1, $2) r WHERE r.outcome <> 'invalid'")
	return b.String()
}()

// VerifyAPIKey verifies the key whose hash is hash (HashAPIKey of the
// presented key) with Better Auth's semantics: enabled, expiry (an expired
// key is deleted), remaining with refill, and the per-key rate limit. It is
// one statement and one commit, race-free: concurrent verifications of one
// key serialize on its row and each re-checks every condition. configID
// restricts the key to one Better Auth API key configuration ("" for any).
// Decisions are in the result; the error is for database failures only.
func (s *Store) VerifyAPIKey(ctx context.Context, hash string, configID string) (APIKeyVerification, error) {
	var v APIKeyVerification
	var outcome string
	var tryAgain *int64
	var cfg *string
	if configID != "" {
		cfg = &configID
	}
	targets := append([]any{&outcome, &tryAgain}, columnsOf[domain.APIKey]().all(reflect.ValueOf(&v.Key).Elem())...)
	err := s.db.QueryRow(ctx, verifySQL, hash, cfg).Scan(targets...)
	if err == pgx.ErrNoRows {
		return APIKeyVerification{Outcome: APIKeyInvalid}, nil
	}
	if err != nil {
		return APIKeyVerification{}, wrap(err, domain.TableAPIKey, "verify", "")
	}
	v.Outcome = APIKeyOutcome(outcome)
	if tryAgain != nil {
		v.TryAgainIn = time.Duration(*tryAgain) * time.Millisecond
	}
	return v, nil
}

// HashAPIKey returns what Better Auth stores in iam_apikey.key for the plain
// key: base64url without padding of SHA-256 of the key's UTF-8 bytes.
func HashAPIKey(plain string) string { return baformat.Hash(plain) }

// APIKeyLength is the number of random letters in a generated key (Better
// Auth's defaultKeyLength).
const APIKeyLength = baformat.APIKeyLength

// GenerateAPIKey returns prefix followed by APIKeyLength random letters
// [a-zA-Z], Better Auth's key format, from crypto/rand.
func GenerateAPIKey(prefix string) string { return baformat.APIKey(prefix) }
