package chiapi

import (
	"encoding/json"
	"net/http"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
)

// adminRouter is mounted under /chi/admin by New.
func adminRouter() chi.Router {
	r := chi.NewRouter()
	r.Get("/stats", stats)
	r.Post("/gc", func(w http.ResponseWriter, _ *http.Request) {
		debug.FreeOSMemory()
		w.WriteHeader(http.StatusNoContent)
	})
	return r
}

// stats answers GET /chi/admin/stats with the goroutine count and heap in use.
func stats(w http.ResponseWriter, _ *http.Request) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	writeJSON(w, map[string]any{"goroutines": runtime.NumGoroutine(), "heapInuseBytes": ms.HeapInuse})
}

// clock answers GET /chi/clock with the server's time (never cached: see the group's middleware).
func clock(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, map[string]string{"now": time.Now().UTC().Format(time.RFC3339Nano)})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
