package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// valueField shows one value of 1stream's form. It takes keyboard focus
// (Tab or click) and copies its value on Ctrl+C.
type valueField struct {
	widget.BaseWidget
	label   *widget.Label
	bg      *canvas.Rectangle
	value   string
	onCopy  func() // instead of copying value (the secret, from the keyring)
	focused bool
}

var (
	_ fyne.Focusable    = (*valueField)(nil)
	_ fyne.Shortcutable = (*valueField)(nil)
	_ fyne.Tappable     = (*valueField)(nil)
)

func newValueField() *valueField {
	v := &valueField{label: widget.NewLabel(""), bg: canvas.NewRectangle(transparent)}
	v.label.Truncation = fyne.TextTruncateEllipsis
	v.bg.CornerRadius = theme.InputRadiusSize()
	v.ExtendBaseWidget(v)
	return v
}

// set shows display; without a value to copy it is a note about the
// value (such as "unknown — click Detect"), in italics rather than the
// faint disabled colour, which is too pale to read.
func (v *valueField) set(display, value string) {
	v.value = value
	v.label.Text = display
	v.label.TextStyle.Italic = value == "" && v.onCopy == nil
	v.label.Refresh()
}

func (v *valueField) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(v.bg, v.label))
}

func (v *valueField) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(v); c != nil {
		c.Focus(v)
	}
}

func (v *valueField) FocusGained() {
	v.focused = true
	v.bg.FillColor = withAlpha(theme.Color(theme.ColorNameFocus), 0x60)
	v.bg.Refresh()
}

func (v *valueField) FocusLost() {
	v.focused = false
	v.bg.FillColor = transparent
	v.bg.Refresh()
}

func (v *valueField) TypedRune(rune) {}

func (v *valueField) TypedKey(*fyne.KeyEvent) {}

func (v *valueField) TypedShortcut(sc fyne.Shortcut) {
	if _, ok := sc.(*fyne.ShortcutCopy); ok {
		v.copy()
		return
	}
	// Window shortcuts (Alt+1…, Ctrl+R) keep working while a value has the
	// focus: the driver hands every shortcut to the focused widget first.
	if c, ok := fyne.CurrentApp().Driver().CanvasForObject(v).(fyne.Shortcutable); ok {
		c.TypedShortcut(sc)
	}
}

func (v *valueField) copy() {
	switch {
	case v.onCopy != nil:
		v.onCopy()
	case v.value != "":
		fyne.CurrentApp().Clipboard().SetContent(v.value)
	}
}

// Compile-time check: valueField is a Fyne widget.
var _ fyne.Widget = (*valueField)(nil)
