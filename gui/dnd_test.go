package gui

import (
	"testing"

	"fyne.io/fyne/v2"
)

func TestHitTest(t *testing.T) {
	// A viewport at (100,50), 300 wide and 100 high, showing rows 40 px high
	// with a 4 px gap. Row 7 is scrolled half out of view above the
	// viewport; row 10 is a stale (recycled) cell far below it.
	view := rect{fyne.NewPos(100, 50), fyne.NewSize(300, 100)}
	cells := []rowRect{
		{rect{fyne.NewPos(100, 30), fyne.NewSize(150, 44)}, 7},
		{rect{fyne.NewPos(254, 30), fyne.NewSize(146, 44)}, 7}, // second column of row 7
		{rect{fyne.NewPos(100, 74), fyne.NewSize(150, 44)}, 8},
		{rect{fyne.NewPos(100, 118), fyne.NewSize(150, 44)}, 9},
		{rect{fyne.NewPos(100, 500), fyne.NewSize(150, 44)}, 10},
		{rect{fyne.NewPos(100, 50), fyne.NewSize(150, 44)}, -1}, // unbound cell
	}
	for _, tc := range []struct {
		name string
		pos  fyne.Position
		row  int
		ok   bool
	}{
		{"visible part of a partly scrolled row", fyne.NewPos(120, 60), 7, true},
		{"partly scrolled row above the viewport", fyne.NewPos(120, 40), -1, false},
		{"first full row", fyne.NewPos(120, 80), 8, true},
		{"column gap belongs to the row", fyne.NewPos(252, 90), 8, true},
		{"right of the last column", fyne.NewPos(399, 90), 8, true},
		{"last visible row", fyne.NewPos(300, 149), 9, true},
		{"below the viewport", fyne.NewPos(120, 150), -1, false},
		{"left of the viewport", fyne.NewPos(99, 80), -1, false},
		{"right of the viewport", fyne.NewPos(400, 80), -1, false},
		{"top edge is inside", fyne.NewPos(100, 50), 7, true},
	} {
		row, ok := hitTest(view, cells, tc.pos)
		if row != tc.row || ok != tc.ok {
			t.Errorf("%s: hitTest(%v) = %d, %v; want %d, %v", tc.name, tc.pos, row, ok, tc.row, tc.ok)
		}
	}
	if row, ok := hitTest(view, nil, fyne.NewPos(120, 80)); ok || row != -1 {
		t.Errorf("no cells: got %d, %v", row, ok)
	}
}

func TestRectIntersects(t *testing.T) {
	a := rect{fyne.NewPos(10, 10), fyne.NewSize(20, 20)}
	for _, tc := range []struct {
		b    rect
		want bool
	}{
		{rect{fyne.NewPos(25, 25), fyne.NewSize(20, 20)}, true},
		{rect{fyne.NewPos(30, 10), fyne.NewSize(5, 5)}, false}, // touching edge
		{rect{fyne.NewPos(-2, -3), fyne.NewSize(5, 5)}, false}, // "not found" position
		{rect{fyne.NewPos(0, 0), fyne.NewSize(100, 100)}, true},
	} {
		if got := a.intersects(tc.b); got != tc.want || tc.b.intersects(a) != tc.want {
			t.Errorf("intersects(%v) = %v, want %v", tc.b, got, tc.want)
		}
	}
}
