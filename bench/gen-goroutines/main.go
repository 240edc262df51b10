// Command gen-goroutines writes a goroutine dump of about N goroutines (debug=2 format, as
// runtime.Stack(buf, true) prints it) for Goroscope's parser benchmark.
//
//	go run . -n 100000 -o /tmp/goroutines.txt
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"
)

type server struct{ mu sync.Mutex }

// Channels nobody ever sends on or receives from: every goroutine blocks for good.
var recvOnly, sendOnly = make(chan int), make(chan int)

func (s *server) handle(depth int, kind int) {
	if depth > 0 {
		s.handle(depth-1, kind)
		return
	}
	switch kind {
	case 0:
		<-recvOnly
	case 1:
		select {
		case <-recvOnly:
		case sendOnly <- 1:
		}
	case 2:
		s.mu.Lock()
		s.mu.Unlock() //nolint
	case 3:
		time.Sleep(time.Hour)
	default:
		sendOnly <- 1
	}
}

func main() {
	n := flag.Int("n", 100000, "goroutines")
	out := flag.String("o", "goroutines.txt", "output file")
	depth := flag.Int("depth", 2, "extra frames: goroutine i has i%depth recursive calls")
	flag.Parse()
	s := &server{}
	s.mu.Lock()
	for i := 0; i < *n; i++ {
		go s.handle(i%*depth, i%5)
	}
	time.Sleep(2 * time.Second)
	buf := make([]byte, 64<<20)
	buf = buf[:runtime.Stack(buf, true)]
	if err := os.WriteFile(*out, buf, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d goroutines, %d bytes\n", runtime.NumGoroutine(), len(buf))
}
