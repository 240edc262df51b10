package api

import (
	"net/http"
	"strconv"

	"example.com/leaky-service/internal/catalog"
)

// productHandler serves rendered product pages from the bounded page cache:
// its memory climbs until the cache is full, then stays flat.
type productHandler struct {
	pages *catalog.Pages
}

func (h *productHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.URL.Query().Get("id"))
	if err != nil {
		http.Error(w, "?id= must be a number", http.StatusBadRequest)
		return
	}
	body, err := h.pages.Page(id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	pagesServed.Add(1)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(body)
}
