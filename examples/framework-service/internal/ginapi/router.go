// Package ginapi is the gin part of the service: customers' sales reports under /gin/.
package ginapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"example.com/framework-service/internal/metrics"
)

// New builds the gin engine. The service's net/http mux hands it /gin/ requests with their path
// unchanged, so its routes start with the /gin group and c.FullPath() is the whole pattern.
func New(m *metrics.HTTP) *gin.Engine {
	r := gin.New()
	r.Use(gin.Recovery(), routeLabels(m))

	base := r.Group("/gin")
	base.GET("/healthz", func(c *gin.Context) { c.String(http.StatusOK, "ok\n") })
	base.Handle(http.MethodGet, "/stats", stats)

	h := &handlers{saved: map[int]savedReport{}}
	api := base.Group("/api/v1")
	api.GET("/customers/:id", h.customer)
	// The reports' routes are registered by a method of their own, as services split a large router.
	h.registerReports(api.Group("/reports"))
	return r
}

func (h *handlers) registerReports(reports *gin.RouterGroup) {
	reports.GET("/:id", h.report)
	reports.POST("", h.saveReport)
	reports.DELETE("/:id", h.deleteReport)
}
