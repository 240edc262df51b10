// Package fiberapi is the fiber part of the service: a library's books and loans under /fiber/.
package fiberapi

import (
	"github.com/gofiber/fiber/v3"

	"example.com/framework-service/internal/metrics"
)

// New builds the fiber app, served through fiber's net/http adaptor by the service's mux, which hands
// it /fiber/ requests with their path unchanged: its routes start with the /fiber group.
//
// fiber runs app.Use middleware before its router has chosen the route (c.FullPath() there is the
// middleware's own "/"), so the labelling middleware is each route's first handler instead.
func New(m *metrics.HTTP) *fiber.App {
	app := fiber.New()
	labelled := routeLabels(m)
	lib := newLibrary()

	api := app.Group("/fiber")
	api.Get("/healthz", labelled, func(c fiber.Ctx) error { return c.SendString("ok\n") })

	v1 := api.Group("/v1")
	v1.Get("/books/:book/words", labelled, lib.topWords)
	v1.Add([]string{fiber.MethodPut, fiber.MethodPatch}, "/books/:book", labelled, lib.updateBook)
	v1.Route("/authors", func(authors fiber.Router) {
		authors.Get("/:name", labelled, lib.author)
	})
	// Several methods of one path, declared once.
	v1.RouteChain("/loans/:id").Get(labelled, lib.loan).Delete(labelled, lib.returnLoan)

	app.Use(notFound(m))
	return app
}
