// Package chiapi is the chi part of the service: rendered map tiles and an admin area under /chi/.
package chiapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"example.com/framework-service/internal/metrics"
)

// New builds the chi router. Its routes live under r.Route("/chi", …): the service's net/http mux
// hands it /chi/ requests with their path unchanged.
func New(m *metrics.HTTP) chi.Router {
	r := chi.NewRouter()
	r.Use(routeLabels(m))
	r.Route("/chi", func(r chi.Router) {
		r.Get("/healthz", healthz)
		r.Route("/tiles", func(r chi.Router) {
			r.Get("/{zoom}/mandelbrot.png", renderTile)
		})
		// A group shares the prefix and adds middleware of its own.
		r.Group(func(r chi.Router) {
			r.Use(middleware.NoCache)
			r.Get("/clock", clock)
		})
		// A sub-router built elsewhere, mounted under a prefix.
		r.Mount("/admin", adminRouter())
	})
	return r
}

func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("ok\n"))
}
