// Command gostackparse-bench parses a goroutine dump with DataDog's gostackparse, in-process, and prints
// how long the parse took: the anchor bench/goroutines.mjs sets `goroscope goroutines` beside (issue 11
// point 5, issue 12). The file is read once before timing; each run parses it from memory. Prints one JSON
// line: goroutines found, errors, and the best and median of the runs in milliseconds.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/DataDog/gostackparse"
)

func main() {
	runs := flag.Int("runs", 7, "timed parses (after one untimed)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gostackparse-bench [-runs N] <dump-file>")
		os.Exit(2)
	}
	data, err := os.ReadFile(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	goroutines, errs := gostackparse.Parse(bytes.NewReader(data))
	times := make([]float64, 0, *runs)
	for i := 0; i < *runs; i++ {
		start := time.Now()
		goroutines, errs = gostackparse.Parse(bytes.NewReader(data))
		times = append(times, float64(time.Since(start).Microseconds())/1000)
	}
	sort.Float64s(times)
	out, _ := json.Marshal(map[string]any{
		"goroutines": len(goroutines),
		"errors":     len(errs),
		"megabytes":  float64(len(data)) / 1e6,
		"bestMs":     times[0],
		"medianMs":   times[len(times)/2],
		"runsMs":     times,
	})
	fmt.Println(string(out))
}
