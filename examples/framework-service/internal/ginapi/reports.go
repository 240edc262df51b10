package ginapi

import (
	"cmp"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// reportOrders is how many order lines a report reads: a few milliseconds of CPU and about 1 MB of
// allocations per request, enough for a profile to show the route under load.
const reportOrders = 20_000

type handlers struct {
	mu    sync.Mutex
	saved map[int]savedReport
	next  int
}

type savedReport struct {
	Customer int   `json:"customer"`
	Total    int64 `json:"totalCents"`
}

type orderLine struct {
	SKU      string
	Quantity int
	Cents    int64
}

// ProductTotal is one product's line in a report.
type ProductTotal struct {
	SKU      string `json:"sku"`
	Quantity int    `json:"quantity"`
	Cents    int64  `json:"cents"`
}

// Report is a customer's sales report: their order lines totalled per product, best sellers first.
type Report struct {
	Customer   int            `json:"customer"`
	Orders     int            `json:"orders"`
	TotalCents int64          `json:"totalCents"`
	Top        []ProductTotal `json:"top"`
}

// report answers GET /gin/api/v1/reports/:id with the customer's sales report: the gin route with a
// CPU and allocation cost.
func (h *handlers) report(c *gin.Context) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil || id < 0 {
		c.JSON(http.StatusBadRequest, gin.H{"error": "id must be a non-negative number"})
		return
	}
	c.JSON(http.StatusOK, buildReport(id, reportOrders))
}

// buildReport reads the customer's order history (generated from the id, the same every time), totals
// it per product and ranks the products by revenue.
func buildReport(customer, orders int) Report {
	rng := rand.New(rand.NewPCG(uint64(customer), 0x5eed))
	lines := make([]orderLine, 0, orders)
	for range orders {
		lines = append(lines, orderLine{
			SKU:      fmt.Sprintf("SKU-%04d", rng.IntN(2000)),
			Quantity: 1 + rng.IntN(4),
			Cents:    int64(199 + rng.IntN(20_000)),
		})
	}
	totals := make(map[string]*ProductTotal)
	var sum int64
	for _, l := range lines {
		t := totals[l.SKU]
		if t == nil {
			t = &ProductTotal{SKU: l.SKU}
			totals[l.SKU] = t
		}
		t.Quantity += l.Quantity
		t.Cents += l.Cents * int64(l.Quantity)
		sum += l.Cents * int64(l.Quantity)
	}
	ranked := slices.SortedFunc(maps.Values(totals), func(a, b *ProductTotal) int {
		return cmp.Or(cmp.Compare(b.Cents, a.Cents), strings.Compare(a.SKU, b.SKU))
	})
	top := make([]ProductTotal, 0, 10)
	for _, t := range ranked[:min(10, len(ranked))] {
		top = append(top, *t)
	}
	return Report{Customer: customer, Orders: orders, TotalCents: sum, Top: top}
}

// saveReport answers POST /gin/api/v1/reports {"customer": N}: keeps the report's total under a new id.
func (h *handlers) saveReport(c *gin.Context) {
	var body struct {
		Customer int `json:"customer"`
	}
	if err := c.ShouldBindJSON(&body); err != nil || body.Customer < 0 {
		c.JSON(http.StatusBadRequest, gin.H{"error": `the body must be {"customer": N}`})
		return
	}
	r := buildReport(body.Customer, reportOrders)
	h.mu.Lock()
	h.next++
	id := h.next
	h.saved[id] = savedReport{Customer: body.Customer, Total: r.TotalCents}
	h.mu.Unlock()
	c.JSON(http.StatusCreated, gin.H{"id": id, "totalCents": r.TotalCents})
}

// deleteReport answers DELETE /gin/api/v1/reports/:id.
func (h *handlers) deleteReport(c *gin.Context) {
	id, _ := strconv.Atoi(c.Param("id"))
	h.mu.Lock()
	_, found := h.saved[id]
	delete(h.saved, id)
	h.mu.Unlock()
	if !found {
		c.Status(http.StatusNotFound)
		return
	}
	c.Status(http.StatusNoContent)
}

// customer answers GET /gin/api/v1/customers/:id with the customer's saved reports.
func (h *handlers) customer(c *gin.Context) {
	id, err := strconv.Atoi(c.Param("id"))
	if err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": "id must be a number"})
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var saved []int
	for reportID, r := range h.saved {
		if r.Customer == id {
			saved = append(saved, reportID)
		}
	}
	slices.Sort(saved)
	c.JSON(http.StatusOK, gin.H{"customer": id, "savedReports": saved})
}

// stats answers GET /gin/stats with the goroutine count.
func stats(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"goroutines": runtime.NumGoroutine()})
}
