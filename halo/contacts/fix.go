package contacts

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/halo-assistant/halo-assistant/halo"
)

// Fixing numbers: a plan rewrites every parseable own number of every
// active contact that is not stored in the target format into it, so the
// forms a caller ID arrives in find it by Halo's text search. Nothing here
// talks to Halo; storage runs a plan through halo.UpdateContacts.

// Format is the form numbers are rewritten to.
type Format string

// The target formats: E.164 ("+441134960107") by default, or the region's
// national digits without spaces ("01134960107") as a per-profile choice.
// A number of another country than the region is always written in E.164:
// that is how a call from abroad arrives.
const (
	FormatE164     Format = "e164"
	FormatNational Format = "national"
)

// ParseFormat reads a format name ("" is E.164).
func ParseFormat(s string) (Format, error) {
	switch Format(strings.ToLower(strings.TrimSpace(s))) {
	case "", FormatE164:
		return FormatE164, nil
	case FormatNational:
		return FormatNational, nil
	}
	return "", fmt.Errorf("%q is not a number format: use e164 or national", s)
}

// extSuffix is how a kept extension is written after the number.
const extSuffix = " ext. "

// Rewrite is the app's one rule for a stored number: its form in f for
// region, an extension kept as " ext. N". ok is false when the number does
// not parse (Normalize), or when its text holds more than one number, an
// extension and separators (a second number, a note), which a rewrite
// would lose: such a number is left as it is. A number already in the
// target form rewrites to itself.
func Rewrite(stored, region string, f Format) (string, bool) {
	s := strings.TrimSpace(stored)
	region = strings.ToUpper(region)
	e164, ok := Normalize(s, region)
	if !ok {
		return "", false
	}
	head, ext := s, ""
	if h, x, ok := plainExtension(s); ok {
		// "0113 496 0107 ext. 7": the plain case Normalize's fast path
		// reads the same way (TestRewriteMatchesLibrary holds them equal).
		head, ext = h, x
	} else if !plainNumber(s) {
		// Letters or marks: only the library knows an extension's forms.
		n, err := phonenumbers.Parse(s, region)
		if err != nil {
			return "", false
		}
		ext = n.GetExtension()
		n.Extension = nil
		if phonenumbers.Format(n, phonenumbers.E164) != e164 {
			return "", false
		}
		if head, ok = cutExtensionText(s, ext); !ok {
			return "", false
		}
	}
	cc, nsn, ok := splitE164(e164, region)
	if !ok || !lossless(digitsOf(head), cc, nsn, region) {
		return "", false
	}
	out := e164
	if f == FormatNational && cc == strconv.Itoa(phonenumbers.GetCountryCodeForRegion(region)) {
		// The caller-ID form: one definition (callerid.go).
		if out = nationalDigits(e164, region); out == "" {
			return "", false
		}
	}
	if ext != "" {
		out += extSuffix + ext
	}
	// The new text must read back as the same number and extension.
	if back, ok := Normalize(out, region); !ok || back != e164 {
		return "", false
	}
	return out, true
}

// plainNumber reports text of digits and the separators people type
// between them, with no extension marker or letter.
func plainNumber(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9', c == ' ', c == '-', c == '.', c == '(', c == ')', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}

// plainExtension splits "<plain number> ext. 7" (or "x7", "#7") into the
// number and the extension's digits; ok is false for anything else.
func plainExtension(s string) (head, ext string, ok bool) {
	l := strings.ToLower(s)
	i, n := strings.LastIndex(l, "ext"), 3
	if i < 0 {
		if i = strings.LastIndexAny(l, "x#"); i < 0 {
			return "", "", false
		}
		n = 1
	}
	tail := strings.TrimLeft(l[i+n:], ". ")
	if tail == "" || len(tail) > 7 || strings.Trim(tail, "0123456789") != "" {
		return "", "", false
	}
	head = strings.TrimRight(s[:i], " ,")
	if head == "" || !plainNumber(head) {
		return "", "", false
	}
	return head, tail, true
}

// extMarkers are the marks before an extension that a rewrite may replace
// by " ext. ": what people type, lower case, without trailing ".: =".
var extMarkers = []string{"extension", "extn", "ext", "x", "#", ";ext"}

// cutExtensionText returns the number's text without its extension ext
// and the mark before it; ok is false when the text holds anything else.
func cutExtensionText(s, ext string) (string, bool) {
	if ext == "" {
		return s, plainNumber(s)
	}
	rest, found := strings.CutSuffix(s, ext)
	if !found {
		return "", false
	}
	l := strings.TrimRight(strings.ToLower(rest), " .:=")
	for _, m := range extMarkers {
		if h, ok := strings.CutSuffix(l, m); ok {
			h = strings.TrimRight(h, " ,")
			return rest[:len(h)], h != "" && plainNumber(rest[:len(h)])
		}
	}
	return "", false
}

// splitE164 splits "+441134960107" into its country code and national
// significant number.
func splitE164(e164, region string) (cc, nsn string, ok bool) {
	if own := strconv.Itoa(phonenumbers.GetCountryCodeForRegion(region)); own != "0" && strings.HasPrefix(e164, "+"+own) {
		return own, e164[1+len(own):], true
	}
	n, err := phonenumbers.Parse(e164, "")
	if err != nil {
		return "", "", false
	}
	return strconv.Itoa(int(n.GetCountryCode())), phonenumbers.GetNationalSignificantNumber(n), true
}

// lossless reports whether digits are the number nsn with nothing but a
// dialling prefix before it: none, the trunk prefix, the country code
// (after "+" or an international access code), or the country code and a
// bracketed trunk prefix ("+44 (0)20 …"). Anything else (a second number,
// digits of a note) is not the number alone.
func lossless(digits, cc, nsn, region string) bool {
	prefix, ok := strings.CutSuffix(digits, nsn)
	if !ok {
		return false
	}
	ndd := phonenumbers.GetNddPrefixForRegion(region, true)
	idds := []string{"", "00", "011"}
	if idd, ok := fastRegions[region]; ok {
		idds = append(idds, idd)
	}
	if prefix == "" || (ndd != "" && prefix == ndd) {
		return true
	}
	for _, idd := range idds {
		for _, tail := range []string{"", "0", ndd} {
			if prefix == idd+cc+tail {
				return true
			}
		}
	}
	return false
}

// Change is one field of one contact in a plan or an edit, with the
// contact's name and customer for showing it.
type Change struct {
	ContactID int
	Contact   string
	Client    string
	Field     halo.ContactField
	Old, New  string
}

// Write is the change as halo.UpdateContacts takes it.
func (c Change) Write() halo.ContactChange {
	return halo.ContactChange{ContactID: c.ContactID, Field: c.Field, Old: c.Old, New: c.New}
}

// Writes converts changes for halo.NewContactWrite.
func Writes(changes []Change) []halo.ContactChange {
	out := make([]halo.ContactChange, len(changes))
	for i, c := range changes {
		out[i] = c.Write()
	}
	return out
}

// Confirm is the user's go-ahead for changes (a plan without the rows
// opted out, an edit): seen is the number of changes the confirmation
// showed, which must be len(changes) (halo.ContactWrite.Confirm).
func Confirm(changes []Change, seen int) (*halo.ConfirmedWrite, error) {
	w, err := halo.NewContactWrite(Writes(changes))
	if err != nil {
		return nil, err
	}
	return w.Confirm(seen)
}

// FixPlan is what a fix would change. Active counts the active contacts
// examined and Numbers their filled own numbers; of those, InFormat are
// stored in the target format already, Unparseable do not parse (Edit
// fixes them) and Kept parse but hold more than the number and an
// extension, so they are left as they are. Contacts is how many contacts
// have a change.
type FixPlan struct {
	Region      string
	Format      Format
	Active      int
	Numbers     int
	InFormat    int
	Unparseable int
	Kept        int
	Contacts    int
	Changes     []Change
}

// PlanFix plans the rewrite of contacts' own numbers into f for region:
// one change per number of an active contact that parses and is not
// stored in its Rewrite. Changes come by contact id, then in field order
// (phone, home, mobile, mobile 2), so the same contacts always give the
// same plan.
func PlanFix(all []halo.Contact, region string, f Format) FixPlan {
	p := FixPlan{Region: strings.ToUpper(region), Format: f}
	if p.Format == "" {
		p.Format = FormatE164
	}
	for _, c := range all {
		if !active(c) {
			continue
		}
		p.Active++
		changed := false
		for _, field := range halo.NumberFields {
			old := field.Of(c)
			if strings.TrimSpace(old) == "" {
				continue
			}
			p.Numbers++
			nw, ok := Rewrite(old, p.Region, p.Format)
			switch {
			case ok && nw == old:
				p.InFormat++
			case ok:
				p.Changes = append(p.Changes, Change{ContactID: c.ID, Contact: DisplayName(c), Client: c.ClientName,
					Field: field, Old: old, New: nw})
				changed = true
			case isParseable(old, p.Region):
				p.Kept++
			default:
				p.Unparseable++
			}
		}
		if changed {
			p.Contacts++
		}
	}
	SortChanges(p.Changes)
	return p
}

func isParseable(s, region string) bool {
	_, ok := Normalize(s, region)
	return ok
}

// fieldOrder ranks the writable fields as Halo lists them.
func fieldOrder(f halo.ContactField) int {
	return slices.Index(halo.WritableContactFields, f)
}

// SortChanges orders changes by contact id, then field.
func SortChanges(ch []Change) {
	slices.SortStableFunc(ch, func(a, b Change) int {
		return cmp.Or(cmp.Compare(a.ContactID, b.ContactID), cmp.Compare(fieldOrder(a.Field), fieldOrder(b.Field)))
	})
}

// Edit is what the Edit… form holds for one contact: its names and its
// four own numbers (phone, home, mobile, mobile 2).
type Edit struct {
	FirstName, Surname string
	Numbers            [4]string
}

// EditOf is the form filled from a contact as stored.
func EditOf(c halo.Contact) Edit {
	var e Edit
	e.FirstName, e.Surname = c.FirstName, c.Surname
	for i, f := range halo.NumberFields {
		e.Numbers[i] = f.Of(c)
	}
	return e
}

// NumberCheck is one number of an edit as the form shows it live: E164 is
// the number as a caller ID would carry it, empty when Blank or when it
// does not parse (Parses false: the form warns).
type NumberCheck struct {
	Field  halo.ContactField
	Value  string
	E164   string
	Parses bool
	Blank  bool
}

// CheckNumbers reads the edit's four numbers for region.
func CheckNumbers(e Edit, region string) [4]NumberCheck {
	var out [4]NumberCheck
	for i, f := range halo.NumberFields {
		v := strings.TrimSpace(e.Numbers[i])
		out[i] = NumberCheck{Field: f, Value: v, Blank: v == ""}
		if v != "" {
			out[i].E164, out[i].Parses = Normalize(v, region)
		}
	}
	return out
}

// EditChanges turns an edit of current into changes: one per field whose
// text (trimmed) differs from what current holds, the new text trimmed.
// The checks say, per number, what it parses to. A number that does not
// parse is still a change: the form warns, the admin decides.
func EditChanges(current halo.Contact, e Edit, region string) ([]Change, [4]NumberCheck) {
	checks := CheckNumbers(e, region)
	var out []Change
	add := func(f halo.ContactField, nw string) {
		old := f.Of(current)
		if nw = strings.TrimSpace(nw); nw != strings.TrimSpace(old) {
			out = append(out, Change{ContactID: current.ID, Contact: DisplayName(current), Client: current.ClientName,
				Field: f, Old: old, New: nw})
		}
	}
	for i, f := range halo.NumberFields {
		add(f, e.Numbers[i])
	}
	add(halo.ContactFirstName, e.FirstName)
	add(halo.ContactSurname, e.Surname)
	SortChanges(out)
	return out, checks
}
