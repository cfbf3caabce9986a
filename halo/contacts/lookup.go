package contacts

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"

	"github.com/halo-assistant/halo-assistant/halo"
)

// Verdict is what a call from a number does in 1stream.
type Verdict string

// Verdicts of a lookup, by how many active contacts hold the number.
const (
	VerdictOne     Verdict = "one"     // the call pops this contact
	VerdictNone    Verdict = "none"    // an unknown caller
	VerdictSeveral Verdict = "several" // ambiguous: which contact?
)

// Match is one contact a lookup found. Field is the contact's field that
// holds the number (FieldPhone…). InHaloSearch says whether Halo's own
// phone search returned the contact; Link opens it in Halo.
type Match struct {
	ContactID    int
	Contact      string
	Client       string
	Site         string
	Field        string
	Link         string
	InHaloSearch bool
}

// Lookup is the answer for one number. HaloSearchFound is how many active
// contacts Halo's phone search returned (over every form asked).
// MissedByHalo lists the matches only the snapshot found: the stored
// format may defeat 1stream's lookup.
type Lookup struct {
	Number          string
	E164            string
	Verdict         Verdict
	Matches         []Match
	HaloSearchFound int
	MissedByHalo    []Match
}

// ContactLink is the address that opens a contact in Halo's web app.
func ContactLink(inst halo.Instance, id int) string {
	return inst.Base + "/customers?mainview=user&userid=" + strconv.Itoa(id)
}

// LookupNumber looks a caller's number up the way a phone system does:
// Halo's phone search (SearchContactsByPhone) with the number as typed,
// then in national and in E.164 form, each asked only when it differs
// from the forms before it. After the token that is one request for a
// number Halo would get as typed, and at most three; they run in
// parallel. snapshot (the last audit's contacts; may be nil) is matched
// by normalised number for region. The verdict counts the distinct active
// contacts found either way.
func LookupNumber(ctx context.Context, c *halo.Client, snapshot []halo.Contact, number, region string) (Lookup, error) {
	region = string(canonicalRegion(region))
	typed := strings.TrimSpace(number)
	l := Lookup{Number: typed}
	if typed == "" {
		return l, &halo.Error{Kind: halo.KindConfig, Message: "Type the caller's number to look up."}
	}
	queries := []string{typed}
	if e, ok := Normalize(typed, region); ok {
		l.E164 = e
		for _, q := range []string{nationalNoExt(typed, region), e} {
			if q != "" && !slices.Contains(queries, q) {
				queries = append(queries, q)
			}
		}
	}

	results := make([][]halo.Contact, len(queries))
	errs := make([]error, len(queries))
	var wg sync.WaitGroup
	for i, q := range queries {
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
	add := func(u halo.Contact, field string, inHalo bool) {
		m, ok := byID[u.ID]
		if !ok {
			m = &Match{ContactID: u.ID, Contact: DisplayName(u), Client: u.ClientName, Site: u.SiteName, Field: field, Link: ContactLink(inst, u.ID)}
			byID[u.ID] = m
		}
		if inHalo {
			m.InHaloSearch = true
		}
		if m.Field == "" {
			m.Field = field
		}
	}
	// Halo's answer first: its records are fresher than the snapshot.
	for _, found := range results {
		for _, u := range found {
			if active(u) {
				add(u, matchedField(u, l.E164, region, queries), true)
			}
		}
	}
	l.HaloSearchFound = len(byID)
	if l.E164 != "" {
		for _, u := range snapshot {
			if !active(u) {
				continue
			}
			if f := normalisedField(u, l.E164, region); f != "" {
				add(u, f, false)
			}
		}
	}

	for _, m := range byID {
		l.Matches = append(l.Matches, *m)
	}
	slices.SortFunc(l.Matches, func(a, b Match) int { return a.ContactID - b.ContactID })
	for _, m := range l.Matches {
		if !m.InHaloSearch {
			l.MissedByHalo = append(l.MissedByHalo, m)
		}
	}
	switch len(l.Matches) {
	case 0:
		l.Verdict = VerdictNone
	case 1:
		l.Verdict = VerdictOne
	default:
		l.Verdict = VerdictSeveral
	}
	return l, nil
}

// nationalNoExt is number's national form for region without any
// extension: caller ID carries none.
func nationalNoExt(number, region string) string {
	n, err := phonenumbers.Parse(number, region)
	if err != nil {
		return ""
	}
	n.Extension = nil
	return phonenumbers.Format(n, phonenumbers.NATIONAL)
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

// matchedField says which field Halo's search matched: the one holding the
// same number, else the first whose text contains a query ("like").
func matchedField(u halo.Contact, e164, region string, queries []string) string {
	if e164 != "" {
		if f := normalisedField(u, e164, region); f != "" {
			return f
		}
	}
	for _, f := range ownNumbers(u) {
		for _, q := range queries {
			if f[1] != "" && strings.Contains(strings.ToLower(f[1]), strings.ToLower(q)) {
				return f[0]
			}
		}
	}
	return ""
}
