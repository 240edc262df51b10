// Command framework-service serves routes of four web frameworks — gin, echo, chi and fiber — from one
// net/http server, with net/http/pprof and Prometheus metrics beside them. It is Goroscope's second
// example: handler discovery, "Profile this handler" and the route labels are tested live against it.
package main

import (
	"context"
	"errors"
	"expvar"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	"github.com/gofiber/fiber/v3"
	"github.com/gofiber/fiber/v3/middleware/adaptor"
	"github.com/labstack/echo/v5"

	"example.com/framework-service/internal/chiapi"
	"example.com/framework-service/internal/echoapi"
	"example.com/framework-service/internal/fiberapi"
	"example.com/framework-service/internal/ginapi"
	"example.com/framework-service/internal/metrics"
	"example.com/framework-service/internal/traffic"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6061", "listen address; use 127.0.0.1:0 for a free port")
	perSecond := flag.Int("traffic", 0, "requests per second the service sends to each framework's costly route (0 disables it)")
	routes := flag.Bool("routes", false, "print every route of the four routers, from their own route tables, as JSON, and exit")
	flag.Parse()

	log.SetOutput(os.Stderr)
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	// gin prints its route table and warnings on stdout in debug mode: stdout is for the address only.
	gin.SetMode(gin.ReleaseMode)
	gin.DefaultWriter = os.Stderr

	if *routes {
		if err := printRoutes(os.Stdout, newRouters(metrics.NewHTTP())); err != nil {
			log.Printf("framework-service: %v", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*addr, *perSecond); err != nil {
		log.Printf("framework-service: %v", err)
		os.Exit(1)
	}
}

func run(addr string, perSecond int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	baseURL := "http://" + ln.Addr().String()
	m := metrics.NewHTTP()
	httpServer := &http.Server{Handler: newMux(newRouters(m), m), ReadHeaderTimeout: 5 * time.Second}

	// Tests and scripts read this line to find the port: keep it the only line on stdout.
	fmt.Printf("listening on %s\n", baseURL)

	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()
	if perSecond > 0 {
		go traffic.Run(ctx, baseURL, perSecond)
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
	if err := httpServer.Shutdown(shutdownCtx); err != nil {
		return httpServer.Close()
	}
	return nil
}

// routers are the four frameworks' routers of the service.
type routers struct {
	gin   *gin.Engine
	echo  *echo.Echo
	chi   chi.Router
	fiber *fiber.App
}

func newRouters(m *metrics.HTTP) routers {
	return routers{gin: ginapi.New(m), echo: echoapi.New(m), chi: chiapi.New(m), fiber: fiberapi.New(m)}
}

// newMux mounts each framework's router under its own prefix of one net/http mux (the path is handed
// on unchanged: each router's routes start with that prefix), so one address serves all four, as one
// attached service has one host. fiber, built on fasthttp, is served through its net/http adaptor.
func newMux(r routers, m *metrics.HTTP) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle("/gin/", r.gin)
	mux.Handle("/echo/", r.echo)
	mux.Handle("/chi/", r.chi)
	mux.Handle("/fiber/", adaptor.FiberApp(r.fiber))

	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	// memstats and cmdline as JSON, for tools that read heap figures from expvar (Goroscope's status bar).
	mux.Handle("GET /debug/vars", expvar.Handler())
	// pprof.Index serves every runtime profile by name, goroutineleak included (Go 1.27).
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
