// Package metrics holds the service's Prometheus metrics: the Go runtime's and the process's
// (go_goroutines, go_memstats_heap_inuse_bytes, process_resident_memory_bytes, …) and a request
// counter and latency histogram per framework and route pattern, served at /metrics.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HTTP records the requests every framework's middleware sees.
type HTTP struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewHTTP registers the runtime, process and request metrics on a registry of their own.
func NewHTTP() *HTTP {
	m := &HTTP{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "http_requests_total",
			Help: "Requests served, by framework, route pattern, method and status code.",
		}, []string{"framework", "route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "Time to serve a request, by framework and route pattern.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"framework", "route"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests,
		m.duration,
	)
	return m
}

// Observe records one request. route is the pattern the router matched (`/gin/api/v1/reports/:id`),
// never the raw path: ids in paths would make a series per id.
func (m *HTTP) Observe(framework, route, method string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(framework, route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(framework, route).Observe(elapsed.Seconds())
}

// Handler serves the metrics in Prometheus's text format.
func (m *HTTP) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
