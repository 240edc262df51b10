package catalog

import (
	"bytes"
	"container/list"
	"fmt"
	"html"
	"strings"
	"sync"
)

// PageSize is roughly how many bytes a rendered product page takes.
const PageSize = 16 << 10

// Pages renders product pages and keeps the most recent ones in a bounded
// LRU cache. It grows until it holds capacity pages, then levels off: memory
// that climbs and stops is a cache, not a leak.
type Pages struct {
	products []Product
	capacity int

	mu      sync.Mutex
	order   *list.List // front = most recently used; values are *page
	byID    map[int]*list.Element
	renders int
}

type page struct {
	id   int
	body []byte
}

// NewPages returns a page cache over products that keeps at most capacity pages.
func NewPages(products []Product, capacity int) *Pages {
	if capacity < 1 {
		capacity = 1
	}
	return &Pages{products: products, capacity: capacity, order: list.New(), byID: make(map[int]*list.Element)}
}

// Page returns the rendered page of product id, from the cache when it can.
func (p *Pages) Page(id int) ([]byte, error) {
	if len(p.products) == 0 {
		return nil, fmt.Errorf("the catalog is empty")
	}
	if id < 0 {
		return nil, fmt.Errorf("product id %d is negative", id)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if el, ok := p.byID[id]; ok {
		p.order.MoveToFront(el)
		return el.Value.(*page).body, nil
	}
	body := p.render(id)
	p.byID[id] = p.order.PushFront(&page{id: id, body: body})
	p.renders++
	for p.order.Len() > p.capacity {
		oldest := p.order.Back()
		p.order.Remove(oldest)
		delete(p.byID, oldest.Value.(*page).id)
	}
	return body, nil
}

// Stats reports how many pages are cached and how many were rendered in total.
func (p *Pages) Stats() (cached, rendered int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.Len(), p.renders
}

// render builds a page of about PageSize bytes; variant ids share a product.
func (p *Pages) render(id int) []byte {
	prod := p.products[id%len(p.products)]
	var b bytes.Buffer
	b.Grow(PageSize)
	fmt.Fprintf(&b, "<!doctype html><title>%s</title><h1>%s #%d</h1><p>%d.%02d EUR</p><ul>",
		html.EscapeString(prod.Name), html.EscapeString(prod.Name), id, prod.PriceCents/100, prod.PriceCents%100)
	for _, t := range prod.Tags {
		fmt.Fprintf(&b, "<li>%s</li>", html.EscapeString(t))
	}
	b.WriteString("</ul><!--")
	if pad := PageSize - b.Len() - 3; pad > 0 {
		b.WriteString(strings.Repeat(" ", pad))
	}
	b.WriteString("-->")
	return b.Bytes()
}
