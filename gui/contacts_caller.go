package gui

import (
	"context"
	"fmt"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/storage"
)

// The Contacts screen's "Test a caller" without widgets: a number in the
// forms a caller ID arrives in, looked up with Halo's phone search and in
// the last audit's snapshot, and the texts that say what Halo's search
// finds. How 1stream itself compares numbers is not published: nothing
// here claims it.

// callerTest looks callers' numbers up for a profile.
type callerTest struct {
	client clientFunc
}

// callerMatch is one contact that holds the number: what to say about it,
// its link in Halo, and whether Halo's search missed it (then Edit… fixes
// its stored number).
type callerMatch struct {
	text, link string
	contactID  int
	missed     bool
}

// callerResult is what Test a caller shows for one number.
type callerResult struct {
	verdict string
	asked   string // the searches Halo was asked
	matches []callerMatch
	missed  string // what to do about the contacts Halo's search missed; "" none
}

// lookup asks Halo for number (off the UI goroutine) and matches snapshot
// (the shown audit's contacts; nil: none) for region. A missed contact's
// fix is its number in the profile's fix format.
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
	format, _ := contacts.ParseFormat(p.FixFormat)
	return newCallerResult(l, snapshot != nil, string(region), format), nil
}

// newCallerResult describes l; snapshot says whether an audit's contacts
// were matched too. A contact Halo's search missed comes with its fix:
// its stored number rewritten to format for region.
func newCallerResult(l contacts.Lookup, snapshot bool, region string, format contacts.Format) callerResult {
	r := callerResult{verdict: verdictText(l, snapshot), asked: askedText(l, region)}
	for _, m := range l.Matches {
		parts := []string{matchName(m)}
		for _, p := range []string{m.Client, m.Site} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		stored := fmt.Sprintf("%s %q", fieldName(m.Field), m.Stored)
		if m.InHaloSearch {
			parts = append(parts, stored, "found as "+strings.Join(m.FoundAs, " and "))
		} else {
			parts = append([]string{"Halo's search misses this contact"}, append(parts, "stored as "+stored,
				"fix: store it as "+fixedNumber(m.Stored, l.E164, region, format))...)
		}
		r.matches = append(r.matches, callerMatch{text: strings.Join(parts, " · "), link: m.Link, contactID: m.ContactID, missed: !m.InHaloSearch})
	}
	if n := len(l.MissedByHalo); n > 0 {
		r.missed = fmt.Sprintf("Halo's phone search misses %s that the last audit holds with this number: their stored text "+
			"holds neither caller-ID form. Fix numbers in Halo… rewrites every such number; Edit… fixes one contact.",
			halo.CountOf(n, "contact", "contacts"))
	}
	return r
}

// fixedNumber is what a stored number becomes in format (contacts.Rewrite),
// else its E.164 form.
func fixedNumber(stored, e164, region string, format contacts.Format) string {
	if s, ok := contacts.Rewrite(stored, region, format); ok {
		return s
	}
	return e164
}

// askedText names the searches Halo was asked.
func askedText(l contacts.Lookup, region string) string {
	if len(l.Asked) == 0 {
		return ""
	}
	asked := "Asked Halo's phone search for " + strings.Join(l.Asked, " and ")
	if l.E164 == "" {
		return asked + " (the number as typed: it is no number for region " + strings.ToUpper(region) + ")."
	}
	return asked + ": the forms a caller ID arrives in (E.164 and national digits)."
}

// callerFailure says why a lookup failed.
func callerFailure(err error) string {
	text, _ := contactsFailure(err, "lookup")
	return text
}

// verdictText counts the contacts Halo's phone search finds for the
// number: what a lookup by Halo's search pops.
func verdictText(l contacts.Lookup, snapshot bool) string {
	var text string
	found := l.Matches[:l.HaloSearchFound]
	switch l.Verdict {
	case contacts.VerdictOne:
		text = "One contact: Halo's phone search finds " + matchName(found[0]) + " for a call from " + l.Number + "."
	case contacts.VerdictSeveral:
		names := make([]string, len(found))
		for i, m := range found {
			names[i] = matchName(m)
		}
		text = fmt.Sprintf("Several contacts: Halo's phone search finds %s for a call from %s, so which one calls is ambiguous.",
			strings.Join(names, ", "), l.Number)
	default:
		text = "No contact: Halo's phone search finds none for a call from " + l.Number + ", so it shows as an unknown caller."
	}
	if !snapshot {
		text += " (Only Halo's search was asked: audit the contacts to find those it misses too.)"
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
