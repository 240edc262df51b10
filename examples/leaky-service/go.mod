module example.com/leaky-service

go 1.27
