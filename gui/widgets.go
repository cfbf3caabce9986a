package gui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

var transparent color.Color = color.Transparent

func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// demoBadge labels demo mode on every screen so it is never mistaken for a
// real tenant.
func demoBadge() fyne.CanvasObject {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameWarning))
	bg.CornerRadius = 6
	txt := canvas.NewText("  DEMO — simulated Halo, sample data  ", color.Black)
	txt.TextStyle = fyne.TextStyle{Bold: true}
	return container.NewStack(bg, container.NewPadded(txt))
}

// warningBanner is a full-width notice with a warning icon and, at its
// end, the actions (buttons) that may resolve it.
func warningBanner(text string, actions ...fyne.CanvasObject) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	icon := widget.NewIcon(theme.WarningIcon())
	bg := canvas.NewRectangle(withAlpha(theme.Color(theme.ColorNameWarning), 0x40))
	var right fyne.CanvasObject
	if len(actions) > 0 {
		right = container.NewCenter(container.NewHBox(actions...))
	}
	return container.NewStack(bg, container.NewBorder(nil, nil, container.NewCenter(icon), right, l))
}

func withAlpha(c color.Color, a uint8) color.Color {
	r, g, b, _ := c.RGBA()
	return color.NRGBA{R: uint8(r >> 8), G: uint8(g >> 8), B: uint8(b >> 8), A: a}
}

// heading is a screen title.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// wrapped is a word-wrapped label.
func wrapped(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// setLabel changes a label's text only when it differs, so re-showing the
// same row costs nothing.
func setLabel(l *widget.Label, text string) {
	if l.Text != text {
		l.SetText(text)
	}
}

// fitLabel sets a recycled cell label of the given width, with an ellipsis
// only when the text does not fit. Fyne shapes an ellipsis label's text
// again on every refresh (a new HarfBuzz font each time), which made a
// screenful of scrolling cost ~15 ms; measuring is cached per string.
func fitLabel(l *widget.Label, text string, imp widget.Importance, width float32) {
	trunc := fyne.TextTruncateOff
	if text != "" && width > 0 &&
		fyne.MeasureText(text, theme.TextSize(), l.TextStyle).Width > width-2*theme.InnerPadding() {
		trunc = fyne.TextTruncateEllipsis
	}
	if l.Text != text || l.Truncation != trunc || l.Importance != imp {
		l.Text, l.Truncation, l.Importance = text, trunc, imp
		l.Refresh()
	}
}

// fmtWhen is how every label shows a time: local, to the minute, the
// year only when it is not this year's ("2 Jan 15:04", "2 Jan 2025
// 15:04"), short enough for a narrow pane.
func fmtWhen(t time.Time) string {
	t = t.Local()
	if t.Year() == time.Now().Year() {
		return t.Format("2 Jan 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

func enable(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

func show(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}
