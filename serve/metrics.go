package serve

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/beep/iam/store"
)

// Routes (the "route" label of the metrics and the logs).
const (
	routeForwardAuth  = "forward_auth"
	routeGetSession   = "get_session"
	routeAPIKeyVerify = "api_key_verify"
	routeJWKS         = "jwks"
	routeHealthz      = "healthz"
	routeReadyz       = "readyz"
	routeMetrics      = "metrics"
	routeNotFound     = "not_found"
)

// Outcomes (the "outcome" label): what the request came to.
const (
	outcomeOK               = "ok"                 // authenticated (or the endpoint answered)
	outcomeNoCredentials    = "no_credentials"     // no cookie, bearer or API key
	outcomeInvalid          = "invalid"            // malformed, bad signature, unknown, expired
	outcomeForbidden        = "forbidden"          // banned or deleted user
	outcomeKeyRefused       = "key_refused"        // disabled, expired, used up or rate-limited key
	outcomeError            = "error"              // the database failed or timed out
	outcomeBadRequest       = "bad_request"        // a malformed request body
	outcomeMethodNotAllowed = "method_not_allowed" // a method the route does not take
	outcomeNotFound         = "not_found"          // no such route
	outcomeUnavailable      = "unavailable"        // not ready (database down, draining)
)

var allRoutes = []string{routeForwardAuth, routeGetSession, routeAPIKeyVerify, routeJWKS, routeHealthz, routeReadyz, routeMetrics, routeNotFound}

var allOutcomes = []string{outcomeOK, outcomeNoCredentials, outcomeInvalid, outcomeForbidden, outcomeKeyRefused,
	outcomeError, outcomeBadRequest, outcomeMethodNotAllowed, outcomeNotFound, outcomeUnavailable}

// metrics holds the collectors, resolved per route and outcome once so that
// the request path does no label lookups.
type metrics struct {
	requests map[string]map[string]prometheus.Counter
	latency  map[string]prometheus.Observer
	inFlight prometheus.Gauge
}

func newMetrics(reg *prometheus.Registry, st *store.Store, cache *store.SessionCache) *metrics {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "iam_serve", Name: "requests_total",
		Help: "Requests by route and outcome (ok, no_credentials, invalid, forbidden, key_refused, error, ...).",
	}, []string{"route", "outcome"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "iam_serve", Name: "request_duration_seconds",
		Help:    "Time from the request's arrival in the handler to its answer, by route.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	inFlight := prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "iam_serve", Name: "in_flight_requests", Help: "Requests being handled."})
	reg.MustRegister(requests, latency, inFlight)
	m := &metrics{requests: map[string]map[string]prometheus.Counter{}, latency: map[string]prometheus.Observer{}, inFlight: inFlight}
	for _, r := range allRoutes {
		m.requests[r] = map[string]prometheus.Counter{}
		for _, o := range allOutcomes {
			m.requests[r][o] = requests.WithLabelValues(r, o)
		}
		m.latency[r] = latency.WithLabelValues(r)
	}

	pool := func(name, help string, f func() float64, counter bool) prometheus.Collector {
		opts := prometheus.GaugeOpts{Namespace: "iam_serve", Subsystem: "db_pool", Name: name, Help: help}
		if counter {
			return prometheus.NewCounterFunc(prometheus.CounterOpts(opts), f)
		}
		return prometheus.NewGaugeFunc(opts, f)
	}
	p := st.Pool()
	reg.MustRegister(
		pool("acquired_connections", "Connections in use.", func() float64 { return float64(p.Stat().AcquiredConns()) }, false),
		pool("idle_connections", "Idle connections.", func() float64 { return float64(p.Stat().IdleConns()) }, false),
		pool("total_connections", "Open connections.", func() float64 { return float64(p.Stat().TotalConns()) }, false),
		pool("max_connections", "The pool's size.", func() float64 { return float64(p.Stat().MaxConns()) }, false),
		pool("acquires_total", "Connections acquired.", func() float64 { return float64(p.Stat().AcquireCount()) }, true),
		pool("empty_acquires_total", "Acquires that had to wait for a connection.", func() float64 { return float64(p.Stat().EmptyAcquireCount()) }, true),
		pool("canceled_acquires_total", "Acquires cancelled by their context.", func() float64 { return float64(p.Stat().CanceledAcquireCount()) }, true),
		pool("acquire_wait_seconds_total", "Time spent waiting for a connection.", func() float64 { return p.Stat().AcquireDuration().Seconds() }, true),
	)

	if cache != nil {
		stat := func(f func(store.SessionCacheStats) float64) func() float64 {
			return func() float64 { return f(cache.Stats()) }
		}
		c := func(name, help string, f func(store.SessionCacheStats) float64) prometheus.Collector {
			return prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "iam_serve", Subsystem: "session_cache", Name: name, Help: help}, stat(f))
		}
		g := func(name, help string, f func(store.SessionCacheStats) float64) prometheus.Collector {
			return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "iam_serve", Subsystem: "session_cache", Name: name, Help: help}, stat(f))
		}
		reg.MustRegister(
			c("hits_total", "Session lookups served from memory.", func(s store.SessionCacheStats) float64 { return float64(s.Hits) }),
			c("misses_total", "Session lookups that went to the database while listening.", func(s store.SessionCacheStats) float64 { return float64(s.Misses) }),
			c("bypassed_total", "Session lookups that went to the database because the cache was not listening.", func(s store.SessionCacheStats) float64 { return float64(s.Bypassed) }),
			c("invalidations_total", "Notifications received from the database.", func(s store.SessionCacheStats) float64 { return float64(s.Invalidations) }),
			c("evictions_total", "Entries dropped to stay within the size bound.", func(s store.SessionCacheStats) float64 { return float64(s.Evictions) }),
			c("reconnects_total", "Notification connections lost.", func(s store.SessionCacheStats) float64 { return float64(s.Reconnects) }),
			c("heartbeat_failures_total", "Heartbeats (a notification from a second connection) that did not arrive.", func(s store.SessionCacheStats) float64 { return float64(s.HeartbeatFailures) }),
			g("entries", "Sessions in memory.", func(s store.SessionCacheStats) float64 { return float64(s.Entries) }),
			g("listening", "1 while the notification connection listens (lookups may be served from memory), else 0.", func(s store.SessionCacheStats) float64 {
				if s.Live {
					return 1
				}
				return 0
			}),
		)
	}
	return m
}

// defaultRegistry is a registry with the Go runtime and process collectors.
func defaultRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}
