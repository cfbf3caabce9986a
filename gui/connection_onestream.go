package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/gui/connection"
)

// oneStreamPanel shows the six values of 1stream's "Connected Account and
// CRM Settings" pop-up, each with its copy button, Detect beside the CRM
// Company, and Copy all.
type oneStreamPanel struct {
	values                map[string]*valueField
	copyBtns              map[string]*widget.Button
	detectBtn, copyAllBtn *widget.Button
	valuesNote            *widget.Label
}

// newOneStreamPanel builds the panel; copyField copies one value (the
// secret from the keyring), detect and copyAll run on their buttons.
func newOneStreamPanel(copyField func(field string), detect, copyAll func()) *oneStreamPanel {
	o := &oneStreamPanel{values: map[string]*valueField{}, copyBtns: map[string]*widget.Button{}}
	for _, f := range connection.OneStreamFields {
		f := f
		o.values[f] = newValueField()
		o.copyBtns[f] = widget.NewButtonWithIcon("", theme.ContentCopyIcon(), func() { copyField(f) })
	}
	o.detectBtn = widget.NewButtonWithIcon("Detect", theme.SearchIcon(), detect)
	o.copyAllBtn = widget.NewButtonWithIcon("Copy all", theme.ContentCopyIcon(), copyAll)
	o.valuesNote = wrapped("")
	return o
}

func (o *oneStreamPanel) layout() fyne.CanvasObject {
	form := widget.NewForm()
	for _, f := range connection.OneStreamFields {
		right := fyne.CanvasObject(o.copyBtns[f])
		if f == connection.Company {
			right = container.NewHBox(o.detectBtn, o.copyBtns[f])
		}
		form.Append(f, container.NewBorder(nil, nil, nil, right, o.values[f]))
	}
	return container.NewVBox(
		heading("1stream: Connected Account and CRM Settings"),
		wrapped("Administration > Manage Organization > Connected Account and CRM Settings > green + (checklist steps 4–11). "+
			"Copy each value into the field of the same name. Focus a value and press Ctrl+C, or use its button."),
		o.valuesNote, form, container.NewHBox(o.copyAllBtn),
	)
}

// show draws the values the model decided; copySecret is what copying the
// API Private Key does while the stored secret may be copied.
func (o *oneStreamPanel) show(v connection.View, copySecret func()) {
	setHint(o.valuesNote, connection.Hint{Text: v.ValuesNote, Level: connection.Warn})
	for _, f := range connection.OneStreamFields {
		val, field := v.Values[f], o.values[f]
		field.onCopy = nil
		if f == connection.PrivateKey && v.CopyStoredSecret {
			field.onCopy = copySecret
		}
		field.set(val.Shown, val.Copy)
		enable(o.copyBtns[f], val.Copy != "" || field.onCopy != nil)
	}
	enable(o.detectBtn, v.CanDetect)
}

// copyAllText is every value as a text block. The secret stays out: it is
// copied on its own, from the keyring.
func (o *oneStreamPanel) copyAllText() string {
	var b strings.Builder
	for _, f := range connection.OneStreamFields {
		v := o.values[f].value
		switch {
		case f == connection.PrivateKey:
			v = "(copy it with its own button: it comes from the system keyring)"
		case v == "":
			v = "(" + o.values[f].label.Text + ")"
		}
		fmt.Fprintf(&b, "%s: %s\n", f, v)
	}
	return b.String()
}
