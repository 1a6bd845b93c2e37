// Package serve is the HTTP side of iam: it answers "who is this request?"
// for gateways and for services that are not written in Go, from the
// database a Better Auth server shares with Go.
//
//	domain  ->  schema  ->  migrate
//	   \           \          |
//	    `---------> store <---'        betterauth -> store
//	                  ^                     ^
//	                  `------ serve --------'
//	                            ^
//	                         cmd/iam (iam serve)
//
// serve sits on store (the session lookup, API key verification, the JWKS
// rows, the revocation-aware store.SessionCache) and betterauth (cookie and
// bearer verification, Better Auth's formats). It has no SQL of its own.
//
// # Endpoints
//
//   - Forward auth, under /forward-auth (any method, any path below it:
//     nginx auth_request, Traefik ForwardAuth, Envoy ext_authz in HTTP
//     mode with a path prefix, Ory Oathkeeper's cookie_session): the
//     credentials are the Better Auth session cookie (the plain and the
//     __Secure- name), "Authorization: Bearer" (the bearer plugin's signed
//     token) or an API key header. 200 with identity headers (X-User-Id,
//     X-Session-Id, X-Organization-Id, X-User-Role, X-Organization-Role,
//     X-User-Email, X-Auth-Method, X-API-Key-Id; names configurable) and a
//     JSON body {"subject", "extra"}; 401 for missing or invalid
//     credentials (or 302 to Config.LoginURL for a browser), 403 for a
//     banned user or a refused key, 503 when the database cannot answer.
//     Always Cache-Control: no-store.
//   - Better Auth's own shapes, under Config.BasePath (/api/auth): GET
//     /get-session ({session, user} or null, as Better Auth returns it, but
//     without session.token), POST /api-key/verify (the api-key plugin's
//     {valid, error, key}), GET /jwks (public keys of iam_jwks).
//   - Operations: /healthz (the process runs), /readyz (the database
//     answers; 503 while draining), /metrics (Prometheus).
//
// Nothing secret is logged, put in an error or in a JSON body: not the
// cookie, the token, the API key or its hash. Paths of forward-auth
// requests (which may carry a reset token of the protected application)
// are not logged either, only the route.
package serve
