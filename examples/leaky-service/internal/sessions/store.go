// Package sessions keeps logged-in sessions in a sharded in-memory store.
package sessions

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"io"
	"sort"
	"sync"
	"time"
)

// ScratchSize is the per-session buffer every session keeps for rendering.
const ScratchSize = 64 << 10

// Session is one logged-in user.
type Session struct {
	ID      string
	User    string
	Created time.Time
	// scratch is reused by the session's page renders.
	scratch []byte
}

type shard struct {
	mu sync.RWMutex
	m  map[string]*Session
}

// Store maps session ids to sessions.
type Store struct {
	shards []*shard
}

// NewStore returns an empty store with n shards.
func NewStore(n int) *Store {
	if n < 1 {
		n = 1
	}
	s := &Store{shards: make([]*shard, n)}
	for i := range s.shards {
		s.shards[i] = &shard{m: make(map[string]*Session)}
	}
	return s
}

// Create starts a session for user.
//
// DELIBERATE LEAK (heap): sessions are never expired or deleted, so every
// call keeps ScratchSize (64 KiB) plus the Session itself reachable for the
// life of the process. The growth is steady and never levels off.
func (s *Store) Create(user string) (*Session, error) {
	id, err := newID()
	if err != nil {
		return nil, err
	}
	sess := &Session{ID: id, User: user, Created: time.Now(), scratch: make([]byte, ScratchSize)}
	sh := s.shardFor(id)
	sh.mu.Lock()
	sh.m[id] = sess
	sh.mu.Unlock()
	return sess, nil
}

// Get returns the session with this id.
func (s *Store) Get(id string) (*Session, bool) {
	sh := s.shardFor(id)
	sh.mu.RLock()
	defer sh.mu.RUnlock()
	sess, ok := sh.m[id]
	return sess, ok
}

// Count returns the number of sessions. Each shard is unlocked at the end of
// its own iteration, by the deferred call inside the function literal.
func (s *Store) Count() int {
	n := 0
	for _, sh := range s.shards {
		func() {
			sh.mu.RLock()
			defer sh.mu.RUnlock()
			n += len(sh.m)
		}()
	}
	return n
}

// WriteSnapshot writes one line per session, sorted by creation time.
func (s *Store) WriteSnapshot(w io.Writer) error {
	var all []*Session
	for _, sh := range s.shards {
		sh.mu.RLock()
		// DELIBERATE LEAK (defer-in-loop): the read locks of all shards pile up
		// and are held until the whole snapshot has been written, so every
		// Create waits for the slowest client reading /sessions.
		defer sh.mu.RUnlock()
		for _, sess := range sh.m {
			all = append(all, sess)
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Created.Before(all[j].Created) })
	for _, sess := range all {
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\n", sess.ID, sess.User, sess.Created.Format(time.RFC3339)); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) shardFor(id string) *shard {
	h := fnv.New32a()
	_, _ = io.WriteString(h, id)
	return s.shards[h.Sum32()%uint32(len(s.shards))]
}

func newID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}
