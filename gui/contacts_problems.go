package gui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
)

// The Contacts screen's problems as a plain model: an audit's findings,
// the filter (kind and typed words) and the rows it lets through, and the
// texts that describe them. No widgets, so it is tested without a window.

// problemKind is one choice of the problems filter.
type problemKind struct {
	p    contacts.Problem
	name string
}

// problemKinds are the filter's choices, in the audit's order.
var problemKinds = []problemKind{
	{contacts.MissingName, "Missing name"},
	{contacts.NoPhone, "No phone"},
	{contacts.SharedNumber, "Shared number"},
	{contacts.Unparseable, "Unparseable"},
}

const allProblems = "All problems"

// problemName is p in the filter's words.
func problemName(p contacts.Problem) string {
	for _, k := range problemKinds {
		if k.p == p {
			return k.name
		}
	}
	return string(p)
}

// problemNamed is the problem the filter's choice name stands for; "" for
// all problems.
func problemNamed(name string) contacts.Problem {
	for _, k := range problemKinds {
		if k.name == name {
			return k.p
		}
	}
	return ""
}

// sitePhoneNote explains the table's last text column, whose header has
// no room to.
const sitePhoneNote = "The site's number is shown for reference: 1stream pops a contact by the contact's own numbers."

// Columns of the problems table.
const (
	colProblem = iota
	colContact
	colClient
	colSite
	colNumbers
	colSitePhone
	colOpen
	contactsCols
)

// rowFilter is a list's rows filtered by kind and by typed words, one pass
// over lower-cased text per keystroke (50,000 rows stay interactive). The
// problems table filters with it; any table of rows with a kind can.
type rowFilter struct {
	kinds    []string
	haystack []string // each row's fields, lower case, NUL between them
	shown    []int    // the rows let through, in order
}

// newRowFilter indexes n rows: row gives each row's kind and its fields.
// Every row is shown until apply.
func newRowFilter(n int, row func(i int) (kind string, fields []string)) rowFilter {
	f := rowFilter{kinds: make([]string, n), haystack: make([]string, n), shown: make([]int, n)}
	var b strings.Builder
	for i := range n {
		kind, fields := row(i)
		b.Reset()
		for j, t := range fields {
			if j > 0 {
				b.WriteByte(0) // no word typed spans two fields
			}
			b.WriteString(t)
		}
		f.kinds[i], f.haystack[i], f.shown[i] = kind, strings.ToLower(b.String()), i
	}
	return f
}

// apply shows the rows of kind ("" any) whose text holds every word of
// text, in any case.
func (f *rowFilter) apply(kind, text string) {
	words := strings.Fields(strings.ToLower(text))
	f.shown = f.shown[:0]
next:
	for i, h := range f.haystack {
		if kind != "" && f.kinds[i] != kind {
			continue
		}
		for _, w := range words {
			if !strings.Contains(h, w) {
				continue next
			}
		}
		f.shown = append(f.shown, i)
	}
}

// problems is one audit as the Problems tab lists it.
type problems struct {
	audit    *contacts.Audit
	snapshot []halo.Contact // the audited contacts
	byID     map[int]int    // snapshot index by contact ID
	filter   rowFilter
}

// newProblems prepares a (off the UI goroutine: indexing 50,000 findings
// takes a moment) with the contacts it audited.
func newProblems(a *contacts.Audit, snap []halo.Contact) *problems {
	m := &problems{audit: a, snapshot: snap, byID: make(map[int]int, len(snap))}
	for i, c := range snap {
		m.byID[c.ID] = i
	}
	m.filter = newRowFilter(len(a.Findings), func(i int) (string, []string) {
		f := a.Findings[i]
		return string(f.Problem), append([]string{strconv.Itoa(f.ContactID), f.Contact, f.Client, f.Site, f.Number}, f.Numbers...)
	})
	return m
}

// setFilter shows the findings of kind ("" all) that hold text's words.
func (m *problems) setFilter(kind contacts.Problem, text string) { m.filter.apply(string(kind), text) }

// rows is how many findings the filter lets through.
func (m *problems) rows() int { return len(m.filter.shown) }

// finding is the shown row's finding.
func (m *problems) finding(row int) contacts.Finding { return m.audit.Findings[m.filter.shown[row]] }

// cellText is what the problems table shows in column col for f.
func (m *problems) cellText(f contacts.Finding, col int) string {
	switch col {
	case colProblem:
		return problemName(f.Problem)
	case colContact:
		if f.Contact == "" {
			return "(no name) #" + strconv.Itoa(f.ContactID)
		}
		return f.Contact
	case colClient:
		return f.Client
	case colSite:
		return f.Site
	case colNumbers:
		return strings.Join(f.Numbers, ", ")
	case colSitePhone:
		if i, ok := m.byID[f.ContactID]; ok {
			return m.snapshot[i].SitePhone
		}
	}
	return ""
}

// countsText is the audit's counts in one line.
func (m *problems) countsText() string {
	a := m.audit
	active := halo.CountOf(a.Active, "active contact", "active contacts")
	if a.Contacts != a.Active {
		active += fmt.Sprintf(" of %d", a.Contacts)
	}
	return fmt.Sprintf("%s · %d missing a name · %d without a phone number · %s · %d with an unparseable number",
		active, a.MissingName, a.NoPhone, halo.CountOf(a.SharedNumbers, "number shared", "numbers shared"), a.Unparseable)
}

// whenText says when the audit ran and for which region.
func (m *problems) whenText() string {
	return fmt.Sprintf("Last audit %s, numbers read for region %s.", fmtWhen(m.audit.At), m.audit.Region)
}

// shownText says how many problems the filter shows.
func (m *problems) shownText() string {
	total, shown := len(m.audit.Findings), m.rows()
	switch {
	case total == 0:
		return "No problems: every active contact has a name and a number of its own that 1stream can pop."
	case shown == total:
		return halo.CountOf(shown, "problem", "problems") + ". " + sitePhoneNote
	}
	return fmt.Sprintf("%d of %s shown. %s", shown, halo.CountOf(total, "problem", "problems"), sitePhoneNote)
}
