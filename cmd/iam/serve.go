package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/beep/iam/betterauth"
	"github.com/beep/iam/domain"
	"github.com/beep/iam/serve"
	"github.com/beep/iam/store"
)

func init() { extraCommands = append(extraCommands, newServeCmd) }

// serveFlags are the flags of `iam serve`; each can also be given as
// IAM_<FLAG> (upper case, dashes as underscores), the flag winning.
type serveFlags struct {
	listen, secretFile, cookiePrefix, cookieName string
	unsignedBearer                               bool
	cache                                        bool
	cacheSize                                    int
	cacheTTL                                     time.Duration
	listenDatabaseURL                            string
	poolSize                                     int32
	apiKeyHeaders                                []string
	apiKeyConfigID                               string
	headers                                      map[string]string
	loginURL, loginParam                         string
	basePath, forwardPath                        string
	requestTimeout, readHeaderTimeout            time.Duration
	readTimeout, writeTimeout, idleTimeout       time.Duration
	shutdownTimeout, drainDelay                  time.Duration
	maxHeaderBytes                               int
	maxBodyBytes                                 int64
	logFormat, logLevel                          string
	accessLog                                    bool
}

func newServeCmd(app *App) *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Answer \"who is this request?\" over HTTP: forward auth for gateways, Better Auth's get-session, API key verify and JWKS",
		Long: `serve runs an HTTP server on the database a Better Auth server shares with Go.

  /forward-auth[/...]        any method and path: nginx auth_request, Traefik
                             ForwardAuth, Envoy ext_authz (HTTP), Oathkeeper
                             cookie_session. 200 with X-User-Id, X-Session-Id,
                             X-Organization-Id, X-User-Role, X-Organization-Role,
                             X-User-Email, X-Auth-Method, X-API-Key-Id and
                             {"subject", "extra"}; 401 (or 302 to --login-url
                             for a browser), 403 banned user or refused key.
  /api/auth/get-session      Better Auth's JSON ({session, user} or null), no token
  /api/auth/api-key/verify   POST {key, configId?, permissions?}: {valid, error, key}
  /api/auth/jwks             the public signing keys of iam_jwks
  /healthz /readyz /metrics  liveness, readiness (database), Prometheus

Credentials: the session cookie (better-auth.session_token, with or without
__Secure-), "Authorization: Bearer <signed token>", or an API key header
(x-api-key). The secret is $IAM_SECRET, else --secret-file, else Better
Auth's own variables (BETTER_AUTH_SECRETS, BETTER_AUTH_SECRET, AUTH_SECRET);
it is never taken from the command line.

--session-cache keeps session lookups in memory and drops them when the
database announces a change (migration 0004: LISTEN/NOTIFY on session
delete/update, user ban/delete, membership changes), so a revocation by
Better Auth, Go or psql is refused at once; while the notification
connection is down every lookup goes to the database.

Every flag can be set as IAM_<FLAG> (IAM_LISTEN, IAM_SESSION_CACHE=true,
IAM_HEADER=user-id=X-Auth-User,...). Logs (JSON on stderr) never contain a
token, a key or a cookie. SIGTERM or SIGINT: /readyz turns 503, the
listener closes and requests in flight finish (--shutdown-timeout).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := bindEnv(cmd.Flags(), os.LookupEnv); err != nil {
				return err
			}
			return runServe(cmd, app, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address to listen on (host:port; :8080 for every interface)")
	fl.StringVar(&f.secretFile, "secret-file", "", "file holding the Better Auth secret (when $IAM_SECRET is not set)")
	fl.StringVar(&f.cookiePrefix, "cookie-prefix", "", "Better Auth's advanced.cookiePrefix (default better-auth)")
	fl.StringVar(&f.cookieName, "cookie-name", "", "Better Auth's advanced.cookies.session_token.name, without __Secure-")
	fl.BoolVar(&f.unsignedBearer, "allow-unsigned-bearer", false, "accept \"Authorization: Bearer <token>\" without a signature (the bearer plugin without requireSignature)")
	fl.BoolVar(&f.cache, "session-cache", false, "serve session lookups from memory, invalidated by the database's notifications")
	fl.IntVar(&f.cacheSize, "session-cache-size", 100_000, "most sessions kept in memory")
	fl.DurationVar(&f.cacheTTL, "session-cache-ttl", time.Minute, "longest one lookup is served from memory (invalidation does not wait for it)")
	fl.StringVar(&f.listenDatabaseURL, "listen-database-url", "", "database URL of the notification connection when --database-url goes through a transaction pooler (PgBouncer)")
	fl.Int32Var(&f.poolSize, "pool-size", 20, "database connections")
	fl.StringSliceVar(&f.apiKeyHeaders, "api-key-header", []string{betterauth.DefaultAPIKeyHeader}, "request headers carrying an API key (first present wins)")
	fl.StringVar(&f.apiKeyConfigID, "api-key-config-id", "", "accept only the keys of this api-key configuration")
	fl.StringToStringVar(&f.headers, "header", nil, "rename an identity header, KEY=Header-Name (empty: not sent); keys: "+strings.Join(headerKeys(), ", "))
	fl.StringVar(&f.loginURL, "login-url", "", "send browsers without a valid session here (302) instead of 401; not for nginx auth_request")
	fl.StringVar(&f.loginParam, "login-redirect-param", "callbackURL", "query parameter of --login-url that carries the original URL")
	fl.StringVar(&f.basePath, "base-path", "/api/auth", "where Better Auth's endpoints are mounted")
	fl.StringVar(&f.forwardPath, "forward-auth-path", "/forward-auth", "prefix of the forward-auth endpoint")
	fl.DurationVar(&f.requestTimeout, "request-timeout", 5*time.Second, "database work per request (then 503)")
	fl.DurationVar(&f.readHeaderTimeout, "read-header-timeout", 5*time.Second, "time to read a request's header")
	fl.DurationVar(&f.readTimeout, "read-timeout", 10*time.Second, "time to read a whole request")
	fl.DurationVar(&f.writeTimeout, "write-timeout", 15*time.Second, "time to write a response")
	fl.DurationVar(&f.idleTimeout, "idle-timeout", 120*time.Second, "keep-alive connections idle this long are closed")
	fl.DurationVar(&f.shutdownTimeout, "shutdown-timeout", 30*time.Second, "time requests in flight get to finish on SIGTERM")
	fl.DurationVar(&f.drainDelay, "drain-delay", 0, "time /readyz reports 503 before the listener closes on SIGTERM")
	fl.IntVar(&f.maxHeaderBytes, "max-header-bytes", 32<<10, "largest request header")
	fl.Int64Var(&f.maxBodyBytes, "max-body-bytes", 64<<10, "largest request body")
	fl.StringVar(&f.logFormat, "log-format", "json", "json or text")
	fl.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fl.BoolVar(&f.accessLog, "access-log", false, "log every request (route, status, outcome, duration, user id; never a path below /forward-auth)")
	return cmd
}

func headerKeys() []string {
	return []string{serve.HeaderUserID, serve.HeaderSessionID, serve.HeaderOrganizationID, serve.HeaderUserRole,
		serve.HeaderOrganizationRole, serve.HeaderUserEmail, serve.HeaderAuthMethod, serve.HeaderAPIKeyID}
}

// bindEnv sets every flag not given on the command line from IAM_<FLAG>
// when that is set and not empty. A bad value is a usage error naming the variable (not
// its value: it may be a URL with a password).
func bindEnv(fs *pflag.FlagSet, lookup func(string) (string, bool)) error {
	var errs []string
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Changed {
			return
		}
		name := "IAM_" + strings.ToUpper(strings.ReplaceAll(fl.Name, "-", "_"))
		v, ok := lookup(name)
		if !ok || v == "" {
			return
		}
		if err := fl.Value.Set(v); err != nil {
			errs = append(errs, fmt.Sprintf("%s: not a valid %s for --%s", name, fl.Value.Type(), fl.Name))
		}
	})
	if len(errs) > 0 {
		return Usage("serve: %s", strings.Join(errs, "; "))
	}
	return nil
}

func runServe(cmd *cobra.Command, app *App, f *serveFlags) error {
	ctx := cmd.Context()
	log, err := newLogger(app.Err, f.logFormat, f.logLevel)
	if err != nil {
		return err
	}
	authCfg, err := serveAuthConfig(f)
	if err != nil {
		return err
	}
	auth, err := betterauth.New(authCfg)
	if err != nil {
		return Usage("serve: %v", err)
	}
	if f.poolSize <= 0 {
		return Usage("serve: --pool-size: must be positive")
	}
	url, err := app.URL(ctx)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, url, store.Options{MaxConns: f.poolSize, Source: "iam-serve"})
	if err != nil {
		if errors.Is(err, store.ErrBypassRLS) {
			return Exit(ExitFailure, fmt.Errorf("serve: %w", err))
		}
		return Exit(ExitUnreachable, fmt.Errorf("serve: %w", err))
	}
	defer st.Close()

	var cache *store.SessionCache
	if f.cache {
		cache, err = st.NewSessionCache(store.SessionCacheOptions{
			MaxEntries: f.cacheSize, TTL: f.cacheTTL, ListenURL: f.listenDatabaseURL,
			OnStateChange: func(live bool, err error) {
				if live {
					log.Info("session cache listening: lookups served from memory")
				} else if err != nil && !errors.Is(err, store.ErrClosed) {
					log.Warn("session cache not listening: every lookup goes to the database until it reconnects", "error", err.Error())
				}
			},
		})
		if err != nil {
			return Usage("serve: session cache: %v", err)
		}
		defer cache.Close()
	}
	srv, err := serve.New(serve.Config{
		Auth: auth, Store: st, Cache: cache, Logger: log, AccessLog: f.accessLog,
		BasePath: f.basePath, ForwardAuthPath: f.forwardPath, Headers: f.headers,
		APIKeyHeaders: f.apiKeyHeaders, APIKeyConfigID: f.apiKeyConfigID,
		LoginURL: f.loginURL, LoginRedirectParam: f.loginParam,
		RequestTimeout: f.requestTimeout, ReadHeaderTimeout: f.readHeaderTimeout, ReadTimeout: f.readTimeout,
		WriteTimeout: f.writeTimeout, IdleTimeout: f.idleTimeout, ShutdownTimeout: f.shutdownTimeout, DrainDelay: f.drainDelay,
		MaxHeaderBytes: f.maxHeaderBytes, MaxBodyBytes: f.maxBodyBytes,
	})
	if err != nil {
		return Usage("serve: %v", err)
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return Exit(ExitFailure, fmt.Errorf("serve: --listen %s: %w", f.listen, err))
	}
	return srv.Serve(ctx, ln)
}

// serveAuthConfig reads the secret: $IAM_SECRET, --secret-file, or Better
// Auth's environment variables.
func serveAuthConfig(f *serveFlags) (betterauth.Config, error) {
	cfg, err := betterauth.ConfigFromEnv(os.Getenv)
	if err != nil {
		return cfg, Usage("serve: %v", err)
	}
	switch {
	case os.Getenv("IAM_SECRET") != "":
		cfg.Secret, cfg.Secrets = domain.NewSecret(os.Getenv("IAM_SECRET")), nil
	case f.secretFile != "":
		b, err := os.ReadFile(f.secretFile)
		if err != nil {
			return cfg, Usage("serve: --secret-file: %v", err)
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			return cfg, Usage("serve: --secret-file %s: empty", f.secretFile)
		}
		cfg.Secret, cfg.Secrets = domain.NewSecret(s), nil
	case cfg.Secret.IsEmpty() && len(cfg.Secrets) == 0:
		return cfg, Usage("serve: secret: required: set IAM_SECRET (or BETTER_AUTH_SECRET) to the Better Auth server's secret, or pass --secret-file")
	}
	cfg.CookiePrefix, cfg.SessionTokenCookie, cfg.AllowUnsignedBearer = f.cookiePrefix, f.cookieName, f.unsignedBearer
	return cfg, nil
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, Usage("serve: --log-level %q: must be debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	}
	return nil, Usage("serve: --log-format %q: must be json or text", format)
}
