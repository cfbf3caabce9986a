package contacts

import (
	"context"
	"strings"

	"github.com/halo-assistant/halo-assistant/halo"
)

// HaloSearch is what is known of how Halo's phone search compares a
// searched number with the stored ones. The values are stable: the
// database and the CLI's JSON carry them.
type HaloSearch string

const (
	// HaloSearchUnknown: not probed, or the probe could not tell (see
	// ProbeOutcome). No search miss is raised.
	HaloSearchUnknown HaloSearch = ""
	// HaloSearchText: Halo matches the stored text. A number stored with
	// separators was found by its stored text but by neither caller-ID
	// form.
	HaloSearchText HaloSearch = "text"
	// HaloSearchNumbers: Halo compares numbers. A number stored with
	// separators was found by a caller-ID form.
	HaloSearchNumbers HaloSearch = "numbers"
)

// ProbeOutcome says what a probe of Halo's phone search observed. The
// values are stable: the database and the CLI's JSON carry them.
type ProbeOutcome string

const (
	ProbeNotRun      ProbeOutcome = ""                    // no probe: Run, or an audit stored before probes existed
	ProbeFound       ProbeOutcome = "found_by_caller_id"  // HaloSearchNumbers
	ProbeMissed      ProbeOutcome = "missed_by_caller_id" // HaloSearchText
	ProbeNoCandidate ProbeOutcome = "no_number_to_probe"  // no active contact holds a number to probe with; nothing was asked
	ProbeNotFound    ProbeOutcome = "not_found"           // not even the stored text found the contact (changed since the pull?)
	ProbeRefused     ProbeOutcome = "search_refused"      // Halo refused the search (403 or its access message)
	ProbeFailed      ProbeOutcome = "search_failed"       // the search failed otherwise (5xx, timeout, bad answer)
)

// SearchProbe is what an audit knows of Halo's phone search: Outcome is
// what its own probe observed; Answer is that probe's answer or, when the
// probe could not tell, the answer an earlier probe gave (Carried).
type SearchProbe struct {
	Answer  HaloSearch
	Outcome ProbeOutcome
}

// Valid reports whether p is a pair an audit can hold: a probe that told
// gives its own answer; one that could not tell leaves the answer unknown
// or keeps an earlier probe's; an audit without a probe knows nothing.
func (p SearchProbe) Valid() bool {
	switch p.Outcome {
	case ProbeFound:
		return p.Answer == HaloSearchNumbers
	case ProbeMissed:
		return p.Answer == HaloSearchText
	case ProbeNotRun:
		return p.Answer == HaloSearchUnknown
	case ProbeNoCandidate, ProbeNotFound, ProbeRefused, ProbeFailed:
		return p.Answer == HaloSearchUnknown || p.Answer == HaloSearchText || p.Answer == HaloSearchNumbers
	}
	return false
}

// Carried reports whether p's answer is an earlier probe's: this audit's
// probe could not tell.
func (p SearchProbe) Carried() bool {
	return p.Answer != HaloSearchUnknown && p.Outcome != ProbeFound && p.Outcome != ProbeMissed
}

// KeepingEarlier is p, or, when p could not tell, p with the answer of
// earlier (the previous audit's). How Halo's search compares numbers is a
// property of the Halo, not of its contacts: an audit after every number
// was fixed has none left to probe with, and must still count a new miss.
func (p SearchProbe) KeepingEarlier(earlier SearchProbe) SearchProbe {
	if p.Answer == HaloSearchUnknown && p.Outcome != ProbeNotRun {
		p.Answer = earlier.Answer
	}
	return p
}

// ProbeSearches is the most searches a probe sends.
const ProbeSearches = 3

// ProbeSearch asks Halo whether its phone search finds a number stored
// with separators when searched by a caller-ID form, with at most
// ProbeSearches searches through c. The probe number is the first own
// number in all (the audit's pull, in Halo's order) of an active contact
// that parses for region, belongs to the region's country, carries no
// extension, and whose caller-ID forms none of the contact's stored
// numbers contains: "020 7946 0500" in GB. Halo is searched for its
// E.164 form, then its national digits: a search that returns the
// contact means Halo compares numbers. When neither does, the stored text
// itself is searched: finding the contact by it means Halo matches the
// stored text; not finding it proves nothing (ProbeNotFound).
//
// Nothing is claimed that was not observed: with no number to probe with
// nothing is asked, and a refused or failed search leaves the answer
// unknown; the audit goes on either way. Only a cancelled or expired ctx
// is returned as an error.
func ProbeSearch(ctx context.Context, c *halo.Client, all []halo.Contact, region string) (SearchProbe, error) {
	region = strings.ToUpper(region)
	u, stored, forms, ok := probeCandidate(all, region)
	if !ok {
		return SearchProbe{Outcome: ProbeNoCandidate}, nil
	}
	for i, q := range append(forms, strings.TrimSpace(stored)) {
		found, err := c.SearchContactsByPhone(ctx, q)
		if err != nil {
			if ctx.Err() != nil {
				return SearchProbe{}, ctx.Err()
			}
			if halo.IsNoAccess(err) {
				return SearchProbe{Outcome: ProbeRefused}, nil
			}
			return SearchProbe{Outcome: ProbeFailed}, nil
		}
		hit := false
		for _, f := range found {
			if f.ID == u.ID {
				hit = true
				break
			}
		}
		switch {
		case hit && i < len(forms):
			return SearchProbe{Answer: HaloSearchNumbers, Outcome: ProbeFound}, nil
		case hit:
			return SearchProbe{Answer: HaloSearchText, Outcome: ProbeMissed}, nil
		}
	}
	return SearchProbe{Outcome: ProbeNotFound}, nil
}

// probeCandidate picks ProbeSearch's number: the contact, the number's
// stored text and its two caller-ID forms.
func probeCandidate(all []halo.Contact, region string) (halo.Contact, string, []string, bool) {
	for _, u := range all {
		if !active(u) {
			continue
		}
		own := ownNumbers(u)
		for _, f := range own {
			raw := strings.TrimSpace(f[1])
			if raw == "" || !plainSeparated(raw) {
				continue
			}
			e, ok := Normalize(raw, region)
			if !ok {
				continue
			}
			forms := callerIDForms(e, region)
			if len(forms) == 2 && newSearchCheck(region).missedByAll(own, e) {
				return u, raw, forms, true
			}
		}
	}
	return halo.Contact{}, "", nil, false
}

// plainSeparated reports whether s is a number written with separators
// only: digits, spaces, "-", ".", "(", ")" and a leading "+", at least one
// separator, no extension and nothing a SQL LIKE pattern would read as a
// wildcard.
func plainSeparated(s string) bool {
	sep := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
		case c == ' ' || c == '-' || c == '.' || c == '(' || c == ')':
			sep = true
		case c == '+' && i == 0:
		default:
			return false
		}
	}
	return sep
}

// Text says what the probe learnt of Halo's phone search, for both
// front-ends: which way Halo compares, or that it could not tell and why.
func (p SearchProbe) Text() string {
	why := map[ProbeOutcome]string{
		ProbeNoCandidate: "no contact holds a number stored with separators to probe with",
		ProbeNotFound:    "the probe's contact was found by neither its caller-ID forms nor its stored text",
		ProbeRefused:     "Halo refused the phone search",
		ProbeFailed:      "the phone search failed",
	}[p.Outcome]
	if p.Carried() {
		way := "matches the stored text"
		if p.Answer == HaloSearchNumbers {
			way = "compares numbers"
		}
		return "Halo's phone search " + way + ", as an earlier audit's probe found (this audit's could not tell: " + why + ")."
	}
	switch p.Answer {
	case HaloSearchText:
		return "Halo's phone search matches the stored text: a number stored with separators was found by its stored text " +
			"but by neither caller-ID form (E.164, national digits)."
	case HaloSearchNumbers:
		return "Halo's phone search compares numbers: a number stored with separators was found by its caller-ID form, " +
			"so no search misses are counted."
	}
	if why == "" {
		why = "not probed"
	}
	return "Not known whether Halo's phone search matches the stored text or compares numbers (" + why +
		"), so no search misses are counted."
}
