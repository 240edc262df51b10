package chiapi

import (
	"context"
	"net/http"
	"runtime/pprof"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"example.com/framework-service/internal/metrics"
)

// routeLabels runs each request under the pprof labels framework=chi and route=<its pattern> and counts
// it. chi resolves sub-routers (Route, Mount) only as the request descends into them, so at the top the
// pattern is not known yet: Find walks the routing tree for it first, sub-routers included.
func routeLabels(m *metrics.HTTP) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			route := ""
			if rctx := chi.RouteContext(r.Context()); rctx != nil {
				route = rctx.Routes.Find(chi.NewRouteContext(), r.Method, r.URL.Path)
			}
			if route == "" {
				route = "unmatched"
			}
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			pprof.Do(r.Context(), pprof.Labels("framework", "chi", "route", route), func(ctx context.Context) {
				next.ServeHTTP(ww, r.WithContext(ctx))
			})
			status := ww.Status()
			if status == 0 {
				status = http.StatusOK
			}
			m.Observe("chi", route, r.Method, status, time.Since(start))
		})
	}
}
