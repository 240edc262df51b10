// Package traffic sends the service requests to its own costly routes, one of each framework, so a
// profile taken without any other load still shows them (flag -traffic).
package traffic

import (
	"context"
	"io"
	"log"
	"net/http"
	"sync"
	"time"
)

// Routes are the costly route of each framework, with their parameters filled.
var Routes = []string{
	"/gin/api/v1/reports/42",
	"/echo/shop/search?q=copper+kettle",
	"/chi/tiles/3/mandelbrot.png",
	"/fiber/v1/books/moby-dick/words",
}

// Run sends up to perSecond GET requests a second to each route on baseURL until ctx is done.
func Run(ctx context.Context, baseURL string, perSecond int) {
	client := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for _, route := range Routes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(time.Second / time.Duration(perSecond))
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
					get(ctx, client, baseURL+route)
				}
			}
		}()
	}
	wg.Wait()
}

func get(ctx context.Context, client *http.Client, url string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		log.Printf("traffic: %v", err)
		return
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			log.Printf("traffic: %v", err)
		}
		return
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
}
