package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// headerButton is a column header of the users table; tapping it sorts.
type headerButton struct {
	widget.Button
	col int
}

// Compile-time check: headerButton is a Fyne widget.
var _ fyne.Widget = (*headerButton)(nil)
