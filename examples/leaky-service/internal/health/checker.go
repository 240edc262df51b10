// Package health checks that the service's upstream answers.
package health

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Checker polls an upstream health endpoint.
type Checker struct {
	url    string
	client *http.Client

	mu       sync.Mutex
	checks   int
	failures int
	last     time.Time
}

// NewChecker checks url with a client of its own.
func NewChecker(url string) *Checker {
	return &Checker{url: url, client: &http.Client{}}
}

// Check asks the upstream once and reports whether it is healthy.
//
// DELIBERATE LEAK (http-body-not-closed): the response body is never closed,
// so its connection can't go back to the pool. Each check strands one TCP
// connection with its transport goroutines (readLoop, writeLoop) here and its
// server goroutine on the other side.
func (c *Checker) Check() error {
	resp, err := c.client.Get(c.url)
	c.record(err == nil && resp.StatusCode == http.StatusOK)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("upstream %s answered %s", c.url, resp.Status)
	}
	return nil
}

// Run checks every interval until ctx is done.
func (c *Checker) Run(ctx context.Context, every time.Duration, onError func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			if err := c.Check(); err != nil && onError != nil {
				onError(err)
			}
		case <-ctx.Done():
			return
		}
	}
}

// Version fetches the upstream's build information. This one is correct: the
// body is closed on every path after the error check.
func (c *Checker) Version(ctx context.Context) (map[string]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url+"?verbose=1", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var v map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// Ping reports whether the upstream answers at all; drainAndClose owns the body.
func (c *Checker) Ping() bool {
	resp, err := http.Head(c.url)
	if err != nil {
		return false
	}
	return drainAndClose(resp)
}

// Stats returns the number of checks, how many failed, and when the last one ran.
func (c *Checker) Stats() (checks, failures int, last time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.checks, c.failures, c.last
}

func (c *Checker) record(ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checks++
	if !ok {
		c.failures++
	}
	c.last = time.Now()
}

// drainAndClose reads what is left of the body, closes it, and reports
// whether the status was 2xx. Since Go 1.27, Close alone drains up to 256 KiB
// (for at most 50 ms) so the connection can be reused; reading to the end
// first keeps a larger body's connection too. Not closing leaks it either way.
func drainAndClose(resp *http.Response) bool {
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode >= 200 && resp.StatusCode < 300
}
