// Package search answers product searches by asking several replicas at once
// and taking the first answer (a "hedged" request).
package search

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// Result is one replica's answer.
type Result struct {
	Replica int
	Query   string
	SKUs    []string
	Took    time.Duration
}

// Service fans every query out to its replicas.
type Service struct {
	replicas []*replica
	closed   chan struct{}
}

// NewService returns a service with n replicas (at least one).
func NewService(n int) *Service {
	if n < 1 {
		n = 1
	}
	s := &Service{closed: make(chan struct{})}
	for i := 0; i < n; i++ {
		s.replicas = append(s.replicas, &replica{id: i, latency: time.Duration(i+1) * time.Millisecond})
	}
	return s
}

// Replicas returns how many replicas each query goes to.
func (s *Service) Replicas() int { return len(s.replicas) }

// Close stops the service. Goroutines that are still trying to deliver a
// result give up.
func (s *Service) Close() { close(s.closed) }

// Search asks every replica and returns the first answer.
//
// DELIBERATE LEAK (select-without-ctx-done, goroutines): results is
// unbuffered and only the first answer is received, so the other replicas'
// goroutines block forever in the select below: len(replicas)-1 goroutines
// per call (all of them when ctx ends first). Waiting on ctx.Done() there, or
// a buffered channel of len(replicas), would let them exit.
func (s *Service) Search(ctx context.Context, query string) (Result, error) {
	results := make(chan Result)
	for _, r := range s.replicas {
		r := r
		go func() {
			res := r.query(query)
			select {
			case results <- res:
			case <-s.closed:
			}
		}()
	}
	select {
	case res := <-results:
		return res, nil
	case <-ctx.Done():
		return Result{}, fmt.Errorf("search %q: %w", query, ctx.Err())
	}
}

type replica struct {
	id      int
	latency time.Duration
}

// query pretends to search an index: it waits for the replica's latency and
// returns SKUs derived from the query.
func (r *replica) query(q string) Result {
	start := time.Now()
	time.Sleep(r.latency)
	h := fnv.New32a()
	_, _ = h.Write([]byte(strings.ToLower(q)))
	sum := h.Sum32()
	skus := []string{fmt.Sprintf("SKU-%04d", sum%10000), fmt.Sprintf("SKU-%04d", (sum/10000)%10000)}
	return Result{Replica: r.id, Query: q, SKUs: skus, Took: time.Since(start)}
}
