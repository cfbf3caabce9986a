package mapping

import (
	"bytes"
	"testing"
)

func TestWriteCSVTableFollowsTheExportRules(t *testing.T) {
	var b bytes.Buffer
	err := WriteCSVTable(&b, []string{"A", "B"}, [][]string{
		{"=1+1", "+44 20 7946 0500"},
		{"say \"hi\", then", "bad\x00\xffbyte"},
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFA,B\r\n'=1+1,+44 20 7946 0500\r\n\"say \"\"hi\"\", then\",bad\uFFFDbyte\r\n"
	if b.String() != want {
		t.Fatalf("got %q\nwant %q", b.String(), want)
	}
}
