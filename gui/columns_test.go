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

func TestShareColumnsNeverOverflows(t *testing.T) {
	cols := contactsColFits[:]
	var floor float32 = contactsCols * 4
	for _, f := range cols {
		floor += f.min
	}
	for width := floor; width < 3000; width += 7.3 {
		var sum float32 = contactsCols * 4
		for c, w := range shareColumns(width, 4, cols) {
			if w < cols[c].min {
				t.Fatalf("width %v: column %d is %v, under its minimum", width, c, w)
			}
			sum += w
		}
		if sum > width || width-sum > contactsCols {
			t.Fatalf("width %v: the columns take %v", width, sum)
		}
	}
}
