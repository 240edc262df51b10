module example.com/gen-goroutines

go 1.27
