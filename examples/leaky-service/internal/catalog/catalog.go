// Package catalog loads the product catalog and renders product pages.
package catalog

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
)

// Data holds the product files shipped with the service.
//
//go:embed data/*.json
var Data embed.FS

// Product is one catalog entry.
type Product struct {
	SKU        string   `json:"sku"`
	Name       string   `json:"name"`
	PriceCents int      `json:"priceCents"`
	Tags       []string `json:"tags"`
}

// Load reads every .json file of dir in fsys, sorted by SKU.
func Load(fsys fs.FS, dir string) ([]Product, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var products []Product
	for _, e := range entries {
		if e.IsDir() || path.Ext(e.Name()) != ".json" {
			continue
		}
		f, err := fsys.Open(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		// DELIBERATE LEAK (defer-in-loop): every file stays open until Load
		// returns, so a catalog of 10,000 files holds 10,000 descriptors at once.
		defer f.Close()

		var p Product
		if err := json.NewDecoder(f).Decode(&p); err != nil {
			return nil, fmt.Errorf("%s: %w", e.Name(), err)
		}
		products = append(products, p)
	}
	sort.Slice(products, func(i, j int) bool { return products[i].SKU < products[j].SKU })
	return products, nil
}

// Validate checks every file of dir the right way: the function literal
// closes each file at the end of its own iteration.
func Validate(fsys fs.FS, dir string) (int, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return 0, err
	}
	checked := 0
	for _, e := range entries {
		err := func() error {
			f, err := fsys.Open(path.Join(dir, e.Name()))
			if err != nil {
				return err
			}
			defer f.Close()
			var p Product
			return json.NewDecoder(f).Decode(&p)
		}()
		if err != nil {
			return checked, fmt.Errorf("%s: %w", e.Name(), err)
		}
		checked++
	}
	return checked, nil
}
