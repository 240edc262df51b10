// Package echoapi is the echo part of the service: a product catalog and its search under /echo/.
package echoapi

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"example.com/framework-service/internal/metrics"
)

// New builds the echo router. Its routes start with the /echo group: the service's net/http mux hands
// it /echo/ requests with their path unchanged, so c.Path() is the whole pattern.
func New(m *metrics.HTTP) *echo.Echo {
	e := echo.New()
	e.Use(routeLabels(m))

	g := e.Group("/echo")
	g.GET("/healthz", func(c *echo.Context) error { return c.String(http.StatusOK, "ok\n") })

	cat := newCatalog(catalogSize)
	shop := g.Group("/shop")
	shop.GET("/search", cat.search)
	shop.GET("/products/:sku", cat.product)
	shop.Match([]string{http.MethodPut, http.MethodPatch}, "/products/:sku", cat.updateProduct)
	return e
}
