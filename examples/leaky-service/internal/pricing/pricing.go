// Package pricing stands in for two backends a quote needs: the price list
// and the warehouse. Both answer quickly for products they have cached and
// slowly for the others.
package pricing

import (
	"fmt"
	"time"
)

// Backends answers price and stock questions after a latency that depends
// on the product: SlowLatency for SKUs whose number is a multiple of 3,
// FastLatency for the others.
type Backends struct {
	FastLatency time.Duration
	SlowLatency time.Duration
}

// NewBackends returns backends answering in 2 ms, or 300 ms for every third SKU.
func NewBackends() *Backends {
	return &Backends{FastLatency: 2 * time.Millisecond, SlowLatency: 300 * time.Millisecond}
}

// Slow reports whether sku is one the backends answer slowly.
func Slow(sku int) bool { return sku%3 == 0 }

// Price returns the product's price in cents.
func (b *Backends) Price(sku int) int {
	b.wait(sku)
	return 500 + (sku*7919)%10000
}

// Stock returns how many units the warehouse holds.
func (b *Backends) Stock(sku int) int {
	b.wait(sku)
	return (sku * 31) % 50
}

// SKU is the product code shown to customers.
func SKU(sku int) string { return fmt.Sprintf("SKU-%04d", sku) }

func (b *Backends) wait(sku int) {
	if Slow(sku) {
		time.Sleep(b.SlowLatency)
	} else {
		time.Sleep(b.FastLatency)
	}
}
