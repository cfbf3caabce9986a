package contacts

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/halo-assistant/halo-assistant/halo"
)

// Verdict is what a lookup by Halo's phone search makes of a caller.
type Verdict string

// Verdicts of a lookup, by how many active contacts Halo's phone search
// finds for the number's caller-ID forms.
const (
	VerdictOne     Verdict = "one"     // the search finds this contact: a lookup pops it
	VerdictNone    Verdict = "none"    // an unknown caller
	VerdictSeveral Verdict = "several" // ambiguous: which contact?
)

// Match is one contact a lookup found. Field is the contact's field that
// holds the number (FieldPhone…) and Stored that field's text as stored
// in Halo. FoundAs is the searches (the number's caller-ID forms, or the
// number as typed when it does not parse) whose answer held the contact,
// in the order asked; empty when only the snapshot holds it.
// InHaloSearch is len(FoundAs) > 0. Link opens the contact in Halo.
type Match struct {
	ContactID    int
	Contact      string
	Client       string
	Site         string
	Field        string
	Stored       string
	Link         string
	FoundAs      []string
	InHaloSearch bool
}

// Lookup is the answer for one number. Asked is the searches sent: the
// number's caller-ID forms (CallerIDForms), or the number as typed when
// it does not parse. The verdict counts the active contacts Halo's search
// found (HaloSearchFound), which is what a lookup by Halo's search pops.
// Matches holds those first, then the snapshot's contacts that hold the
// number but that Halo's search missed (MissedByHalo, also listed apart):
// each ordered by contact id.
type Lookup struct {
	Number          string
	E164            string
	Asked           []string
	Verdict         Verdict
	Matches         []Match
	HaloSearchFound int
	MissedByHalo    []Match
}

// ContactLink is the address that opens a contact in Halo's web app.
func ContactLink(inst halo.Instance, id int) string {
	return inst.Base + "/customers?mainview=user&userid=" + strconv.Itoa(id)
}

// LookupNumber asks Halo's phone search (SearchContactsByPhone) for number
// in the forms a caller ID arrives in for region (CallerIDForms: E.164 and
// national digits, never a spaced format), or as typed when it does not
// parse: after the token, two requests for a number of the region's
// country, one otherwise; they run in parallel. snapshot (the last
// audit's contacts; may be nil) is matched by normalised number, to name
// the contacts that hold the number but that Halo's search misses.
func LookupNumber(ctx context.Context, c *halo.Client, snapshot []halo.Contact, number, region string) (Lookup, error) {
	region = string(canonicalRegion(region))
	typed := strings.TrimSpace(number)
	l := Lookup{Number: typed}
	if typed == "" {
		return l, &halo.Error{Kind: halo.KindConfig, Message: "Type the caller's number to look up."}
	}
	if e, ok := Normalize(typed, region); ok {
		l.E164 = e
		l.Asked = callerIDForms(e, region)
	} else {
		l.Asked = []string{typed}
	}

	results := make([][]halo.Contact, len(l.Asked))
	errs := make([]error, len(l.Asked))
	var wg sync.WaitGroup
	for i, q := range l.Asked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = c.SearchContactsByPhone(ctx, q)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return l, err
		}
	}

	inst := c.Instance()
	byID := map[int]*Match{}
	add := func(u halo.Contact) *Match {
		m, ok := byID[u.ID]
		if !ok {
			m = &Match{ContactID: u.ID, Contact: DisplayName(u), Client: u.ClientName, Site: u.SiteName, Link: ContactLink(inst, u.ID)}
			byID[u.ID] = m
		}
		if m.Field == "" {
			m.Field, m.Stored = matchedField(u, l.E164, region, l.Asked)
		}
		return m
	}
	// Halo's answer first: its records are fresher than the snapshot.
	for i, found := range results {
		for _, u := range found {
			if !active(u) {
				continue
			}
			m := add(u)
			if !slices.Contains(m.FoundAs, l.Asked[i]) {
				m.FoundAs = append(m.FoundAs, l.Asked[i])
			}
			m.InHaloSearch = true
		}
	}
	l.HaloSearchFound = len(byID)
	if l.E164 != "" {
		for _, u := range snapshot {
			if active(u) && normalisedField(u, l.E164, region) != "" {
				add(u)
			}
		}
	}

	for _, m := range byID {
		if m.InHaloSearch {
			l.Matches = append(l.Matches, *m)
		} else {
			l.MissedByHalo = append(l.MissedByHalo, *m)
		}
	}
	byContact := func(a, b Match) int { return a.ContactID - b.ContactID }
	slices.SortFunc(l.Matches, byContact)
	slices.SortFunc(l.MissedByHalo, byContact)
	l.Matches = append(l.Matches, l.MissedByHalo...)
	switch l.HaloSearchFound {
	case 0:
		l.Verdict = VerdictNone
	case 1:
		l.Verdict = VerdictOne
	default:
		l.Verdict = VerdictSeveral
	}
	return l, nil
}

// normalisedField is the first of the contact's own fields whose number
// normalises to e164, or "".
func normalisedField(u halo.Contact, e164, region string) string {
	for _, f := range ownNumbers(u) {
		if strings.TrimSpace(f[1]) == "" {
			continue
		}
		if e, ok := Normalize(f[1], region); ok && e == e164 {
			return f[0]
		}
	}
	return ""
}

// matchedField says which field holds the number, and its stored text:
// the first whose text contains a search Halo was asked ("like"), else
// the first holding the same number.
func matchedField(u halo.Contact, e164, region string, asked []string) (field, stored string) {
	own := ownNumbers(u)
	for _, f := range own {
		for _, q := range asked {
			if f[1] != "" && likeFinds(f[1], q) {
				return f[0], f[1]
			}
		}
	}
	if e164 == "" {
		return "", ""
	}
	name := normalisedField(u, e164, region)
	for _, f := range own {
		if f[0] == name {
			return f[0], f[1]
		}
	}
	return "", ""
}
