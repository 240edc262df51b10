package echoapi

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/labstack/echo/v5"
)

// catalogSize products are searched by every request: a few milliseconds of CPU and about a megabyte
// of allocations per search.
const catalogSize = 4000

// defaultQuery is searched when ?q= is missing (as with "Profile this handler"'s load).
const defaultQuery = "stainless espresso grinder"

var (
	adjectives = []string{"stainless", "compact", "burr", "manual", "electric", "ceramic", "copper", "glass", "smart", "travel"}
	nouns      = []string{"espresso", "kettle", "grinder", "scale", "tamper", "dripper", "frother", "carafe", "roaster", "filter"}
	kinds      = []string{"machine", "set", "kit", "pro", "mini", "classic", "deluxe", "stand", "case", "brush"}
)

// Product is one catalog entry.
type Product struct {
	SKU   string `json:"sku"`
	Name  string `json:"name"`
	Cents int64  `json:"cents"`
}

type catalog struct {
	mu       sync.RWMutex
	products []Product
	bySKU    map[string]int
}

func newCatalog(size int) *catalog {
	rng := rand.New(rand.NewPCG(7, 11))
	c := &catalog{bySKU: make(map[string]int, size)}
	for i := range size {
		name := strings.Join([]string{
			adjectives[rng.IntN(len(adjectives))], nouns[rng.IntN(len(nouns))], kinds[rng.IntN(len(kinds))],
		}, " ")
		p := Product{SKU: fmt.Sprintf("P%05d", i), Name: name, Cents: int64(500 + rng.IntN(50_000))}
		c.bySKU[p.SKU] = len(c.products)
		c.products = append(c.products, p)
	}
	return c
}

type match struct {
	Product
	Distance int `json:"distance"`
}

// search answers GET /echo/shop/search?q= with the ten products whose names are closest to q by edit
// distance: the echo route with a CPU and allocation cost.
func (c *catalog) search(ctx *echo.Context) error {
	q := strings.ToLower(strings.TrimSpace(ctx.QueryParam("q")))
	if q == "" {
		q = defaultQuery
	}
	if len(q) > 100 {
		return echo.NewHTTPError(http.StatusBadRequest, "q is longer than 100 characters")
	}
	return ctx.JSON(http.StatusOK, map[string]any{"query": q, "results": c.closest(q, 10)})
}

func (c *catalog) closest(q string, n int) []match {
	c.mu.RLock()
	matches := make([]match, 0, len(c.products))
	for _, p := range c.products {
		matches = append(matches, match{Product: p, Distance: editDistance(q, p.Name)})
	}
	c.mu.RUnlock()
	slices.SortFunc(matches, func(a, b match) int { return cmp.Or(a.Distance-b.Distance, strings.Compare(a.SKU, b.SKU)) })
	return matches[:min(n, len(matches))]
}

// editDistance is the Levenshtein distance between a and b, one row of the table at a time.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// product answers GET /echo/shop/products/:sku.
func (c *catalog) product(ctx *echo.Context) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	i, ok := c.bySKU[ctx.Param("sku")]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no such product")
	}
	return ctx.JSON(http.StatusOK, c.products[i])
}

// updateProduct answers PUT and PATCH /echo/shop/products/:sku {"cents": N}: changes the price.
func (c *catalog) updateProduct(ctx *echo.Context) error {
	var body struct {
		Cents int64 `json:"cents"`
	}
	if err := ctx.Bind(&body); err != nil || body.Cents <= 0 {
		return echo.NewHTTPError(http.StatusBadRequest, `the body must be {"cents": N} with N > 0`)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	i, ok := c.bySKU[ctx.Param("sku")]
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no such product")
	}
	c.products[i].Cents = body.Cents
	return ctx.JSON(http.StatusOK, c.products[i])
}
