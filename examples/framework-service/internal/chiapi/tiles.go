package chiapi

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
)

const (
	tileSize      = 192
	maxIterations = 120
	maxZoom       = 40
)

// renderTile answers GET /chi/tiles/{zoom}/mandelbrot.png with a PNG of the Mandelbrot set at that
// zoom: the chi route with a CPU (the iterations, the PNG encoder) and allocation (image, encoder
// buffers) cost.
func renderTile(w http.ResponseWriter, r *http.Request) {
	zoom, err := strconv.Atoi(chi.URLParam(r, "zoom"))
	if err != nil || zoom < 1 || zoom > maxZoom {
		http.Error(w, "zoom must be a number from 1 to 40", http.StatusBadRequest)
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, mandelbrot(zoom)); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

// mandelbrot draws the set around a point on its boundary, magnified zoom times.
func mandelbrot(zoom int) *image.RGBA {
	const centerX, centerY = -0.7435, 0.1314
	scale := 3.0 / float64(tileSize) / float64(zoom)
	img := image.NewRGBA(image.Rect(0, 0, tileSize, tileSize))
	for py := range tileSize {
		for px := range tileSize {
			x0 := centerX + (float64(px)-tileSize/2)*scale
			y0 := centerY + (float64(py)-tileSize/2)*scale
			img.SetRGBA(px, py, shade(escapeTime(x0, y0)))
		}
	}
	return img
}

func escapeTime(x0, y0 float64) int {
	x, y := 0.0, 0.0
	for i := range maxIterations {
		if x*x+y*y > 4 {
			return i
		}
		x, y = x*x-y*y+x0, 2*x*y+y0
	}
	return maxIterations
}

func shade(n int) color.RGBA {
	if n == maxIterations {
		return color.RGBA{A: 255}
	}
	v := uint8(255 * n / maxIterations)
	return color.RGBA{R: v, G: v / 2, B: 255 - v, A: 255}
}
