package gui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// ---- status look ----

func statusIcon(st halo.Status) fyne.Resource {
	switch st {
	case halo.StatusPass:
		return theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case halo.StatusWarn:
		return theme.NewWarningThemedResource(theme.WarningIcon())
	case halo.StatusFail:
		return theme.NewErrorThemedResource(theme.ErrorIcon())
	case halo.StatusSkip:
		return theme.NewDisabledResource(theme.MediaSkipNextIcon())
	}
	return theme.NewDisabledResource(theme.RadioButtonIcon())
}

func statusWord(st halo.Status) (string, widget.Importance) {
	switch st {
	case halo.StatusPass:
		return "Passed", widget.SuccessImportance
	case halo.StatusWarn:
		return "Warning", widget.WarningImportance
	case halo.StatusFail:
		return "Failed", widget.DangerImportance
	// The icon shows these states; the word stays readable (the disabled
	// colour is too faint for text).
	case halo.StatusSkip:
		return "Skipped", widget.MediumImportance
	case halo.StatusRunning:
		return "Running…", widget.MediumImportance
	}
	return "Waiting", widget.MediumImportance
}

// verdictImportance is the colour of a run's verdict, wherever one shows
// (the check dialog's headline, the last check, the history).
func verdictImportance(v storage.Verdict) widget.Importance {
	switch v {
	case storage.VerdictFailed:
		return widget.DangerImportance
	case storage.VerdictCancelled, storage.VerdictWarnings:
		return widget.WarningImportance
	}
	return widget.SuccessImportance
}

// ---- the result rows (dialog, screen and history share them) ----

// checkResultRow is one check's row: its state, detail, fix and the way to
// its checklist step.
type checkResultRow struct {
	id     string
	status halo.Status
	icon   *widget.Icon
	spin   *widget.Activity
	title  *widget.Label
	state  *widget.Label
	detail *widget.Label
	fix    *widget.Label
	goTo   *widget.Button
	open   *widget.Button // the contacts row: to the Contacts screen
	step   string
	root   *fyne.Container
}

// checkResults is the systems check's results as rows, one per check, in
// the check's order.
type checkResults struct {
	rows   []*checkResultRow
	byID   map[string]*checkResultRow
	box    *fyne.Container
	scroll *container.Scroll // around box; relaid out when rows change height
	onGoTo func(step string)
	// onContacts, when set, opens the Contacts screen from the contacts
	// row once it has a result: the audit there says which contacts
	// stand in the way of screen pops.
	onContacts func()
}

func newCheckResults(onGoTo func(step string)) *checkResults {
	l := &checkResults{byID: map[string]*checkResultRow{}, box: container.NewVBox(), onGoTo: onGoTo}
	for i, id := range halo.CheckIDs() {
		r := &checkResultRow{id: id}
		r.icon = widget.NewIcon(statusIcon(""))
		r.spin = widget.NewActivity()
		r.spin.Hide()
		r.title = widget.NewLabelWithStyle(halo.CheckTitle(id), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.state = widget.NewLabel("")
		r.detail = wrapped("")
		r.detail.Hide()
		r.fix = wrapped("")
		r.fix.Hide()
		r.goTo = widget.NewButtonWithIcon("Checklist step", theme.ListIcon(), func() {
			if l.onGoTo != nil && r.step != "" {
				l.onGoTo(r.step)
			}
		})
		r.goTo.Hide()
		right := container.NewVBox(r.goTo)
		if id == halo.CheckContacts {
			r.open = widget.NewButtonWithIcon("Audit contacts", theme.AccountIcon(), func() {
				if l.onContacts != nil {
					l.onContacts()
				}
			})
			r.open.Hide()
			right.Add(r.open)
		}
		// Centre the icon on the title's line.
		top := (widget.NewLabel("X").MinSize().Height - theme.IconInlineSize()) / 2
		left := container.New(layout.NewCustomPaddedLayout(top, 0, 0, 0), container.NewVBox(container.NewStack(r.icon, r.spin)))
		body := tightVBox(container.NewHBox(r.title, r.state), r.detail, r.fix)
		r.root = container.NewBorder(nil, nil, left, right, body)
		if i > 0 {
			l.box.Add(widget.NewSeparator())
		}
		l.box.Add(r.root)
		l.rows = append(l.rows, r)
		l.byID[id] = r
	}
	l.scroll = container.NewVScroll(l.box)
	l.reset()
	return l
}

// reset shows every check as waiting.
func (l *checkResults) reset() {
	for _, r := range l.rows {
		l.set(halo.CheckResult{ID: r.id})
	}
}

// set shows one result; unknown IDs are ignored.
func (l *checkResults) set(c halo.CheckResult) {
	r, ok := l.byID[c.ID]
	if !ok {
		return
	}
	r.status = c.Status
	if c.Status == halo.StatusRunning {
		r.icon.Hide()
		r.spin.Show()
		r.spin.Start()
	} else {
		r.spin.Stop()
		r.spin.Hide()
		r.icon.SetResource(statusIcon(c.Status))
		r.icon.Show()
	}
	word, imp := statusWord(c.Status)
	if c.Duration >= time.Millisecond && c.Status != halo.StatusRunning {
		word += fmt.Sprintf(" · %s", halo.FormatDuration(c.Duration))
	}
	r.state.SetText(word)
	r.state.Importance = imp
	r.state.Refresh()
	setOptional(r.detail, c.Detail)
	problem := c.Status == halo.StatusFail || c.Status == halo.StatusWarn
	r.step = ""
	fix := ""
	if problem && c.Fix != "" {
		fix = "How to fix: " + c.Fix
	}
	if problem && c.Step != "" {
		r.step = c.Step
		if t := stepTitle(c.Step); t != "" {
			if fix == "" {
				fix = "See the checklist"
			}
			fix += " (Checklist: " + t + ")"
		}
	}
	setOptional(r.fix, fix)
	if r.step != "" && l.onGoTo != nil {
		r.goTo.Show()
	} else {
		r.goTo.Hide()
	}
	if r.open != nil {
		if l.onContacts != nil && (c.Status == halo.StatusPass || c.Status == halo.StatusWarn) {
			r.open.Show()
		} else {
			r.open.Hide()
		}
	}
	if l.scroll != nil {
		l.scroll.Refresh()
	}
}

// setReport shows a finished report.
func (l *checkResults) setReport(rep halo.Report) {
	l.reset()
	for _, c := range rep.Checks {
		l.set(c)
	}
}

func setOptional(l *widget.Label, text string) {
	l.SetText(text)
	if text == "" {
		l.Hide()
	} else {
		l.Show()
	}
}
