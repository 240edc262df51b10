package api

import (
	"net/http"
	"strconv"
)

// maxPrimesLimit keeps one request under a second or so of CPU.
const maxPrimesLimit = 5_000_000

// handlePrimes counts the primes below ?n= (default 200000) by trial
// division: deliberately CPU-heavy, so it stands out in a CPU profile.
func handlePrimes(w http.ResponseWriter, r *http.Request) {
	n := 200_000
	if v := r.URL.Query().Get("n"); v != "" {
		parsed, err := strconv.Atoi(v)
		if err != nil || parsed < 0 || parsed > maxPrimesLimit {
			http.Error(w, "?n= must be a number between 0 and 5000000", http.StatusBadRequest)
			return
		}
		n = parsed
	}
	writeJSON(w, http.StatusOK, map[string]int{"n": n, "primes": countPrimes(n)})
}

func countPrimes(n int) int {
	count := 0
	for i := 2; i < n; i++ {
		if isPrime(i) {
			count++
		}
	}
	return count
}

func isPrime(n int) bool {
	for d := 2; d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return true
}
