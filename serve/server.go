package serve

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/beep/iam/domain"
	"github.com/beep/iam/store"
)

// Server is the HTTP server of `iam serve`. Build it with New; it is safe
// for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	handler http.Handler

	lookup      func(context.Context, domain.Secret) (store.SessionInfo, error)
	cookieNames []string      // the session cookie's name, with and without __Secure-
	headers     []identityHdr // identity headers to send, in order
	jwks        jwksCache

	draining atomic.Bool
}

type identityHdr struct {
	key  string // HeaderUserID, ...
	name string // canonical header name
}

// New validates cfg and builds the server. Errors are a
// *domain.ValidationError naming each bad field and rule.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	reg := cfg.Registry
	if reg == nil {
		reg = defaultRegistry()
		cfg.Registry = reg
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: newMetrics(reg, cfg.Store, cfg.Cache)}
	s.lookup = cfg.Store.LookupSession
	if cfg.Cache != nil {
		s.lookup = cfg.Cache.LookupSession
	}
	name := cfg.Auth.SessionTokenCookieName()
	const secure = "__Secure-"
	if plain, ok := strings.CutPrefix(name, secure); ok {
		s.cookieNames = []string{name, plain}
	} else {
		s.cookieNames = []string{name, secure + name}
	}
	for _, k := range headerOrder {
		if n := cfg.Headers[k]; n != "" {
			s.headers = append(s.headers, identityHdr{key: k, name: canonical(n)})
		}
	}
	s.jwks.refresh = cfg.JWKSRefresh

	mux := http.NewServeMux()
	fa := s.route(routeForwardAuth, s.forwardAuth)
	mux.Handle(cfg.ForwardAuthPath, fa)
	mux.Handle(cfg.ForwardAuthPath+"/", fa)
	mux.Handle(cfg.BasePath+"/get-session", s.route(routeGetSession, s.getSession))
	mux.Handle(cfg.BasePath+"/api-key/verify", s.route(routeAPIKeyVerify, s.verifyAPIKey))
	mux.Handle(cfg.BasePath+"/jwks", s.route(routeJWKS, s.serveJWKS))
	mux.Handle("/healthz", s.route(routeHealthz, s.healthz))
	mux.Handle("/readyz", s.route(routeReadyz, s.readyz))
	metricsHandler := promhttp.HandlerFor(reg, promhttp.HandlerOpts{ErrorLog: slogPrinter{s.log}})
	mux.Handle("/metrics", s.route(routeMetrics, func(w http.ResponseWriter, r *http.Request) result {
		metricsHandler.ServeHTTP(w, r)
		return result{status: http.StatusOK, outcome: outcomeOK}
	}))
	mux.Handle("/", s.route(routeNotFound, func(w http.ResponseWriter, r *http.Request) result {
		return result{status: writeError(w, http.StatusNotFound, "NOT_FOUND", "no such endpoint"), outcome: outcomeNotFound}
	}))
	s.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes)
		mux.ServeHTTP(w, r)
	})
	return s, nil
}

// Handler returns the server's routes with the body limit, for embedding in
// another server or for httptest. HTTPServer adds the server's timeouts.
func (s *Server) Handler() http.Handler { return s.handler }

// handlerFunc is a route's handler: it writes the response and returns
// what it wrote, for the metrics and the logs.
type handlerFunc func(w http.ResponseWriter, r *http.Request) result

// result is what a request came to. Nothing in it is secret: method and
// userID are public, err is a store or betterauth error (which never
// contains a token or a key).
type result struct {
	status  int
	outcome string
	method  string // cookie, bearer, api-key
	userID  string
	reason  string // a Better Auth error code (KEY_DISABLED, ...)
	err     error
}

// route wraps a handler with the metrics, the logs and panic recovery.
func (s *Server) route(name string, h handlerFunc) http.Handler {
	requests, latency := s.metrics.requests[name], s.metrics.latency[name]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.metrics.inFlight.Inc()
		res := result{status: http.StatusInternalServerError, outcome: outcomeError}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.Error("handler panicked", "route", name, "panic", panicText(p))
				res = result{status: writeError(w, http.StatusInternalServerError, "INTERNAL", "internal error"), outcome: outcomeError}
			}
			d := time.Since(start)
			s.metrics.inFlight.Dec()
			requests[res.outcome].Inc()
			latency.Observe(d.Seconds())
			s.logRequest(r, name, res, d)
		}()
		res = h(w, r)
	})
}

func (s *Server) logRequest(r *http.Request, route string, res result, d time.Duration) {
	level := slog.LevelDebug
	switch {
	case res.status >= 500:
		level = slog.LevelError
	case s.cfg.AccessLog:
		level = slog.LevelInfo
	}
	if !s.log.Enabled(r.Context(), level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("route", route), slog.String("method", r.Method), slog.Int("status", res.status),
		slog.String("outcome", res.outcome), slog.Float64("duration_ms", float64(d.Microseconds())/1000),
	}
	// Only fixed routes are logged by path: a forward-auth path is the
	// protected application's, and may carry its secrets.
	if route != routeForwardAuth && route != routeNotFound {
		attrs = append(attrs, slog.String("path", r.URL.Path))
	}
	if id := requestID(r); id != "" {
		attrs = append(attrs, slog.String("request_id", id))
	}
	if res.method != "" {
		attrs = append(attrs, slog.String("auth_method", res.method))
	}
	if res.userID != "" {
		attrs = append(attrs, slog.String("user_id", res.userID))
	}
	if res.reason != "" {
		attrs = append(attrs, slog.String("reason", res.reason))
	}
	if res.err != nil {
		attrs = append(attrs, slog.String("error", res.err.Error()))
	}
	s.log.LogAttrs(r.Context(), level, "request", attrs...)
}

// requestID returns a well-formed X-Request-Id (at most 128 characters of
// [A-Za-z0-9._-]) or "".
func requestID(r *http.Request) string {
	id := r.Header.Get("X-Request-Id")
	if len(id) == 0 || len(id) > 128 {
		return ""
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return ""
		}
	}
	return id
}

func panicText(p any) string {
	if err, ok := p.(error); ok {
		return err.Error()
	}
	if s, ok := p.(string); ok {
		return s
	}
	return "non-error panic"
}

// slogPrinter adapts the logger to promhttp's ErrorLog.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Println(v ...any) {
	p.log.Error("metrics", "error", strings.TrimSpace(sprintln(v...)))
}

func sprintln(v ...any) string {
	var b strings.Builder
	for i, x := range v {
		if i > 0 {
			b.WriteByte(' ')
		}
		if err, ok := x.(error); ok {
			b.WriteString(err.Error())
		} else if s, ok := x.(string); ok {
			b.WriteString(s)
		}
	}
	return b.String()
}

// healthz reports that the process serves HTTP; it never touches the
// database (a liveness probe must not restart the server when the database
// is down).
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) result {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
	return result{status: http.StatusOK, outcome: outcomeOK}
}

// readyz reports whether requests can be answered: the database answers a
// ping within a second, and the server is not draining. The session
// cache's state is reported but does not decide: without it lookups go to
// the database.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) result {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	cache := "off"
	if s.cfg.Cache != nil {
		cache = "not listening (lookups go to the database)"
		if s.cfg.Cache.Live() {
			cache = "listening"
		}
	}
	if s.draining.Load() {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"ready":false,"reason":"shutting down","sessionCache":` + string(jsonQuote(cache)) + "}\n"))
		return result{status: http.StatusServiceUnavailable, outcome: outcomeUnavailable}
	}
	ctx, cancel := context.WithTimeout(r.Context(), time.Second)
	defer cancel()
	if err := s.cfg.Store.Ping(ctx); err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"ready":false,"reason":"database unreachable","sessionCache":` + string(jsonQuote(cache)) + "}\n"))
		return result{status: http.StatusServiceUnavailable, outcome: outcomeUnavailable, err: err}
	}
	_, _ = w.Write([]byte(`{"ready":true,"sessionCache":` + string(jsonQuote(cache)) + "}\n"))
	return result{status: http.StatusOK, outcome: outcomeOK}
}

// HTTPServer returns the *http.Server Serve runs, with every timeout and
// limit of the configuration.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: s.cfg.ReadHeaderTimeout,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// Serve answers requests on ln until ctx ends, then shuts down gracefully:
// /readyz turns 503 (for DrainDelay), the listener closes, and requests in
// flight get up to ShutdownTimeout to finish before their connections are
// closed. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := s.HTTPServer()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("listening", "addr", ln.Addr().String(), "session_cache", s.cfg.Cache != nil,
		"forward_auth", s.cfg.ForwardAuthPath, "base_path", s.cfg.BasePath)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("shutting down", "drain_delay", s.cfg.DrainDelay.String(), "timeout", s.cfg.ShutdownTimeout.String())
	if s.cfg.DrainDelay > 0 {
		time.Sleep(s.cfg.DrainDelay)
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if err != nil {
		_ = hs.Close()
		err = errors.New("serve: requests still running after the shutdown timeout were cut off")
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	s.log.Info("stopped")
	return err
}

// ListenAndServe listens on addr (host:port) and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}
