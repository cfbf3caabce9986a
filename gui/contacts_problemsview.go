package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// problemsView shows an audit: its summary (counts, when, what changed)
// above the tabs, and the Problems tab's filters, table and export.
type problemsView struct {
	model *problems // nil: no audit shown
	// counts, and in one label when the audit ran, what its probe learnt of
	// Halo's phone search and what changed since the one before.
	counts    *widget.Label
	about     *widget.Label
	summary   *fyne.Container
	kind      *widget.Select
	filter    *widget.Entry
	shownInfo *widget.Label
	table     *contactsTable
	exportBtn *widget.Button
	body      *fyne.Container
}

// newProblemsView edits a row's contact with edit, opens it with open and
// exports with export; actions (the writes' buttons) sit beside Export.
func newProblemsView(edit, open func(contactID int), export func(), actions ...fyne.CanvasObject) *problemsView {
	v := &problemsView{counts: wrapped(""), about: wrapped(""), shownInfo: widget.NewLabel("")}
	v.counts.TextStyle.Bold = true
	names := []string{allProblems}
	for _, k := range problemKinds {
		names = append(names, k.name)
	}
	v.kind = widget.NewSelect(names, func(string) { v.applyFilter() })
	v.kind.SetSelected(allProblems)
	v.filter = widget.NewEntry()
	v.filter.SetPlaceHolder("Filter: contact, customer, site, number or ID")
	v.filter.OnChanged = func(string) { v.applyFilter() }
	v.table = newContactsTable(func() *problems { return v.model }, edit, open)
	v.exportBtn = widget.NewButtonWithIcon("Export CSV…", theme.DocumentSaveIcon(), export)
	v.summary = container.NewVBox(v.counts, v.about)
	filters := container.NewBorder(nil, nil, v.kind, container.NewHBox(append([]fyne.CanvasObject{v.exportBtn}, actions...)...), v.filter)
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
		v.about.SetText(strings.Join([]string{m.whenText(), m.searchText(), changes}, " "))
	} else {
		v.about.SetText("")
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
