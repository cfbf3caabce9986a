package gui

import "math"

// colFit is what one table column needs: at least min to read, want for
// its typical values. A fixed column always takes want.
type colFit struct {
	min, want float32
	fixed     bool
}

// shareColumns is how the tables share a width among their columns: the
// flexible columns get what the fixed ones and the separators (pad each)
// leave. When that covers what they want, each gets its want and the rest
// in proportion to it; when it lies between their minimums and their
// wants, each gets its minimum and the shortfall's share in proportion to
// what it lacks; below their minimums they keep the minimum and the table
// scrolls sideways. Widths are whole units, so the columns never take
// more than width. A width of 0 or less (not laid out yet) gives each
// column its want.
func shareColumns(width, pad float32, cols []colFit) []float32 {
	w := make([]float32, len(cols))
	for c, f := range cols {
		w[c] = f.want
	}
	if width <= 0 {
		return w
	}
	avail := width - float32(len(cols))*pad
	var sumMin, sumWant float32
	for _, f := range cols {
		if f.fixed {
			avail -= f.want
			continue
		}
		sumMin += f.min
		sumWant += f.want
	}
	if sumWant <= 0 {
		return w // no flexible column
	}
	for c, f := range cols {
		if f.fixed {
			continue
		}
		switch {
		case avail >= sumWant:
			w[c] = f.want + (avail-sumWant)*f.want/sumWant
		case avail > sumMin:
			w[c] = f.min + (avail-sumMin)*(f.want-f.min)/(sumWant-sumMin)
		default:
			w[c] = f.min
		}
		w[c] = float32(math.Floor(float64(w[c])))
	}
	return w
}
