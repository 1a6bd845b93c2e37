package betterauth

import (
	"context"
	"net/http"

	"github.com/beep/iam/store"
)

// AuthenticateCached is [Auth.Authenticate] with the session lookup served by
// a store.SessionCache: a session Better Auth, Go or psql revokes (or whose
// user is banned) is refused as soon as the database's notification reaches
// the cache, and while the cache is not listening every lookup goes to the
// database. Errors are Authenticate's.
func (a *Auth) AuthenticateCached(ctx context.Context, r *http.Request, c *store.SessionCache) (store.SessionInfo, error) {
	return RequestSession(ctx, a, r, c.LookupSession)
}
