package contacts_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
	"github.com/halo-assistant/halo-assistant/halo/mapping"
)

func TestRewrite(t *testing.T) {
	for _, c := range []struct {
		stored, e164, national string // "" = left alone
	}{
		{"0113 496 0107", "+441134960107", "01134960107"},
		{"+44 113 496 0107", "+441134960107", "01134960107"},
		{"(0113) 496-0107", "+441134960107", "01134960107"},
		{"0044 113 496 0107", "+441134960107", "01134960107"},
		{"+44 (0)113 496 0107", "+441134960107", "01134960107"},
		{"  01134960107 ", "+441134960107", "01134960107"},
		{"+441134960107", "+441134960107", "01134960107"},
		{"0113 496 0107 ext. 07", "+441134960107 ext. 07", "01134960107 ext. 07"},
		{"0113 496 0107 x12", "+441134960107 ext. 12", "01134960107 ext. 12"},
		{"0113 496 0107 extension 7", "+441134960107 ext. 7", "01134960107 ext. 7"},
		{"07700 900555", "+447700900555", "07700900555"},
		// Another country: E.164 in either format.
		{"+33 1 23 45 67 89", "+33123456789", "+33123456789"},
		// Left alone: no number, not possible, two numbers, a note.
		{"TBC", "", ""},
		{"2045", "", ""},
		{"ext 204", "", ""},
		{"020 7946 0500; 07700 900123", "", ""},
		{"0113 496 0107 / 0113 496 0108", "", ""},
		{"0113 496 0107 (reception)", "", ""},
		{"", "", ""},
	} {
		for _, f := range []struct {
			format contacts.Format
			want   string
		}{{contacts.FormatE164, c.e164}, {contacts.FormatNational, c.national}} {
			got, ok := contacts.Rewrite(c.stored, "GB", f.format)
			if ok != (f.want != "") || got != f.want {
				t.Errorf("Rewrite(%q, %s) = %q, %v; want %q", c.stored, f.format, got, ok, f.want)
				continue
			}
			if !ok {
				continue
			}
			// A fixed point, and the same number and extension as before.
			if again, ok := contacts.Rewrite(got, "GB", f.format); !ok || again != got {
				t.Errorf("Rewrite(%q) = %q, not a fixed point", got, again)
			}
			a, _ := phonenumbers.Parse(c.stored, "GB")
			b, _ := phonenumbers.Parse(got, "GB")
			if a.GetNationalNumber() != b.GetNationalNumber() || a.GetExtension() != b.GetExtension() || a.GetCountryCode() != b.GetCountryCode() {
				t.Errorf("%q → %q is another number", c.stored, got)
			}
		}
	}
	// National digits of the plain plans match the library's national form.
	for _, c := range []struct{ number, region string }{{"+12025550123", "US"}, {"+16135550123", "CA"}, {"+35312345678", "IE"}, {"+61291234567", "AU"}} {
		got, ok := contacts.Rewrite(c.number, c.region, contacts.FormatNational)
		n, _ := phonenumbers.Parse(c.number, c.region)
		want := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, phonenumbers.Format(n, phonenumbers.NATIONAL))
		if !ok || got != want {
			t.Errorf("national %s in %s = %q, want %q", c.number, c.region, got, want)
		}
	}
}

func TestPlanFixDemo(t *testing.T) {
	all := demoContacts(t)
	p := contacts.PlanFix(all, "gb", "")
	if p.Format != contacts.FormatE164 || p.Region != "GB" || p.Active != halotest.DemoActive {
		t.Fatalf("plan header %+v", p)
	}
	if len(p.Changes) == 0 || p.Numbers != len(p.Changes)+p.InFormat+p.Unparseable+p.Kept {
		t.Fatalf("counts: %d changes, %d numbers, %d in format, %d unparseable, %d kept", len(p.Changes), p.Numbers, p.InFormat, p.Unparseable, p.Kept)
	}
	if len(p.Changes) != halotest.DemoFixChanges || p.Contacts != halotest.DemoFixContacts {
		t.Fatalf("%d changes of %d contacts; halotest says %d of %d", len(p.Changes), p.Contacts, halotest.DemoFixChanges, halotest.DemoFixContacts)
	}
	if p.Unparseable != halotest.DemoUnparseable {
		t.Fatalf("%d unparseable, the demo has %d", p.Unparseable, halotest.DemoUnparseable)
	}
	contactsIn := map[int]bool{}
	for i, c := range p.Changes {
		contactsIn[c.ContactID] = true
		if !c.Field.IsNumber() || c.New == c.Old || c.ContactID <= 0 || c.Contact == "" {
			t.Fatalf("change %+v", c)
		}
		if i > 0 && p.Changes[i-1].ContactID > c.ContactID {
			t.Fatal("changes not ordered by contact")
		}
	}
	if p.Contacts != len(contactsIn) {
		t.Fatalf("%d contacts counted, %d with changes", p.Contacts, len(contactsIn))
	}
	// Deterministic whatever the order of the pull.
	rev := append([]halo.Contact(nil), all...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if q := contacts.PlanFix(rev, "GB", contacts.FormatE164); !reflect.DeepEqual(q, p) {
		t.Fatal("the plan depends on the order of the contacts")
	}
	// Inactive contacts and service accounts are never planned.
	for _, c := range all {
		if c.Inactive || c.IsServiceAccount {
			for _, ch := range p.Changes {
				if ch.ContactID == c.ID {
					t.Fatalf("inactive contact %d planned", c.ID)
				}
			}
		}
	}
	// Applied, the plan leaves nothing to do.
	byID := map[int]*halo.Contact{}
	for i := range all {
		byID[all[i].ID] = &all[i]
	}
	for _, c := range p.Changes {
		setField(byID[c.ContactID], c.Field, c.New)
	}
	if again := contacts.PlanFix(all, "GB", contacts.FormatE164); len(again.Changes) != 0 || again.InFormat != p.InFormat+len(p.Changes) {
		t.Fatalf("after applying: %d changes", len(again.Changes))
	}
}

func setField(c *halo.Contact, f halo.ContactField, v string) {
	switch f {
	case halo.ContactPhone:
		c.PhoneNumber = v
	case halo.ContactHome:
		c.HomeNumber = v
	case halo.ContactMobile:
		c.MobileNumber = v
	case halo.ContactMobile2:
		c.MobileNumber2 = v
	}
}

func demoContacts(t testing.TB) []halo.Contact {
	t.Helper()
	s := halotest.New(halotest.Demo())
	defer s.Close()
	c, err := halo.NewClient(halo.Config{URL: s.URL(), ClientID: s.ClientID(), ClientSecret: s.ClientSecret(), HTTPClient: s.Client()})
	if err != nil {
		t.Fatal(err)
	}
	all, err := c.Contacts(t.Context(), nil)
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestPlanCSVRoundTripAndRefusals(t *testing.T) {
	p := contacts.PlanFix(demoContacts(t), "GB", contacts.FormatE164)
	rows := make([]contacts.PlanRow, len(p.Changes))
	for i, c := range p.Changes {
		rows[i] = contacts.PlanRow{Change: c, Status: "planned"}
	}
	// A hostile name must not break the round trip.
	rows[0].Contact = "=cmd|' /C calc'!A0"
	var b bytes.Buffer
	if err := contacts.WritePlanCSV(&b, rows); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(b.String(), "Contact ID,Contact,Client,Field,Old,New,Status\r\n") {
		t.Fatalf("header %.60q", b.String())
	}
	got, err := contacts.ReadPlanCSV(bytes.NewReader(b.Bytes()), "GB", contacts.FormatE164)
	if err != nil || len(got) != len(p.Changes) {
		t.Fatalf("read back %d of %d: %v", len(got), len(p.Changes), err)
	}
	for i := range got {
		w := p.Changes[i]
		if got[i].ContactID != w.ContactID || got[i].Field != w.Field || got[i].Old != w.Old || got[i].New != w.New {
			t.Fatalf("row %d: %+v, want %+v", i, got[i], w)
		}
	}
	if got[0].Contact != rows[0].Contact {
		t.Fatalf("name %q", got[0].Contact)
	}
	// The same file in the other format is refused: New is not the rule's.
	if _, err := contacts.ReadPlanCSV(bytes.NewReader(b.Bytes()), "GB", contacts.FormatNational); err == nil {
		t.Fatal("an e164 plan passed as national")
	}

	first := p.Changes[0]
	row := func(cells ...string) string {
		var out bytes.Buffer
		w := bufio.NewWriter(&out)
		mapping.WriteCSVRow(w, contacts.PlanCSVHeader)
		mapping.WriteCSVRow(w, cells)
		w.Flush()
		return out.String()
	}
	id := jsonInt(first.ContactID)
	for name, file := range map[string]string{
		"arbitrary new":  row(id, "", "", string(first.Field), first.Old, "+449999999999", ""),
		"no id":          row("", "", "", string(first.Field), first.Old, first.New, ""),
		"zero id":        row("0", "", "", string(first.Field), first.Old, first.New, ""),
		"a name field":   row(id, "", "", "surname", first.Old, first.New, ""),
		"site number":    row(id, "", "", "sitephonenumber", first.Old, first.New, ""),
		"unparseable":    row(id, "", "", string(first.Field), "TBC", "TBC", ""),
		"already fixed":  row(id, "", "", string(first.Field), first.New, first.New, ""),
		"short row":      row(id, "", "", string(first.Field)),
		"twice":          row(id, "", "", string(first.Field), first.Old, first.New, "") + strings.SplitAfter(row(id, "", "", string(first.Field), first.Old, first.New, ""), "\r\n")[1],
		"not a plan":     "Extension,Name\r\n201,Ann\r\n",
		"empty":          "",
		"broken quoting": "Contact ID,Contact,Client,Field,Old,New,Status\r\n1,\"a,b,c\r\n",
	} {
		_, err := contacts.ReadPlanCSV(strings.NewReader(file), "GB", contacts.FormatE164)
		var pe *contacts.PlanCSVError
		if !errors.As(err, &pe) || len(pe.Problems) == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Deleting rows is how an admin leaves changes out.
	lines := strings.SplitAfter(b.String(), "\r\n")
	if got, err := contacts.ReadPlanCSV(strings.NewReader(lines[0]+lines[2]), "GB", contacts.FormatE164); err != nil || len(got) != 1 {
		t.Fatalf("one row: %v %v", got, err)
	}
}

func jsonInt(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestEditChanges(t *testing.T) {
	c := halo.Contact{ID: 7, FirstName: "", Surname: "Okafor", PhoneNumber: "0113 496 0107", MobileNumber: " 07700 900555 "}
	e := contacts.EditOf(c)
	if e.Numbers[0] != c.PhoneNumber || e.Numbers[2] != c.MobileNumber || e.Surname != "Okafor" {
		t.Fatalf("EditOf %+v", e)
	}
	if ch, _ := contacts.EditChanges(c, e, "GB"); len(ch) != 0 {
		t.Fatalf("an untouched form changes %+v", ch)
	}
	e.FirstName = " Ada "
	e.Numbers[1] = "TBC"
	e.Numbers[2] = "07700 900555" // only trimmed: no change
	e.Numbers[0] = ""             // cleared
	ch, checks := contacts.EditChanges(c, e, "GB")
	want := []halo.ContactField{halo.ContactPhone, halo.ContactHome, halo.ContactFirstName}
	if len(ch) != len(want) {
		t.Fatalf("changes %+v", ch)
	}
	for i, f := range want {
		if ch[i].Field != f || ch[i].ContactID != 7 {
			t.Fatalf("change %d: %+v", i, ch[i])
		}
	}
	if ch[2].New != "Ada" || ch[0].New != "" {
		t.Fatalf("values %+v", ch)
	}
	if !checks[0].Blank || checks[1].Parses || checks[1].E164 != "" || !checks[2].Parses || checks[2].E164 != "+447700900555" {
		t.Fatalf("checks %+v", checks)
	}
	// The changes make a write the halo package accepts.
	if _, err := halo.NewContactWrite(contacts.Writes(ch)); err != nil {
		t.Fatal(err)
	}
}

func TestParseFormat(t *testing.T) {
	for in, want := range map[string]contacts.Format{"": contacts.FormatE164, "E164": contacts.FormatE164, " national ": contacts.FormatNational} {
		if got, err := contacts.ParseFormat(in); err != nil || got != want {
			t.Errorf("ParseFormat(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := contacts.ParseFormat("spaced"); err == nil {
		t.Error("spaced accepted")
	}
}

// BenchmarkPlanFix50k: planning the fix of 50,000 contacts (some 66,000
// numbers in mixed UK formats, one in eight with an extension). Target:
// under 1 s.
func BenchmarkPlanFix50k(b *testing.B) {
	var all []halo.Contact
	if err := json.Unmarshal(halotest.GenerateContactsJSON(50000, 1), &all); err != nil {
		b.Fatal(err)
	}
	var p contacts.FixPlan
	for b.Loop() {
		p = contacts.PlanFix(all, "GB", contacts.FormatE164)
	}
	if len(p.Changes) < 30000 {
		b.Fatalf("%d changes", len(p.Changes))
	}
	b.ReportMetric(float64(len(p.Changes)), "changes")
	b.ReportMetric(float64(p.Numbers), "numbers")
}

// BenchmarkPlanFix50kNational is the same for national digits.
func BenchmarkPlanFix50kNational(b *testing.B) {
	var all []halo.Contact
	if err := json.Unmarshal(halotest.GenerateContactsJSON(50000, 1), &all); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		contacts.PlanFix(all, "GB", contacts.FormatNational)
	}
}

// The plain extension forms Rewrite reads itself agree with the library on
// every number of the generated set and on hand-made ones: same number,
// same extension.
func TestRewriteMatchesLibrary(t *testing.T) {
	var all []halo.Contact
	if err := json.Unmarshal(halotest.GenerateContactsJSON(3000, 7), &all); err != nil {
		t.Fatal(err)
	}
	numbers := []string{"0113 496 0107 ext 7", "0113 496 0107 #12", "0113 496 0107,x3", "+44 113 496 0107 ext.: 1234567",
		"0113 496 0107 x", "0113 496 0107 ext 12345678", "(0113) 496-0107 EXT. 9"}
	for _, c := range all {
		numbers = append(numbers, c.PhoneNumber, c.MobileNumber)
	}
	for _, s := range numbers {
		got, ok := contacts.Rewrite(s, "GB", contacts.FormatE164)
		if !ok {
			continue
		}
		a, err := phonenumbers.Parse(s, "GB")
		if err != nil {
			t.Fatalf("%q rewritten to %q but the library cannot parse it", s, got)
		}
		b, _ := phonenumbers.Parse(got, "GB")
		if a.GetNationalNumber() != b.GetNationalNumber() || a.GetExtension() != b.GetExtension() {
			t.Errorf("%q → %q: library reads %d ext %q, then %d ext %q", s, got, a.GetNationalNumber(), a.GetExtension(),
				b.GetNationalNumber(), b.GetExtension())
		}
	}
}
