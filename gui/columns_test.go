package gui

import (
	"slices"
	"testing"
)

func TestShareColumns(t *testing.T) {
	// A fixed column of 100, two flexible ones: 50…100 and 100…300.
	cols := []colFit{{min: 100, want: 100, fixed: true}, {min: 50, want: 100}, {min: 100, want: 300}}
	const pad = 4 // 12 for three separators
	for _, tc := range []struct {
		name  string
		width float32
		want  []float32
	}{
		{"not laid out", 0, []float32{100, 100, 300}},
		{"wants exactly", 512, []float32{100, 100, 300}},
		{"spare shared by want", 912, []float32{100, 200, 600}},
		{"between minimums and wants", 362, []float32{100, 70, 180}}, // 100 of the 250 they lack, by each one's gap
		{"minimums exactly", 262, []float32{100, 50, 100}},
		{"below the minimums: scrolls", 150, []float32{100, 50, 100}},
		{"whole units", 513, []float32{100, 100, 300}},
	} {
		if got := shareColumns(tc.width, pad, cols); !slices.Equal(got, tc.want) {
			t.Errorf("%s (width %v): %v, want %v", tc.name, tc.width, got, tc.want)
		}
	}
	// A flexible column may want no more than its minimum: it still shares
	// the spare width (the users table's short columns do).
	same := []colFit{{min: 60, want: 60}, {min: 60, want: 60, fixed: true}}
	if got := shareColumns(248, pad, same); !slices.Equal(got, []float32{180, 60}) {
		t.Errorf("flexible at its minimum: %v", got)
	}
	// Only fixed columns: each its own width, whatever the table's.
	if got := shareColumns(999, pad, []colFit{{min: 10, want: 10, fixed: true}}); !slices.Equal(got, []float32{10}) {
		t.Errorf("fixed only: %v", got)
	}
}

// The problems table's columns: never under their minimum, the fixed ones
// as they are, the whole table within the width (no sideways scrolling)
// and no width wasted, once the width allows the minimums.
func TestContactsColumnsShareTheWidth(t *testing.T) {
	const pad = 4
	var fixed, sumMin, sumWant float32
	for _, f := range contactsColFits {
		if f.fixed {
			fixed += f.want
		} else {
			sumMin += f.min
			sumWant += f.want
		}
	}
	floor := fixed + sumMin + contactsCols*pad
	for _, width := range []float32{0, 500, floor, 900, 1000, fixed + sumWant + contactsCols*pad, 1600, 2600} {
		w := shareColumns(width, pad, contactsColFits[:])
		var sum float32 = contactsCols * pad
		for c, cw := range w {
			f := contactsColFits[c]
			if cw < f.min {
				t.Errorf("width %v: column %d is %v, under its minimum %v", width, c, cw, f.min)
			}
			if f.fixed && cw != f.want {
				t.Errorf("width %v: fixed column %d is %v", width, c, cw)
			}
			sum += cw
		}
		switch {
		case width < floor:
			if width > 0 && !slices.Equal(w, shareColumns(floor, pad, contactsColFits[:])) {
				t.Errorf("width %v: below the minimum the columns keep their minimum: %v", width, w)
			}
		case sum > width:
			t.Errorf("width %v: the columns take %v: the table scrolls sideways", width, sum)
		case width-sum > contactsCols:
			t.Errorf("width %v: %v left unused", width, width-sum)
		}
	}
}
