package ginapi

import (
	"context"
	"runtime/pprof"
	"time"

	"github.com/gin-gonic/gin"

	"example.com/framework-service/internal/metrics"
)

// routeLabels runs each request under the pprof labels framework=gin and route=<its pattern>, so CPU
// profiles can be filtered by route and goroutines a request starts carry it, and counts the request.
// gin matches the route before the handlers run: c.FullPath() is known here.
func routeLabels(m *metrics.HTTP) gin.HandlerFunc {
	return func(c *gin.Context) {
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		start := time.Now()
		pprof.Do(c.Request.Context(), pprof.Labels("framework", "gin", "route", route), func(ctx context.Context) {
			c.Request = c.Request.WithContext(ctx)
			c.Next()
		})
		m.Observe("gin", route, c.Request.Method, c.Writer.Status(), time.Since(start))
	}
}
