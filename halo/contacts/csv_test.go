package contacts_test

import (
	"bytes"
	"testing"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/contacts"
)

func TestWriteCSV(t *testing.T) {
	a := contacts.Audit{Findings: []contacts.Finding{
		{Problem: contacts.MissingName, ContactID: 101, Contact: "=HYPERLINK(\"x\")", Client: "Contoso, Ltd", Site: "Main",
			Numbers: []string{"+44 20 7946 0001", "07700 900001"}},
		{Problem: contacts.NoPhone, ContactID: 102, Contact: "Ann Lee", Client: "Contoso", Site: "Leeds"},
	}}
	inst, err := halo.ParseInstance("https://contoso.halopsa.com")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := contacts.WriteCSV(&b, a, inst); err != nil {
		t.Fatal(err)
	}
	// Several numbers in one cell are no longer a bare phone number: a
	// leading + is neutralised like any formula start, and the "; "
	// between them has the cell quoted.
	want := "Problem,Contact ID,Contact,Client,Site,Numbers,Halo Link\r\n" +
		`missing_name,101,"'=HYPERLINK(""x"")","Contoso, Ltd",Main,"'+44 20 7946 0001; 07700 900001",` +
		contacts.ContactLink(inst, 101) + "\r\n" +
		"no_phone,102,Ann Lee,Contoso,Leeds,," + contacts.ContactLink(inst, 102) + "\r\n"
	if b.String() != want {
		t.Fatalf("CSV =\n%q\nwant\n%q", b.String(), want)
	}
}
