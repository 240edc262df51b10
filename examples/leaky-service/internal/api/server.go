// Package api wires the service's HTTP routes.
package api

import (
	"context"
	"expvar"
	"log"
	"net/http"
	"net/http/pprof"
	runtimepprof "runtime/pprof"
	"time"

	"example.com/leaky-service/internal/catalog"
	"example.com/leaky-service/internal/health"
	"example.com/leaky-service/internal/pricing"
	"example.com/leaky-service/internal/search"
	"example.com/leaky-service/internal/sessions"
)

// Counters published on /debug/vars next to memstats.
var (
	sessionsCreated = expvar.NewInt("sessions_created")
	searches        = expvar.NewInt("searches")
	pagesServed     = expvar.NewInt("pages_served")
	quotes          = expvar.NewInt("quotes")
)

// Deps are the parts the server is built from.
type Deps struct {
	Catalog  *catalog.Pages
	Sessions *sessions.Store
	Search   *search.Service
	Health   *health.Checker
	Indexer  *search.Indexer
	Pricing  *pricing.Backends
	// QuoteTimeout is how long GET /quote waits for the pricing backends.
	QuoteTimeout time.Duration
}

// Server serves the shop's API, pprof and expvar.
type Server struct {
	deps   Deps
	mux    *http.ServeMux
	events chan string
}

// NewServer registers every route.
func NewServer(deps Deps) *Server {
	s := &Server{deps: deps, mux: http.NewServeMux(), events: make(chan string)}
	s.routes()
	return s
}

func (s *Server) routes() {
	// Handlers come in every shape a real service has: methods, package
	// functions, a type with ServeHTTP, and function literals.
	s.mux.HandleFunc("/sessions", s.handleSessions)
	s.mux.HandleFunc("/search", s.handleSearch)
	s.mux.HandleFunc("/events", s.handleEvents)
	s.mux.HandleFunc("/primes", handlePrimes)
	s.mux.Handle("/products", &productHandler{pages: s.deps.Catalog})
	s.mux.HandleFunc("/reindex", s.handleReindex)
	s.mux.HandleFunc("/quote", s.handleQuote)

	status := func(w http.ResponseWriter, r *http.Request) {
		if err := s.deps.Health.Check(); err != nil {
			writeJSON(w, http.StatusBadGateway, map[string]string{"status": "unhealthy", "error": err.Error()})
			return
		}
		checks, failures, last := s.deps.Health.Stats()
		writeJSON(w, http.StatusOK, map[string]any{
			"status": "ok", "checks": checks, "failures": failures, "lastCheck": last.Format(time.RFC3339Nano),
		})
	}
	s.mux.HandleFunc("/status", status)

	s.mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("verbose") != "" {
			writeJSON(w, http.StatusOK, map[string]string{"service": "leaky-service", "version": "0.1.0"})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})

	s.mux.HandleFunc("/debug/pprof/", pprof.Index)
	s.mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	s.mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	s.mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	s.mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	s.mux.Handle("/debug/vars", expvar.Handler())
}

// Handler returns the root handler. Every request runs under the pprof label
// route=<matched pattern>, so CPU profiles can be filtered by route and
// goroutines started by a request carry its route.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, pattern := s.mux.Handler(r)
		if pattern == "" {
			pattern = "unmatched"
		}
		runtimepprof.Do(r.Context(), runtimepprof.Labels("route", pattern), func(ctx context.Context) {
			s.mux.ServeHTTP(w, r.WithContext(ctx))
		})
	})
}

// RunHealthChecks checks the upstream every interval until ctx is done.
func (s *Server) RunHealthChecks(ctx context.Context, every time.Duration) {
	s.deps.Health.Run(ctx, every, func(err error) { log.Printf("health check: %v", err) })
}
