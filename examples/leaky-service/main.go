// Command leaky-service is a small shop backend with deliberate memory and
// goroutine leaks. It is the demo and integration-test target of Goroscope:
// it serves net/http/pprof and expvar, and its README lists every leak and its
// rate.
package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"example.com/leaky-service/internal/api"
	"example.com/leaky-service/internal/catalog"
	"example.com/leaky-service/internal/health"
	"example.com/leaky-service/internal/loadgen"
	"example.com/leaky-service/internal/pricing"
	"example.com/leaky-service/internal/search"
	"example.com/leaky-service/internal/sessions"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6060", "listen address; use 127.0.0.1:0 for a free port")
	cacheSize := flag.Int("catalog-cache", 256, "rendered product pages kept in the page cache")
	replicas := flag.Int("search-replicas", 3, "search replicas queried per /search request")
	healthEvery := flag.Duration("health-interval", 5*time.Second, "how often the upstream health check runs (0 disables it)")
	traffic := flag.Int("traffic", 0, "synthetic requests per second sent to each busy endpoint (0 disables it)")
	blockRate := flag.Int("block-rate", 10000, "runtime.SetBlockProfileRate: sample one blocking event per this many nanoseconds")
	mutexFraction := flag.Int("mutex-fraction", 5, "runtime.SetMutexProfileFraction")
	quoteTimeout := flag.Duration("quote-timeout", 100*time.Millisecond, "how long GET /quote waits for the pricing backends")
	token := flag.String("token", "", "when set, /debug/ (pprof and expvar) answers 401 unless the request carries \"Authorization: Bearer TOKEN\"")
	flag.Parse()

	log.SetOutput(os.Stderr)
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	runtime.SetBlockProfileRate(*blockRate)
	runtime.SetMutexProfileFraction(*mutexFraction)

	if err := run(*addr, *cacheSize, *replicas, *healthEvery, *traffic, *token, *quoteTimeout); err != nil {
		log.Printf("leaky-service: %v", err)
		os.Exit(1)
	}
}

func run(addr string, cacheSize, replicas int, healthEvery time.Duration, traffic int, token string, quoteTimeout time.Duration) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if _, err := catalog.Validate(catalog.Data, "data"); err != nil {
		return fmt.Errorf("checking the catalog: %w", err)
	}
	products, err := catalog.Load(catalog.Data, "data")
	if err != nil {
		return fmt.Errorf("loading the catalog: %w", err)
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	baseURL := "http://" + ln.Addr().String()

	srv := api.NewServer(api.Deps{
		Catalog:      catalog.NewPages(products, cacheSize),
		Sessions:     sessions.NewStore(16),
		Search:       search.NewService(replicas),
		Health:       health.NewChecker(baseURL + "/healthz"),
		Indexer:      search.NewIndexer(ctx),
		Pricing:      pricing.NewBackends(),
		QuoteTimeout: quoteTimeout,
	})
	handler := srv.Handler()
	if token != "" {
		handler = requireToken(handler, token)
	}
	httpServer := &http.Server{Handler: handler, ReadHeaderTimeout: 5 * time.Second}

	// Tests and scripts read this line to find the port: keep it the only line on stdout.
	fmt.Printf("listening on %s\n", baseURL)

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()

	if healthEvery > 0 {
		go srv.RunHealthChecks(ctx, healthEvery)
	}
	if traffic > 0 {
		go loadgen.Run(ctx, baseURL, traffic)
	}

	select {
	case err := <-serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return err
	case <-ctx.Done():
	}
	log.Printf("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// Leaked connections never go idle, so Shutdown may time out: that is the demo.
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return httpServer.Close()
	}
	return nil
}

// requireToken guards the diagnostics endpoints (/debug/: pprof and expvar) the way a service behind an
// authenticating proxy does: without "Authorization: Bearer <token>" they answer 401. The shop stays open.
func requireToken(next http.Handler, token string) http.Handler {
	want := "Bearer " + token
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/debug/") && subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="diagnostics"`)
			http.Error(w, "401 unauthorized: this endpoint needs a bearer token", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
