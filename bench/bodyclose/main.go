// Command bodyclose runs timakin's bodyclose analyzer (github.com/timakin/bodyclose) as a standalone
// go/analysis checker: the anchor bench/bodyclose.mjs sets http-body-not-closed beside (issue 11 point 5,
// issue 14). Built from the Go module proxy into ~/.cache/goroscope-bench by the bench; run in a module
// directory on ./... with -json.
package main

import (
	"github.com/timakin/bodyclose/passes/bodyclose"
	"golang.org/x/tools/go/analysis/singlechecker"
)

func main() { singlechecker.Main(bodyclose.Analyzer) }
