package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// handleSessions creates a session (POST) or lists them (GET).
func (s *Server) handleSessions(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodPost:
		user := r.FormValue("user")
		if user == "" {
			user = "guest"
		}
		sess, err := s.deps.Sessions.Create(user)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		sessionsCreated.Add(1)
		writeJSON(w, http.StatusCreated, map[string]any{"id": sess.ID, "user": sess.User, "sessions": s.deps.Sessions.Count()})
	case http.MethodGet:
		w.Header().Set("Content-Type", "text/tab-separated-values; charset=utf-8")
		if err := s.deps.Sessions.WriteSnapshot(w); err != nil {
			// The client went away; nothing else to tell it.
			return
		}
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// handleSearch answers ?q= with the fastest replica's result.
func (s *Server) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if q == "" {
		http.Error(w, "missing ?q=", http.StatusBadRequest)
		return
	}
	res, err := s.deps.Search.Search(r.Context(), q)
	if err != nil {
		http.Error(w, err.Error(), http.StatusGatewayTimeout)
		return
	}
	searches.Add(1)
	writeJSON(w, http.StatusOK, res)
}

// handleEvents long-polls for the next catalog event.
//
// DELIBERATE LEAK (select-without-ctx-done): when the client disconnects the
// handler does not notice and keeps its goroutine for the full 30 seconds;
// a case <-r.Context().Done() would release it at once.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	select {
	case ev := <-s.events:
		writeJSON(w, http.StatusOK, map[string]string{"event": ev})
	case <-time.After(30 * time.Second):
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleReindex queues every cached product page for reindexing; it waits
// for the indexer or for the client, whichever comes first.
func (s *Server) handleReindex(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	cached, _ := s.deps.Catalog.Stats()
	queued := 0
	for i := 0; i < cached; i++ {
		select {
		case <-r.Context().Done():
			return
		default:
		}
		if !s.deps.Indexer.Enqueue(strconv.Itoa(i)) {
			break
		}
		queued++
	}
	// Tell a waiting /events client, if there is one; never block on it.
	select {
	case s.events <- "reindex " + strconv.Itoa(queued):
	default:
	}
	writeJSON(w, http.StatusAccepted, map[string]int{"queued": queued, "applied": s.deps.Indexer.Applied()})
}

// writeJSON is not a handler: it takes a status and a value besides the writer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
