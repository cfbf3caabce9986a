package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/storage"
)

// actionNames are the audit actions in words; unknown ones show as stored.
var actionNames = map[string]string{
	storage.ActionProfileCreated:     "Profile created",
	storage.ActionProfileRenamed:     "Profile renamed",
	storage.ActionProfileDuplicated:  "Profile duplicated",
	storage.ActionProfileDeleted:     "Profile deleted",
	storage.ActionConnectionUpdated:  "Connection changed",
	storage.ActionChecklistChecked:   "Checklist step ticked",
	storage.ActionChecklistUnchecked: "Checklist step unticked",
	storage.ActionChecklistReset:     "Checklist reset",
	storage.ActionUsersImported:      "1stream users imported",
	storage.ActionUserAdded:          "1stream user added",
	storage.ActionUserUpdated:        "1stream user changed",
	storage.ActionUserDeleted:        "1stream user deleted",
	storage.ActionMappingSet:         "User mapped",
	storage.ActionMappingMoved:       "Mapping moved",
	storage.ActionMappingRemoved:     "Mapping removed",
	storage.ActionMappingBulk:        "Mappings saved in bulk",
	storage.ActionMappingExported:    "Mappings exported",
	actionMappingUndo:                "Mapping change undone",
	actionMappingRedo:                "Mapping change redone",
	storage.ActionContactsAudited:    "Contacts audited",
	storage.ActionContactsForgotten:  "Contacts snapshot dropped",
	storage.ActionContactsFixed:      "Contacts fixed in Halo",
	storage.ActionContactsUndone:     "Contacts fix undone in Halo",
	storage.ActionSecretStored:       "Client Secret stored",
	storage.ActionSecretRemoved:      "Client Secret removed",
	storage.ActionSecretLeft:         "Client Secret left in the keyring",
}

func actionName(a string) string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return a
}

// auditTab is the History screen's audit log: who changed what, for the
// profile or all of them, filtered by text.
type auditTab struct {
	u *UI
	// profile is whose events show unless All profiles is ticked (nil:
	// everyone's).
	profile     *storage.Profile
	events      []storage.AuditEvent
	list        *widget.List
	filter      *widget.Entry
	allProfiles *widget.Check
	info        *widget.Label
	seq         int
	root        fyne.CanvasObject
}

func newAuditTab(u *UI) *auditTab {
	at := &auditTab{u: u}
	at.filter = widget.NewEntry()
	at.filter.SetPlaceHolder("Filter: action, detail or profile, e.g. secret, checklist, mapping")
	at.filter.OnChanged = func(string) { at.load() }
	at.allProfiles = widget.NewCheck("All profiles", func(bool) { at.load() })
	at.info = widget.NewLabel("")
	at.list = at.newList()
	at.root = container.NewBorder(
		container.NewVBox(
			wrapped("Who changed what: profiles, the Client Secret (never its value), the checklist, users, mappings and contacts fixed in Halo (counts only)."),
			container.NewBorder(nil, nil, nil, at.allProfiles, at.filter), at.info),
		nil, nil, nil, at.list)
	return at
}

// newList lists the events.
func (at *auditTab) newList() *widget.List {
	l := widget.NewList(
		func() int { return len(at.events) },
		func() fyne.CanvasObject {
			head := widget.NewLabelWithStyle("27 Nov 2026 14:31 · Checklist step ticked", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			detail := widget.NewLabel("alice · Contoso MSP · step halo-9")
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(head, detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(at.events) {
				return
			}
			e := at.events[i]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(fmtWhen(e.At) + " · " + actionName(e.Action))
			parts := []string{e.Actor}
			if e.ProfileName != "" {
				parts = append(parts, e.ProfileName)
			}
			if e.Detail != "" {
				parts = append(parts, e.Detail)
			}
			box.Objects[1].(*widget.Label).SetText(strings.Join(parts, " · "))
		},
	)
	l.OnSelected = func(widget.ListItemID) { l.UnselectAll() }
	return l
}

// load lists the events that match the filter, read off the UI goroutine.
func (at *auditTab) load() {
	at.seq++
	seq := at.seq
	f := storage.AuditFilter{Text: at.filter.Text, Limit: historyLimit}
	all := at.allProfiles.Checked || at.profile == nil
	if !all {
		f.ProfileID = at.profile.ID
	}
	runAsync(at.u, func(ctx context.Context) ([]storage.AuditEvent, error) {
		return at.u.env.DB.AuditLog(ctx, f)
	}, func(ev []storage.AuditEvent, err error) {
		if seq != at.seq {
			return
		}
		if err != nil {
			at.u.showError("Loading the audit log failed", err)
			return
		}
		at.events = ev
		scope := "all profiles"
		if !all {
			scope = at.profile.Name
		}
		switch {
		case len(ev) == 0 && strings.TrimSpace(f.Text) != "":
			at.info.SetText(fmt.Sprintf("Nothing matches %q in %s.", strings.TrimSpace(f.Text), scope))
		case len(ev) >= historyLimit:
			at.info.SetText(fmt.Sprintf("The newest %d events of %s; filter to narrow down.", historyLimit, scope))
		default:
			at.info.SetText(fmt.Sprintf("%s of %s.", halo.CountOf(len(ev), "event"), scope))
		}
		at.list.Refresh()
	})
}
