package gui

import (
	"context"
	"fmt"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The Contacts screen's "Test a caller" without widgets: a number as a
// phone system would send it, looked up in Halo and in the last audit's
// snapshot, and the texts that say what a call from it does.

// callerTest looks callers' numbers up for a profile.
type callerTest struct {
	client clientFunc
}

// callerMatch is one contact a call would reach: what to say about it and
// its link in Halo.
type callerMatch struct {
	text, link string
}

// callerResult is what Test a caller shows for one number.
type callerResult struct {
	verdict string
	matches []callerMatch
	missed  string // the contacts Halo's own search missed; "" none
}

// lookup asks Halo for number (off the UI goroutine) and matches snapshot
// (the shown audit's contacts; nil: none) for region.
func (c callerTest) lookup(ctx context.Context, p storage.Profile, snapshot []halo.Contact, number string,
	region contacts.Region) (callerResult, error) {
	cl, err := c.client(ctx, p, nil)
	if err != nil {
		return callerResult{}, err
	}
	l, err := contacts.LookupNumber(ctx, cl, snapshot, number, string(region))
	if err != nil {
		return callerResult{}, err
	}
	return newCallerResult(l, snapshot != nil), nil
}

// newCallerResult describes l; snapshot says whether an audit's contacts
// were matched too.
func newCallerResult(l contacts.Lookup, snapshot bool) callerResult {
	r := callerResult{verdict: verdictText(l, snapshot)}
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
		r.matches = append(r.matches, callerMatch{text: strings.Join(append(parts, how), " · "), link: m.Link})
	}
	if len(l.MissedByHalo) > 0 {
		names := make([]string, len(l.MissedByHalo))
		for i, m := range l.MissedByHalo {
			names[i] = matchName(m)
		}
		r.missed = fmt.Sprintf("Halo's own phone search did not find %s, though the stored number is the same: "+
			"the stored format may defeat 1stream's lookup. Store the number in international form (such as %s) in Halo.",
			strings.Join(names, ", "), l.E164)
	}
	return r
}

// callerFailure says why a lookup failed.
func callerFailure(err error) string {
	text, _ := contactsFailure(err, "lookup")
	return text
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
