package fiberapi

import (
	"context"
	"runtime/pprof"
	"time"

	"github.com/gofiber/fiber/v3"

	"example.com/framework-service/internal/metrics"
)

// routeLabels runs the rest of a route's handlers under the pprof labels framework=fiber and
// route=<the route's pattern> and counts the request. It is registered as the first handler of each
// route, where c.FullPath() is that route's pattern, group prefixes included.
func routeLabels(m *metrics.HTTP) fiber.Handler {
	return func(c fiber.Ctx) error {
		route := c.FullPath()
		start := time.Now()
		var err error
		// The adaptor runs fiber on the net/http request's goroutine: the labels apply to the handlers.
		pprof.Do(c.Context(), pprof.Labels("framework", "fiber", "route", route), func(ctx context.Context) {
			c.SetContext(ctx)
			err = c.Next()
		})
		if err != nil {
			// Sent here rather than after the chain returns, so the status counted is the one sent.
			err = c.App().Config().ErrorHandler(c, err)
		}
		m.Observe("fiber", route, c.Method(), c.Response().StatusCode(), time.Since(start))
		return err
	}
}

// notFound answers requests no route matched, and counts them.
func notFound(m *metrics.HTTP) fiber.Handler {
	return func(c fiber.Ctx) error {
		m.Observe("fiber", "unmatched", c.Method(), fiber.StatusNotFound, 0)
		return c.SendStatus(fiber.StatusNotFound)
	}
}
