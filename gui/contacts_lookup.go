package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
)

// The Contacts screen's "Test a caller": a number as a phone system would
// send it, looked up in Halo and in the last audit's snapshot.

func (s *contactsScreen) clearLookup() {
	s.lookSeq++
	s.verdict.SetText("")
	s.matches.Objects = nil
	s.matches.Refresh()
	s.missed.Hide()
}

// lookup asks Halo (and the snapshot) off the UI goroutine.
func (s *contactsScreen) lookup() {
	region, ok := s.regionValue()
	number := strings.TrimSpace(s.lookupEntry.Text)
	if !s.connected(s.profile) || !ok {
		return
	}
	s.clearLookup()
	if number == "" {
		s.verdict.SetText("Type the caller's number first.")
		return
	}
	seq := s.lookSeq
	p := *s.profile
	snap := s.snapshot
	s.verdict.SetText("Looking the number up in Halo …")
	s.lookupBtn.Disable()
	runAsync(s.u, func(ctx context.Context) (contacts.Lookup, error) {
		secret, err := readSecret(ctx, s.u.env, p.ID)
		if err != nil {
			return contacts.Lookup{}, fmt.Errorf("reading the Client Secret from the keyring failed: %w", err)
		}
		if secret == "" {
			return contacts.Lookup{}, errNoSecret
		}
		c, err := halo.NewClient(s.u.haloConfig(p, secret))
		if err != nil {
			return contacts.Lookup{}, err
		}
		return contacts.LookupNumber(ctx, c, snap, number, region)
	}, func(l contacts.Lookup, err error) {
		s.show()
		if seq != s.lookSeq {
			return
		}
		if err != nil {
			msg, _ := auditErrorText(err)
			msg = strings.TrimSuffix(strings.Replace(msg, "The audit failed", "The lookup failed", 1),
				" Nothing was stored: the previous audit is kept.")
			if halo.IsNoAccess(err) {
				msg = contactsAccessFix
			}
			s.verdict.SetText(msg)
			return
		}
		s.showLookup(l)
	})
}

// verdictText says what a call from the number does in 1stream.
func verdictText(l contacts.Lookup, snapshot bool) string {
	var text string
	switch l.Verdict {
	case contacts.VerdictOne:
		text = "One contact: a call from " + l.Number + " pops " + matchName(l.Matches[0]) + "."
	case contacts.VerdictSeveral:
		names := make([]string, len(l.Matches))
		for i, m := range l.Matches {
			names[i] = matchName(m)
		}
		text = fmt.Sprintf("Several contacts: a call from %s is ambiguous — %s hold it, so 1stream cannot tell which.",
			l.Number, strings.Join(names, ", "))
	default:
		text = "No contact: a call from " + l.Number + " shows as an unknown caller."
	}
	if !snapshot {
		text += " (Only Halo's search was asked: audit the contacts to match stored numbers in any format too.)"
	}
	return text
}

// fieldName is a contact's number field in words, with Halo's name.
func fieldName(f string) string {
	switch f {
	case contacts.FieldPhone:
		return "phone number (phonenumber)"
	case contacts.FieldHome:
		return "home number (homenumber)"
	case contacts.FieldMobile:
		return "mobile number (mobilenumber)"
	case contacts.FieldMobile2:
		return "second mobile number (mobilenumber2)"
	}
	return f
}

func matchName(m contacts.Match) string {
	if m.Contact == "" {
		return fmt.Sprintf("contact #%d", m.ContactID)
	}
	return m.Contact
}

func (s *contactsScreen) showLookup(l contacts.Lookup) {
	s.verdict.SetText(verdictText(l, s.snapshot != nil))
	rows := make([]fyne.CanvasObject, 0, len(l.Matches))
	for _, m := range l.Matches {
		parts := []string{matchName(m)}
		for _, p := range []string{m.Client, m.Site} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		how := "matched the " + fieldName(m.Field)
		if !m.InHaloSearch {
			how += ", not found by Halo's search"
		}
		parts = append(parts, how)
		link := m.Link
		open := widget.NewButtonWithIcon("Open in Halo", theme.ComputerIcon(), func() { s.openURL(link) })
		open.Importance = widget.LowImportance
		label := widget.NewLabel(strings.Join(parts, " · "))
		label.Truncation = fyne.TextTruncateEllipsis
		rows = append(rows, container.NewBorder(nil, nil, nil, open, label))
	}
	s.matches.Objects = rows
	s.matches.Refresh()
	if len(l.MissedByHalo) > 0 {
		names := make([]string, len(l.MissedByHalo))
		for i, m := range l.MissedByHalo {
			names[i] = matchName(m)
		}
		s.missed.SetText(fmt.Sprintf("Halo's own phone search did not find %s, though the stored number is the same: "+
			"the stored format may defeat 1stream's lookup. Store the number in international form (such as %s) in Halo.",
			strings.Join(names, ", "), l.E164))
		s.missed.Show()
	}
}
