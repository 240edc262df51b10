package api

import (
	"context"
	"net/http"
	"strconv"

	"example.com/leaky-service/internal/pricing"
)

// quote is what GET /quote answers.
type quote struct {
	SKU   string `json:"sku"`
	Cents int    `json:"cents"`
	Stock int    `json:"stock"`
}

// handleQuote asks the price list and the warehouse at once and answers
// with both, or 504 when they take longer than the quote timeout.
//
// DELIBERATE LEAK (goroutines, proven by the Go runtime): when the timeout
// wins, the handler returns and nobody ever receives from prices or levels.
// Both goroutines block forever on channels that only they can still reach,
// which Go's goroutineleak profile proves (2 goroutines per timed-out quote).
// The price goroutine was meant to give up when the handler does, but nothing
// closes abandoned (a defer close(abandoned) is missing): select-without-ctx-done
// reports its select. No rule reports the stock goroutine's plain send.
func (s *Server) handleQuote(w http.ResponseWriter, r *http.Request) {
	sku, err := strconv.Atoi(r.URL.Query().Get("sku"))
	if err != nil {
		http.Error(w, "?sku= must be a number", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.deps.QuoteTimeout)
	defer cancel()

	prices := make(chan int)
	abandoned := make(chan struct{})
	go func() {
		cents := s.deps.Pricing.Price(sku)
		select {
		case prices <- cents:
		case <-abandoned:
		}
	}()
	levels := make(chan int)
	go func() {
		levels <- s.deps.Pricing.Stock(sku)
	}()

	q := quote{SKU: pricing.SKU(sku), Cents: -1, Stock: -1}
	for q.Cents < 0 || q.Stock < 0 {
		select {
		case q.Cents = <-prices:
		case q.Stock = <-levels:
		case <-ctx.Done():
			http.Error(w, "quote: the backends did not answer in time", http.StatusGatewayTimeout)
			return
		}
	}
	quotes.Add(1)
	writeJSON(w, http.StatusOK, q)
}
