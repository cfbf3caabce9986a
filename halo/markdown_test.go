package halo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// markupName is an agent, team, department and organisation name that
// would render as a link, an image, HTML and bold text, or act in a
// terminal, if a report took it as Markdown.
const markupName = " [Reset MFA](https://evil.example/mfa) ![x](https://evil.example/p.png) <img src=x onerror=alert(1)> **urgent** | \x1b[2J\u202e"

// TestReportMarkdownCarriesNoMarkup renders the report of a check against
// a Halo full of such names, as IT Glue or Hudu would (GFM, raw HTML
// allowed): the names show as text and the tables keep their columns.
func TestReportMarkdownCarriesNoMarkup(t *testing.T) {
	_, cfg := start(t, halotest.Scenario{Tenant: "contoso-msp", NameSuffix: markupName, APIAgentNotAPIOnly: true})
	rep := halo.RunCheck(context.Background(), cfg, nil)
	md := rep.Markdown()
	if strings.ContainsAny(md, "\x1b\u202e") {
		t.Fatalf("control or bidi character in the report:\n%q", md)
	}
	var b bytes.Buffer
	gfm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gfm.Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{`<a href="https://evil.example/mfa">Reset MFA`, "<img", "<strong>urgent"} {
		if strings.Contains(out, bad) {
			t.Errorf("the report renders %q:\n%s", bad, out)
		}
	}
	if want := `One organisation: Contoso MSP [Reset MFA](`; !strings.Contains(out, want) {
		t.Errorf("the report lacks the organisation name as text %q:\n%s", want, out)
	}
	if want := `&lt;img src=x onerror=alert(1)&gt; **urgent** |`; !strings.Contains(out, want) {
		t.Errorf("the report lacks %q:\n%s", want, out)
	}
	// Checks have four columns, the 1stream form two: a "|" in a name
	// would add one.
	rows, cells := strings.Count(out, "<tr>"), strings.Count(out, "<td>")
	if want := 4*len(rep.Checks) + 2*6; rows != len(rep.Checks)+6+2 || cells != want {
		t.Errorf("%d rows, %d cells, want %d rows and %d cells:\n%s", rows, cells, len(rep.Checks)+8, want, out)
	}
	// The fix of the identity warning is a list item with a bold title.
	if !strings.Contains(md, "- **API agent**: ") {
		t.Errorf("the fixes lost their titles:\n%s", md)
	}
}
