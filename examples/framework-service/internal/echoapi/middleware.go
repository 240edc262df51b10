package echoapi

import (
	"context"
	"net/http"
	"runtime/pprof"
	"time"

	"github.com/labstack/echo/v5"

	"example.com/framework-service/internal/metrics"
)

// routeLabels runs each request under the pprof labels framework=echo and route=<its pattern> and
// counts it. Middleware added with e.Use runs after echo's router: c.Path() is the matched pattern.
func routeLabels(m *metrics.HTTP) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			start := time.Now()
			var err error
			pprof.Do(c.Request().Context(), pprof.Labels("framework", "echo", "route", route), func(ctx context.Context) {
				c.SetRequest(c.Request().WithContext(ctx))
				err = next(c)
			})
			if err != nil {
				// Written here rather than after the chain returns, so the status counted is the one sent.
				c.Echo().HTTPErrorHandler(c, err)
			}
			status := http.StatusOK
			if r, _ := echo.UnwrapResponse(c.Response()); r != nil && r.Status != 0 {
				status = r.Status
			}
			m.Observe("echo", route, c.Request().Method, status, time.Since(start))
			return nil
		}
	}
}
