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

// problemOrder is the order findings are listed in.
var problemOrder = map[Problem]int{SearchMiss: 0, MissingName: 1, NoPhone: 2, SharedNumber: 3, Unparseable: 4}

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
	a := Audit{Region: strings.ToUpper(region), At: at, HaloSearch: search, Contacts: len(all)}
	byNumber := make(map[string][]holder, len(all))
	var unparseable []Finding
	text := search == HaloSearchText
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
			if text && missedByAll(own, e, a.Region) {
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
			fd := finding(MissingName, c)
			fd.Numbers = filled
			a.Findings = append(a.Findings, fd)
		}
		if len(filled) == 0 {
			a.Findings = append(a.Findings, finding(NoPhone, c))
		}
		if len(bad) > 0 {
			fd := finding(Unparseable, c)
			fd.Numbers = bad
			unparseable = append(unparseable, fd)
		}
		if len(missed) > 0 {
			fd := finding(SearchMiss, c)
			fd.Numbers = missed
			a.Findings = append(a.Findings, fd)
		}
	}
	for e, hs := range byNumber {
		if len(hs) < 2 {
			continue
		}
		a.SharedNumbers++
		for _, h := range hs {
			fd := finding(SharedNumber, all[h.contact])
			fd.Number, fd.Numbers = e, h.stored
			a.Findings = append(a.Findings, fd)
		}
	}
	a.Findings = append(a.Findings, unparseable...)
	for _, f := range a.Findings {
		switch f.Problem {
		case SearchMiss:
			a.SearchMiss++
		case MissingName:
			a.MissingName++
		case NoPhone:
			a.NoPhone++
		case Unparseable:
			a.Unparseable++
		}
	}
	slices.SortStableFunc(a.Findings, compareFindings)
	return a
}

// missedByAll reports whether Halo's text search for either caller-ID
// form of e164 misses all of a contact's own numbers.
func missedByAll(own [4][2]string, e164, region string) bool {
	for _, f := range own {
		if f[1] != "" && !missedByForms(f[1], e164, region) {
			return false
		}
	}
	return true
}

func compareFindings(x, y Finding) int {
	return cmp.Or(
		cmp.Compare(problemOrder[x.Problem], problemOrder[y.Problem]),
		cmp.Compare(x.Number, y.Number),
		cmp.Compare(x.ContactID, y.ContactID),
	)
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
