package gui

import (
	"fmt"
	"strconv"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
)

// The changes a write to Halo's contacts would make, as its preview lists
// them (the fix's plan, an undo): filtered by typed words and, where the
// admin may leave some out, with a check per row. No widgets, so it is
// tested without a window.

// Columns of a changes table.
const (
	chColInclude = iota
	chColContact
	chColClient
	chColField
	chColOld
	chColNew
	changeCols
)

// changeList is the changes of one preview.
type changeList struct {
	changes []contacts.Change
	// optional: the admin may leave rows out (out, by change index;
	// nOut of them).
	optional bool
	out      []bool
	nOut     int
	filter   rowFilter
}

// newChangeList indexes changes for the filter (off the UI goroutine for a
// large plan); optional lets rows be left out. Every change is included
// and shown until told otherwise.
func newChangeList(changes []contacts.Change, optional bool) *changeList {
	l := &changeList{changes: changes, optional: optional, out: make([]bool, len(changes))}
	l.filter = newRowFilter(len(changes), func(i int) (string, []string) {
		c := changes[i]
		return "", []string{strconv.Itoa(c.ContactID), c.Contact, c.Client, fieldLabel(c.Field), string(c.Field), c.Old, c.New}
	})
	return l
}

// setFilter shows the changes whose text holds every typed word.
func (l *changeList) setFilter(text string) { l.filter.apply("", text) }

// rows is how many changes the filter shows.
func (l *changeList) rows() int { return len(l.filter.shown) }

// change is the shown row's change.
func (l *changeList) change(row int) contacts.Change { return l.changes[l.filter.shown[row]] }

// included reports whether the shown row's change will be written.
func (l *changeList) included(row int) bool { return !l.out[l.filter.shown[row]] }

// setIncluded includes or leaves out the shown row's change (optional
// lists only).
func (l *changeList) setIncluded(row int, on bool) {
	if !l.optional || row < 0 || row >= l.rows() {
		return
	}
	i := l.filter.shown[row]
	if l.out[i] == !on {
		return
	}
	l.out[i] = !on
	if on {
		l.nOut--
	} else {
		l.nOut++
	}
}

// setShownIncluded includes or leaves out every shown row (All / None).
func (l *changeList) setShownIncluded(on bool) {
	for row := range l.rows() {
		l.setIncluded(row, on)
	}
}

// selected is the changes to write, in order.
func (l *changeList) selected() []contacts.Change {
	out := make([]contacts.Change, 0, len(l.changes)-l.nOut)
	for i, c := range l.changes {
		if !l.out[i] {
			out = append(out, c)
		}
	}
	return out
}

// selectedCount is how many changes will be written.
func (l *changeList) selectedCount() int { return len(l.changes) - l.nOut }

// cellText is what the table shows in column col of the shown row.
func (l *changeList) cellText(row, col int) string {
	c := l.change(row)
	switch col {
	case chColContact:
		return nameOrID(c.Contact, c.ContactID)
	case chColClient:
		return c.Client
	case chColField:
		return fieldLabel(c.Field)
	case chColOld:
		return c.Old
	case chColNew:
		return c.New
	}
	return ""
}

// selectionText says how many changes are shown and will be written.
func (l *changeList) selectionText() string {
	total, sel := len(l.changes), l.selectedCount()
	text := halo.CountOf(total, "change", "changes")
	if l.optional {
		if sel == total {
			text = "All " + text + " selected"
		} else {
			text = fmt.Sprintf("%d of %s selected (%d left out)", sel, text, total-sel)
		}
	}
	if shown := l.rows(); shown != total {
		text += fmt.Sprintf("; %d shown", shown)
	}
	return text + "."
}

// nameOrID is a contact's name as a table shows it, "(no name) #ID"
// without one.
func nameOrID(name string, id int) string {
	if name == "" {
		return "(no name) #" + strconv.Itoa(id)
	}
	return name
}

// fieldLabel is a writable contact field as a table shows it.
func fieldLabel(f halo.ContactField) string {
	switch f {
	case halo.ContactPhone:
		return "Phone"
	case halo.ContactHome:
		return "Home"
	case halo.ContactMobile:
		return "Mobile"
	case halo.ContactMobile2:
		return "Mobile 2"
	case halo.ContactFirstName:
		return "First name"
	case halo.ContactSurname:
		return "Surname"
	}
	return string(f)
}

// distinctContacts is how many contacts changes touch.
func distinctContacts(changes []contacts.Change) int {
	seen := make(map[int]bool, len(changes))
	for _, c := range changes {
		seen[c.ContactID] = true
	}
	return len(seen)
}
