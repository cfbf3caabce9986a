package gui

import (
	"testing"
	"time"
)

// One format for every time a label shows: the year only when it is not
// this year's.
func TestFmtWhen(t *testing.T) {
	year := time.Now().Year()
	if got := fmtWhen(time.Date(year, 1, 2, 15, 4, 0, 0, time.Local)); got != "2 Jan 15:04" {
		t.Errorf("this year: %q", got)
	}
	if got := fmtWhen(time.Date(year-1, 12, 31, 9, 5, 0, 0, time.Local)); got != "31 Dec "+time.Date(year-1, 1, 1, 0, 0, 0, 0, time.Local).Format("2006")+" 09:05" {
		t.Errorf("last year: %q", got)
	}
}
