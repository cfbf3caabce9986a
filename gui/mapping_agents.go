package gui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
)

// agentCells are the labels of one recycled agent row: the name, the
// extension and what the agent is mapped to on the first line, the team
// and email below the name.
type agentCells struct {
	name, ext, badge, sub *widget.Label
}

// agentsListDeps is what the agent list shows and does: the model's
// agents, view and selection, the drags its rows start, and its screen's
// answers to Enter, the screen's shortcuts and "Re-run the systems check".
type agentsListDeps struct {
	*mappingModel
	dnd         *dragManager
	bindings    func() []binding
	mapSelected func()
	runCheck    func()
}

// agentsList is the agent list with Enter bound to Map and Delete to
// Unmap, and the pane around it: search, "Show disabled", and the "Not
// seeing Halo users?" help that replaces it when a sync brought no agents.
type agentsList struct {
	widget.List
	s *agentsListDeps

	rows    map[*dragSource]*agentCells
	syncing bool // the selection is being set by code, not by the user

	pane              *fyne.Container // listPane or empty
	head              *fyne.Container
	listPane, empty   fyne.CanvasObject
	info, emptyDetail *widget.Label
	rerunBtn          *widget.Button
	query             *shortcutEntry
	showDisabled      *widget.Check
}

func (l *agentsList) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		l.s.mapSelected()
	case fyne.KeyDelete, fyne.KeyBackspace:
		l.s.unmapSelected()
	default:
		l.List.TypedKey(ev)
	}
}

// agentColumns lays out an agent row — and the header with the same
// columns, so they line up: the name gets what the fixed-width Ext. and
// "Mapped to" columns leave, and an optional fourth object (team and
// email) a second line under the name and extension, overlapping the
// first line's bottom padding. Two lines keep the name, team and mapping
// readable in the pane's width at the default window size.
type agentColumns struct{}

const (
	agentExtWidth   = 52
	agentBadgeWidth = 96
)

func (agentColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) < 3 {
		return
	}
	nameW := max(size.Width-agentExtWidth-agentBadgeWidth, 0)
	lineH := objs[0].MinSize().Height
	place := func(o fyne.CanvasObject, x, y, w, h float32) {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
		// A label fitted (fitLabel) at its old width would overflow into
		// the next column after the pane got narrower, or keep an
		// ellipsis it no longer needs: fit it to the new width.
		if l, ok := o.(*widget.Label); ok {
			fitLabel(l, l.Text, l.Importance, w)
		}
	}
	place(objs[0], 0, 0, nameW, lineH)
	place(objs[1], nameW, 0, agentExtWidth, lineH)
	place(objs[2], nameW+agentExtWidth, 0, agentBadgeWidth, lineH)
	if len(objs) > 3 {
		place(objs[3], 0, lineH-agentLineOverlap(), nameW+agentExtWidth, objs[3].MinSize().Height)
	}
}

// agentLineOverlap is how far the second line moves up into the first
// line's bottom padding.
func agentLineOverlap() float32 { return 2*theme.InnerPadding() - 2 }

func (agentColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	if len(objs) == 0 {
		return fyne.Size{}
	}
	h := objs[0].MinSize().Height
	if len(objs) > 3 {
		h += objs[3].MinSize().Height - agentLineOverlap()
	}
	return fyne.NewSize(200, h)
}

func truncLabel(text string, bold bool) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// newAgentsList builds the list and its pane; agents are dragged with
// deps.dnd.
func newAgentsList(deps *agentsListDeps) *agentsList {
	l := &agentsList{s: deps, rows: map[*dragSource]*agentCells{}}
	l.Length = func() int { return len(l.s.agentView.order) }
	l.CreateItem = func() fyne.CanvasObject {
		c := &agentCells{name: truncLabel("Agent name", true), ext: truncLabel("101", false),
			badge: truncLabel("", false), sub: truncLabel("Team · agent@example.com", false)}
		src := newDragSource(l.s.dnd, container.New(agentColumns{}, c.name, c.ext, c.badge, c.sub))
		l.rows[src] = c
		return src
	}
	l.UpdateItem = l.updateItem
	l.OnSelected = func(i widget.ListItemID) {
		view := l.s.agentView.order
		if l.syncing || i < 0 || i >= len(view) || view[i] >= len(l.s.agents) {
			return
		}
		l.s.selectAgent(l.s.agents[view[i]].ID)
	}
	l.ExtendBaseWidget(l)

	l.query = newShortcutEntry(l.s.bindings)
	// Short enough for the pane at the default window size; the search
	// covers name, email, team and extension.
	l.query.SetPlaceHolder("Search agents")
	l.query.OnChanged = func(string) { l.filter() }
	l.showDisabled = widget.NewCheck("Show disabled", func(bool) { l.filter() })
	l.info = widget.NewLabel("")
	l.info.Truncation = fyne.TextTruncateEllipsis

	// "Agent", not "Halo agent": the pane is the Halo side already, and
	// the shorter header fits at the default window size.
	l.head = container.New(agentColumns{}, truncLabel("Agent · team · email", true), truncLabel("Ext.", true),
		truncLabel("Mapped to", true))
	l.listPane = container.NewBorder(container.NewVBox(
		container.NewBorder(nil, nil, nil, l.showDisabled, l.query), l.info, l.head), nil, nil, nil, l)
	l.empty = l.buildEmpty()
	l.pane = container.NewStack(l.listPane)
	return l
}

// buildEmpty is the "Not seeing Halo users?" help.
func (l *agentsList) buildEmpty() fyne.CanvasObject {
	l.emptyDetail = wrapped("")
	l.rerunBtn = widget.NewButtonWithIcon("Re-run the systems check", theme.ViewRefreshIcon(), func() {
		if l.s.runCheck != nil {
			l.s.runCheck()
		}
	})
	l.rerunBtn.Importance = widget.HighImportance
	return container.NewVScroll(container.NewVBox(
		heading("Not seeing Halo users?"),
		l.emptyDetail,
		wrapped("The API agent (the Halo agent the application logs in as) only sees the agents of the "+
			"departments and teams it belongs to. In Halo, open Configuration › Teams & Agents › Agents, "+
			"edit the API agent and:"),
		wrapped("1. On Departments & Teams, add it to every department and every team whose agents take calls."),
		wrapped("2. Set its Default Team to one of those teams — without a Default Team it cannot see other agents."),
		wrapped("3. With multi-tenancy, check the organisation restrictions: it must be allowed to see the "+
			"organisations the agents belong to (\"Allow use of all Customers\")."),
		wrapped("Then re-run the systems check to pull the agents again."),
		container.NewHBox(l.rerunBtn),
	))
}

func (l *agentsList) updateItem(i widget.ListItemID, o fyne.CanvasObject) {
	src := o.(*dragSource)
	c := l.rows[src]
	view := l.s.agentView.order
	// The view can briefly hold indexes of data being replaced; a row
	// drawn then stays as it is until the list refreshes.
	if c == nil || i < 0 || i >= len(view) {
		return
	}
	ai := view[i]
	if ai < 0 || ai >= len(l.s.agents) || ai >= len(l.s.badges) || ai >= len(l.s.agentSubs) {
		return
	}
	src.item = ai
	a := &l.s.agents[ai]
	fitLabel(c.name, a.Name, widget.MediumImportance, c.name.Size().Width)
	fitLabel(c.ext, a.Extension, widget.MediumImportance, c.ext.Size().Width)
	fitLabel(c.sub, l.s.agentSubs[ai], widget.MediumImportance, c.sub.Size().Width)
	badge := widget.MediumImportance
	if _, held := l.s.holder[a.ID]; held {
		badge = widget.SuccessImportance
	}
	fitLabel(c.badge, l.s.badges[ai], badge, c.badge.Size().Width)
}

func (l *agentsList) updatePane() {
	var hidden int
	for i := range l.s.agents {
		if l.s.agents[i].IsDisabled || l.s.agents[i].IsAPIAgent {
			hidden++
		}
	}
	when := fmtWhen(l.s.pulledAt)
	info := "No agents pulled yet."
	switch {
	case l.s.loading:
		info = "Loading …"
	case !l.s.pulledAt.IsZero():
		// Short enough for the pane at the default window size.
		info = halo.CountOf(len(l.s.agents), "agent", "agents")
		if hidden > 0 {
			info += fmt.Sprintf(" · %d disabled/API", hidden)
		}
		info += " · synced " + when
	}
	l.info.SetText(info)

	pane := l.listPane
	// While the data loads the (empty) list shows, not the fix for a
	// sync that brought no agents.
	if l.s.profile != nil && !l.s.loading && l.s.realAgents() == 0 {
		pane = l.empty
		switch {
		case l.s.pulledAt.IsZero():
			l.emptyDetail.SetText("No Halo agents have been pulled for this profile yet. Run the systems check " +
				"once the connection is saved: it pulls the agents. If it passes but brings no agents back, " +
				"the API agent cannot see them.")
		case len(l.s.agents) == 0:
			l.emptyDetail.SetText(fmt.Sprintf("The last sync (%s) returned no agents at all. "+
				"This almost always means the API agent cannot see the other agents.", when))
		default:
			l.emptyDetail.SetText(fmt.Sprintf("The last sync (%s) returned only the API agent. "+
				"This almost always means the API agent cannot see the other agents.", when))
		}
	}
	if l.pane.Objects[0] != pane {
		l.pane.Objects = []fyne.CanvasObject{pane}
		l.pane.Refresh()
	}
}

// filter takes the search and "Show disabled" from their widgets.
func (l *agentsList) filter() {
	l.s.setAgentFilter(l.query.Text, l.showDisabled.Checked)
	l.Refresh()
}

// showView redraws the pane and the rows of the model's view.
func (l *agentsList) showView() {
	l.updatePane()
	l.Refresh()
	l.syncSelection()
}

// syncSelection keeps the list's selection on the model's selected agent.
func (l *agentsList) syncSelection() {
	l.syncing = true
	defer func() { l.syncing = false }()
	i := -1
	if l.s.sel.agent != 0 {
		i = l.s.agentRowOf(l.s.sel.agent)
	}
	if i < 0 {
		l.UnselectAll()
		return
	}
	l.Select(i)
}

// Compile-time check: agentsList is a Fyne widget.
var _ fyne.Widget = (*agentsList)(nil)
