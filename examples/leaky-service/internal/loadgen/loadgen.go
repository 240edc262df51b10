// Package loadgen sends steady synthetic traffic to the service itself, so
// its leaks grow at known rates without an outside load generator.
package loadgen

import (
	"context"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Run sends perSecond requests per second to each of POST /sessions,
// GET /search, GET /products and GET /quote (with ever new ids) until ctx is
// done.
func Run(ctx context.Context, baseURL string, perSecond int) {
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(time.Second / time.Duration(perSecond))
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, req := range requests(ctx, baseURL, i) {
			if err := send(client, req); err != nil {
				if ctx.Err() != nil {
					return
				}
				log.Printf("loadgen: %v", err)
			}
		}
	}
}

func requests(ctx context.Context, baseURL string, i int) []*http.Request {
	form := url.Values{"user": {fmt.Sprintf("user%d", i)}}
	login, _ := http.NewRequestWithContext(ctx, http.MethodPost, baseURL+"/sessions", strings.NewReader(form.Encode()))
	login.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	search, _ := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/search?q="+url.QueryEscape(fmt.Sprintf("grinder %d", i)), nil)
	product, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/products?id=%d", baseURL, i), nil)
	quote, _ := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/quote?sku=%d", baseURL, i), nil)
	return []*http.Request{login, search, product, quote}
}

// send does one request and always closes the body.
func send(client *http.Client, req *http.Request) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	// A quote of a slow product times out by design (the /quote leak): not worth a log line.
	if resp.StatusCode >= 400 && !(req.URL.Path == "/quote" && resp.StatusCode == http.StatusGatewayTimeout) {
		return fmt.Errorf("%s %s: %s", req.Method, req.URL.Path, resp.Status)
	}
	return nil
}
