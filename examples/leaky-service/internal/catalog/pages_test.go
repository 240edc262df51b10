package catalog

import "testing"

func testProducts() []Product {
	return []Product{
		{SKU: "EM-1", Name: "Espresso machine", PriceCents: 49900, Tags: []string{"coffee", "kitchen"}},
		{SKU: "GR-2", Name: "Grinder <burr>", PriceCents: 12900, Tags: []string{"coffee"}},
	}
}

// TestPagesLevelOff shows the cache is bounded: however many pages are asked for, it keeps at most
// its capacity.
func TestPagesLevelOff(t *testing.T) {
	pages := NewPages(testProducts(), 8)
	for id := 0; id < 100; id++ {
		body, err := pages.Page(id)
		if err != nil {
			t.Fatalf("Page(%d): %v", id, err)
		}
		if len(body) < PageSize {
			t.Fatalf("Page(%d) is %d bytes, want at least %d", id, len(body), PageSize)
		}
	}
	if cached, rendered := pages.Stats(); cached != 8 || rendered != 100 {
		t.Fatalf("Stats() = %d cached, %d rendered; want 8 and 100", cached, rendered)
	}
}

// BenchmarkPageRender renders a page that is not cached: one buffer of PageSize per call.
func BenchmarkPageRender(b *testing.B) {
	pages := NewPages(testProducts(), 1)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := pages.Page(i); err != nil {
			b.Fatal(err)
		}
	}
}
