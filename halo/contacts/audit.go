package contacts

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
)

// Problem is what stands in the way of a screen pop for one contact.
type Problem string

// The problems an audit reports. The values are stable: the CLI's JSON
// and CSV carry them.
const (
	// SearchMiss: an own number that parses, whose caller-ID forms
	// (CallerIDForms) none of the contact's stored numbers contains, so
	// Halo's phone search, matching the stored text, misses the contact
	// for a call from it. Raised only when a probe showed that Halo's
	// search matches the stored text (HaloSearchText).
	SearchMiss   Problem = "search_miss"
	MissingName  Problem = "missing_name"  // no first name or no surname (1stream's advice)
	NoPhone      Problem = "no_phone"      // none of the contact's four numbers filled
	SharedNumber Problem = "shared_number" // a number two or more active contacts hold
	Unparseable  Problem = "unparseable"   // a filled number that is no possible number for the region
)

// problemList is the order findings are listed in.
var problemList = [...]Problem{SearchMiss, MissingName, NoPhone, SharedNumber, Unparseable}

const problemCount = len(problemList)

// problemOrder is each problem's place in problemList.
var problemOrder = func() map[Problem]int {
	m := make(map[Problem]int, problemCount)
	for i, p := range problemList {
		m[p] = i
	}
	return m
}()

// Finding is one problem of one contact. Numbers are the contact's numbers
// involved, as stored in Halo: for MissingName all its own numbers (what
// a call from it would pop), for Unparseable the ones that fail, for
// SearchMiss the ones Halo's search misses, for SharedNumber the forms of
// the shared number, none for NoPhone. For
// SharedNumber, Number is the shared number in E.164, which groups the
// contacts that hold it.
type Finding struct {
	Problem   Problem
	ContactID int
	Contact   string
	Client    string
	Site      string
	Numbers   []string
	Number    string
}

// Audit is the result of one audit of a profile's contacts. Contacts is
// every record audited, Active those that count (not inactive, not service
// accounts). SearchMiss, MissingName, NoPhone and Unparseable count
// contacts; SharedNumbers counts numbers, not the contacts holding them.
// HaloSearch is what the audit knew of Halo's phone search: SearchMiss is
// judged only when it is HaloSearchText.
type Audit struct {
	Region        string
	At            time.Time
	HaloSearch    HaloSearch
	Contacts      int
	Active        int
	SearchMiss    int
	MissingName   int
	NoPhone       int
	SharedNumbers int
	Unparseable   int
	Findings      []Finding
}

// Field names of a contact's own numbers, in Halo's words. The site's
// number (sitephonenumber) is not the contact's own and never counts.
const (
	FieldPhone   = "phonenumber"
	FieldHome    = "homenumber"
	FieldMobile  = "mobilenumber"
	FieldMobile2 = "mobilenumber2"
)

// ownNumbers is the contact's four numbers with their field names, blank
// ones included (callers skip them).
func ownNumbers(c halo.Contact) [4][2]string {
	return [4][2]string{
		{FieldPhone, c.PhoneNumber}, {FieldHome, c.HomeNumber},
		{FieldMobile, c.MobileNumber}, {FieldMobile2, c.MobileNumber2},
	}
}

// active reports whether a contact counts: 1stream pops neither inactive
// contacts nor service accounts.
func active(c halo.Contact) bool { return !c.Inactive && !c.IsServiceAccount }

// DisplayName is how a contact is named in findings: Halo's name, else
// first name and surname.
func DisplayName(c halo.Contact) string {
	if n := strings.TrimSpace(c.Name); n != "" {
		return n
	}
	return strings.TrimSpace(strings.TrimSpace(c.FirstName) + " " + strings.TrimSpace(c.Surname))
}

func finding(p Problem, c halo.Contact) Finding {
	return Finding{Problem: p, ContactID: c.ID, Contact: DisplayName(c), Client: c.ClientName, Site: c.SiteName}
}

// holder is one contact's claim on a normalised number.
type holder struct {
	contact int      // index into all
	stored  []string // the stored forms that normalise to the number
}

// Run audits contacts for region at time at without knowing how Halo's
// phone search compares numbers: RunWith(all, region, at,
// HaloSearchUnknown), so no SearchMiss is raised.
func Run(all []halo.Contact, region string, at time.Time) Audit {
	return RunWith(all, region, at, HaloSearchUnknown)
}

// RunWith audits contacts for region (e.g. "GB"; check it with
// ValidRegion: with an unknown region only numbers in international form
// parse) at time at, given what a probe (ProbeSearch) learnt of Halo's
// phone search. Only active contacts are judged; a number two fields of
// one contact hold is not shared, and not missed when one of them holds
// it in a form a caller ID is found by. Findings come ordered by problem
// (SearchMiss first), then (shared numbers) by number, then by contact id.
func RunWith(all []halo.Contact, region string, at time.Time, search HaloSearch) Audit {
	a := Audit{Region: string(canonicalRegion(region)), At: at, HaloSearch: search, Contacts: len(all)}
	byNumber := make(map[string][]holder, len(all))
	// One list per problem, each in the input's order: usually sorted
	// already, so sorting costs a check; the findings are made once, at
	// the end, from these small records.
	var by [problemCount][]pending
	add := func(p Problem, contact int, numbers []string, number string) {
		by[problemOrder[p]] = append(by[problemOrder[p]], pending{int32(contact), numbers, number})
	}
	text := search == HaloSearchText
	check := newSearchCheck(a.Region)
	for i, c := range all {
		if !active(c) {
			continue
		}
		a.Active++
		own := ownNumbers(c)
		var filled, bad, missed []string
		for _, f := range own {
			raw := strings.TrimSpace(f[1])
			if raw == "" {
				continue
			}
			filled = append(filled, f[1])
			e, ok := Normalize(raw, a.Region)
			if !ok {
				bad = append(bad, f[1])
				continue
			}
			if text && check.missedByAll(own, e) {
				missed = append(missed, f[1])
			}
			hs := byNumber[e]
			if n := len(hs); n > 0 && hs[n-1].contact == i {
				hs[n-1].stored = append(hs[n-1].stored, f[1])
				continue
			}
			byNumber[e] = append(hs, holder{contact: i, stored: []string{f[1]}})
		}
		if strings.TrimSpace(c.FirstName) == "" || strings.TrimSpace(c.Surname) == "" {
			add(MissingName, i, filled, "")
		}
		if len(filled) == 0 {
			add(NoPhone, i, nil, "")
		}
		if len(bad) > 0 {
			add(Unparseable, i, bad, "")
		}
		if len(missed) > 0 {
			add(SearchMiss, i, missed, "")
		}
	}
	for e, hs := range byNumber {
		if len(hs) < 2 {
			continue
		}
		a.SharedNumbers++
		for _, h := range hs {
			add(SharedNumber, h.contact, h.stored, e)
		}
	}
	a.SearchMiss, a.MissingName = len(by[problemOrder[SearchMiss]]), len(by[problemOrder[MissingName]])
	a.NoPhone, a.Unparseable = len(by[problemOrder[NoPhone]]), len(by[problemOrder[Unparseable]])
	cmpPending := func(x, y pending) int {
		return cmp.Or(cmp.Compare(x.number, y.number), cmp.Compare(all[x.contact].ID, all[y.contact].ID))
	}
	n := 0
	for _, ps := range by {
		if !slices.IsSortedFunc(ps, cmpPending) {
			slices.SortStableFunc(ps, cmpPending)
		}
		n += len(ps)
	}
	if n > 0 {
		a.Findings = make([]Finding, 0, n)
	}
	for k, ps := range by {
		p := problemList[k]
		for _, q := range ps {
			fd := finding(p, all[q.contact])
			fd.Numbers, fd.Number = q.numbers, q.number
			a.Findings = append(a.Findings, fd)
		}
	}
	return a
}

// pending is a finding before it is made: the contact's index in the
// audited slice, its numbers and (SharedNumber) the number.
type pending struct {
	contact int32
	numbers []string
	number  string
}

// missedByAll reports whether Halo's text search for either caller-ID
// form of e164 misses all of a contact's own numbers.
func (sc searchCheck) missedByAll(own [4][2]string, e164 string) bool {
	for _, f := range own {
		if f[1] != "" && !sc.missed(f[1], e164) {
			return false
		}
	}
	return true
}

// key identifies a finding across audits: the problem, the contact and,
// for a shared number, the number.
func (f Finding) key() string {
	return string(f.Problem) + "|" + strconv.Itoa(f.ContactID) + "|" + f.Number
}

// Diff says what changed from the previous audit to the current one:
// findings of prev that are gone (fixed) and findings of cur that are new
// (added), each in the audits' order. A contact whose shared number
// changed shows as one fixed and one added.
func Diff(prev, cur Audit) (fixed, added []Finding) {
	before := make(map[string]bool, len(prev.Findings))
	for _, f := range prev.Findings {
		before[f.key()] = true
	}
	now := make(map[string]bool, len(cur.Findings))
	for _, f := range cur.Findings {
		now[f.key()] = true
		if !before[f.key()] {
			added = append(added, f)
		}
	}
	for _, f := range prev.Findings {
		if !now[f.key()] {
			fixed = append(fixed, f)
		}
	}
	return fixed, added
}
