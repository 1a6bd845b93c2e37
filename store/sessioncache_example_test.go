package store_test

import (
	"context"
	"log"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// A service that checks a session on every request keeps the lookups in
// memory; a revocation or a ban by any writer reaches it through the
// database's notifications (migration 0004).
func ExampleStore_NewSessionCache() {
	ctx := context.Background()
	var s *store.Store // from store.Open
	cache, err := s.NewSessionCache(store.SessionCacheOptions{MaxEntries: 50_000})
	if err != nil {
		log.Fatal(err)
	}
	defer cache.Close()

	var token domain.Secret // from betterauth's Auth.SessionToken(r)
	info, err := cache.LookupSession(ctx, token)
	if err != nil {
		log.Fatal(err) // store.ErrNotFound, ErrExpired, ErrForbidden as with Store.LookupSession
	}
	log.Println(info.User.ID)
}
