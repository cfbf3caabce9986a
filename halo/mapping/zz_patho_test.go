package mapping

import (
	"strings"
	"testing"
	"time"
)

func TestZZPatho(t *testing.T) {
	M := MaxImportBytes - 100
	cases := map[string]string{
		"quotes":     "Email\n" + strings.Repeat("\"", M),
		"commas":     "Email\n" + strings.Repeat(",", M),
		"newlines":   "Email\n" + strings.Repeat("\n", M),
		"crlf":       "Email\n" + strings.Repeat("\r\n", M/2),
		"onefield":   "Email\n\"" + strings.Repeat("a", M) + "\"\n",
		"widerow":    "Email\n" + strings.Repeat("a@b.co,", M/7),
		"manycols":   strings.Repeat("Email,", M/6),
		"rowsBadQ":   "Email\n" + strings.Repeat("a\"b\n", 100000),
		"tabs":       "Email\n" + strings.Repeat("\t", M),
		"rows100k":   "Extension,Email\n" + strings.Repeat("1,\n", 100000),
		"mixed":      "Email\n" + strings.Repeat("x@y.z;\t,\"", M/8),
		"highbytes":  "Email\n" + strings.Repeat("\xe9", M),
		"utf16junk":  "\xff\xfe" + strings.Repeat("a\x00", M/2),
		"dupemails":  "Email\n" + strings.Repeat("a@b.co\n", M/7),
		"longnames":  "Extension,Name\n" + strings.Repeat("1,"+strings.Repeat("n", 1000)+"\n", 9000),
	}
	for name, in := range cases {
		start := time.Now()
		p, err := ParseUsersText(in)
		d1 := time.Since(start)
		start = time.Now()
		recs, rej, err2 := ReadMappingsCSV(strings.NewReader(in))
		d2 := time.Since(start)
		t.Logf("%-10s users %v (%d acc %d rej, %v) mappings %v (%d rec %d rej %v)", name, d1, len(p.Accepted), len(p.Rejected), err, d2, len(recs), len(rej), err2)
	}
}
