package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// problemsView shows an audit: its summary (counts, when, what changed)
// above the tabs, and the Problems tab's filters, table and export.
type problemsView struct {
	model     *problems // nil: no audit shown
	counts    *widget.Label
	when      *widget.Label
	changes   *widget.Label
	summary   *fyne.Container
	kind      *widget.Select
	filter    *widget.Entry
	shownInfo *widget.Label
	table     *contactsTable
	exportBtn *widget.Button
	body      *fyne.Container
}

// newProblemsView opens a row's contact with open and exports with export.
func newProblemsView(open func(contactID int), export func()) *problemsView {
	v := &problemsView{counts: wrapped(""), when: wrapped(""), changes: wrapped(""), shownInfo: widget.NewLabel("")}
	v.counts.TextStyle.Bold = true
	names := []string{allProblems}
	for _, k := range problemKinds {
		names = append(names, k.name)
	}
	v.kind = widget.NewSelect(names, func(string) { v.applyFilter() })
	v.kind.SetSelected(allProblems)
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter: contact, customer, site, number or contact ID")
	v.filter.OnChanged = func(string) { v.applyFilter() }
	v.table = newContactsTable(func() *problems { return v.model }, open)
	v.exportBtn = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), export)
	v.summary = container.NewVBox(v.counts, v.when, v.changes)
	filters := container.NewBorder(nil, nil, v.kind, v.exportBtn, v.filter)
	v.body = container.NewBorder(container.NewVBox(filters, v.shownInfo), nil, nil, nil, v.table)
	v.show()
	return v
}

// set shows an audit's problems (nil: none) and, for an audit, what
// changed since the one before.
func (v *problemsView) set(m *problems, changes string) {
	v.model = m
	if m != nil {
		v.counts.SetText(m.countsText())
		v.when.SetText(m.whenText())
		v.changes.SetText(changes)
	} else {
		v.changes.SetText("")
	}
	v.applyFilter()
	v.show()
}

// applyFilter lists the problems of the chosen kind that hold the typed
// words. It runs on every keystroke.
func (v *problemsView) applyFilter() {
	if v.table == nil {
		return // still being built
	}
	if v.model != nil {
		v.model.setFilter(problemNamed(v.kind.Selected), v.filter.Text)
		v.shownInfo.SetText(v.model.shownText())
	}
	v.table.Refresh()
	v.table.ScrollToTop()
}

// show shows the summary and the problems only with an audit.
func (v *problemsView) show() {
	on := v.model != nil
	show(v.summary, on)
	show(v.body, on)
	enable(v.exportBtn, on)
}
