package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestCountPrimes checks the prime counter against known values of π(n); the last case does enough
// trial division to show up in a CPU profile ("Profile this test" in the editor).
func TestCountPrimes(t *testing.T) {
	t.Run("below 100", func(t *testing.T) {
		if got := countPrimes(100); got != 25 {
			t.Errorf("countPrimes(100) = %d, want 25", got)
		}
	})
	t.Run("below 1 000 000", func(t *testing.T) {
		if got := countPrimes(1_000_000); got != 78498 {
			t.Errorf("countPrimes(1000000) = %d, want 78498", got)
		}
	})
}

func TestHandlePrimesRejectsBadInput(t *testing.T) {
	rec := httptest.NewRecorder()
	handlePrimes(rec, httptest.NewRequest(http.MethodGet, "/primes?n=-1", nil))
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("GET /primes?n=-1 answered %d, want 400", rec.Code)
	}
}

func BenchmarkIsPrime(b *testing.B) {
	for i := 0; i < b.N; i++ {
		isPrime(1_000_003)
	}
}
