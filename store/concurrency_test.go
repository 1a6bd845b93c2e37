package store_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
	"github.com/stretchr/testify/require"
)

// TestUpdate_ConcurrentSameVersionExactlyOneWins: 100 updates of one row from
// the same version; one succeeds, 99 get ErrConflict, none is lost silently.
func TestUpdate_ConcurrentSameVersionExactlyOneWins(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	u := newUser(t, s, "racer")
	ctx := context.Background()
	var ok, conflicts atomic.Int32
	var wg sync.WaitGroup
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := u
			c.Name = "name-" + string(rune('a'+i%26))
			_, err := s.Users().Update(ctx, c)
			switch {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, store.ErrConflict):
				conflicts.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 1, ok.Load())
	require.EqualValues(t, 99, conflicts.Load())
	got, err := s.Users().Get(ctx, u.ID)
	require.NoError(t, err)
	require.Equal(t, u.Version+1, got.Version)
}

// TestVerifyAPIKey_ConcurrentRemainingIsExact: 64 concurrent verifications of
// a key with remaining = 50 accept exactly 50; the other 14 are refused.
func TestVerifyAPIKey_ConcurrentRemainingIsExact(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	u := newUser(t, s, "keyholder")
	ctx := context.Background()
	remaining := int32(50)
	off := false
	k, err := s.CreateUserAPIKey(ctx, u.ID, store.APIKeyRequest{Prefix: "ba_", Remaining: &remaining, RateLimitEnabled: &off})
	require.NoError(t, err)
	hash := store.HashAPIKey(k.Plain.Reveal())
	var valid, exceeded atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := s.VerifyAPIKey(ctx, hash, "")
			if err != nil {
				t.Errorf("verify: %v", err)
				return
			}
			switch v.Outcome {
			case store.APIKeyValid:
				valid.Add(1)
			case store.APIKeyUsageExceeded, store.APIKeyInvalid:
				// Better Auth deletes a key whose remaining reached 0 and that
				// has no refill, so later callers find no key at all.
				exceeded.Add(1)
			default:
				t.Errorf("unexpected outcome %s", v.Outcome)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 50, valid.Load())
	require.EqualValues(t, 14, exceeded.Load())
}

// TestRateLimitHit_ConcurrentCountsExactly: 64 concurrent hits are 64 counts.
func TestRateLimitHit_ConcurrentCountsExactly(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := context.Background()
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := s.RateLimitHit(ctx, "127.0.0.1|/api/x", time.Minute, 40)
			if err != nil {
				t.Errorf("hit: %v", err)
				return
			}
			if r.Allowed {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	require.EqualValues(t, 40, allowed.Load())
	rl, err := s.RateLimits().GetByKey(ctx, "127.0.0.1|/api/x")
	require.NoError(t, err)
	require.EqualValues(t, 64, rl.Count)
}

// TestChangeRole_ConcurrentDemotionsKeepAnOwner: two owners demote each
// other at once; exactly one demotion succeeds.
func TestChangeRole_ConcurrentDemotionsKeepAnOwner(t *testing.T) {
	t.Parallel()
	s, _ := openStore(t)
	ctx := context.Background()
	a := newUser(t, s, "owner-a")
	b := newUser(t, s, "owner-b")
	org, ma := newOrg(t, s, a, "two-owners")
	o := s.Org(org.ID)
	owner := domain.Roles("owner")
	mb, err := domain.NewMember(domain.MemberParams{OrganizationID: org.ID, UserID: b.ID, Role: &owner})
	require.NoError(t, err)
	mb, err = o.Members().Create(ctx, mb)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, id := range []domain.MemberID{ma.ID, mb.ID} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = o.ChangeRole(ctx, id, "member")
		}()
	}
	wg.Wait()
	failed := 0
	for _, err := range errs {
		if err != nil {
			require.ErrorIs(t, err, store.ErrConflict)
			failed++
		}
	}
	require.Equal(t, 1, failed)
	owners, _, err := o.Members().ListFiltered(ctx, store.MemberFilter{Role: "owner"}, store.Page{})
	require.NoError(t, err)
	require.Len(t, owners, 1)
}
