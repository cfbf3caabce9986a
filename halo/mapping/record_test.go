package mapping

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"

	"github.com/halo-assistant/halo-assistant/halo"
)

func testRecord() *Record {
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	rep := &halo.Report{OK: true, Checks: []halo.CheckResult{
		{ID: halo.CheckToken, Title: "Token", Status: halo.StatusPass, Detail: "Application 1stream got a token."},
		{ID: halo.CheckIdentity, Title: "API agent", Status: halo.StatusWarn, Detail: "Logged in as 1stream API | team Desk."},
	}}
	return &Record{
		Profile: "Acme <Corp>", Generated: at, Form: FormValuesFor("acme.halopsa.com", "client-id-1", "acme"),
		Check: rep, CheckAt: at,
		Steps: []RecordStep{{Title: "Select Configurations.", Done: true, By: "alice", At: at}, {Title: "Click Save."}},
		Users: []User{{ID: 1, Extension: "307", Name: "José O'Brien", Email: "jose@x"}, {ID: 2, Extension: "201", Name: "<script>alert(1)</script>"}, {ID: 3, Extension: "202", Name: "Bob"}},
		Mappings: []Mapping{{UserID: 1, AgentID: 1, AgentName: "José O'Brien", MatchedBy: MethodEmail, MappedAt: at},
			{UserID: 3, AgentID: 3, AgentName: "Bob Ray", MatchedBy: MethodManual, MappedAt: at}},
		Agents:     []halo.Agent{{ID: 1, Name: "José O'Brien"}, {ID: 3, Name: "Bob Ray", IsDisabled: true}},
		LastExport: at,
		Changes:    []Change{{Kind: ChangeRemoved, Why: "agent disabled in Halo", Do: "clear Ext. 202 Bob"}},
	}
}

func TestRecordMarkdown(t *testing.T) {
	md := testRecord().Markdown()
	for _, want := range []string{
		"# 1stream ↔ HaloPSA integration: Acme &lt;Corp&gt;",
		"| CRM Platform | HaloPSA |", "| CRM Company | acme |", "| API Key | client-id-1 |",
		"| API Private Key | (the Client Secret: kept in the system keyring, never written here) |",
		"| Endpoint | https://acme.halopsa.com/api/ |", "| CRM Details link | https://acme.halopsa.com/ |",
		"Last check: 2026-11-30 09:00 UTC (passed)", "- Halo application: Application 1stream got a token.",
		`- API agent: Logged in as 1stream API \| team Desk.`,
		"## Setup checklist (1 of 2 done)", "- [x] Select Configurations. — ticked 2026-11-30 09:00 UTC by alice", "- [ ] Click Save.",
		"(3 users: 1 mapped, 1 unmapped, 1 stale)",
		"| 307 | José O'Brien | jose@x | mapped | José O'Brien | email | 2026-11-30 09:00 UTC |",
		"| 202 | Bob | — | stale (agent disabled in Halo) | Bob Ray | manual |",
		"## Changes since the last export (2026-11-30 09:00 UTC)", "- **removed**: clear Ext. 202 Bob (agent disabled in Halo)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
}

func TestRecordHTMLIsSelfContainedAndEscaped(t *testing.T) {
	b, err := testRecord().HTML()
	if err != nil {
		t.Fatal(err)
	}
	h := string(b)
	for _, want := range []string{"<!DOCTYPE html>", "<style>", "@media print", "Acme &lt;Corp&gt;", "&lt;script&gt;alert(1)&lt;/script&gt;",
		"ticked 2026-11-30 09:00 UTC by alice", "clear Ext. 202 Bob", "https://acme.halopsa.com/api/", "stale (agent disabled in Halo)"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>", "<link", "src=", "http://", "@import"} {
		if strings.Contains(h, bad) {
			t.Errorf("HTML contains %q: it must be self-contained and escaped", bad)
		}
	}
}

func TestRecordWithoutCheckOrExport(t *testing.T) {
	r := testRecord()
	r.Check, r.LastExport, r.Changes = nil, time.Time{}, nil
	md := r.Markdown()
	for _, want := range []string{"Last check: never (no systems check yet)", "## Changes since the last export (never)", "None: 1stream's CRM User Mappings match"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
}

// TestRecordCarriesNoMarkup fills every text of the record with a name
// that is Markdown and HTML markup and terminal controls: the Markdown
// renders it as text (as IT Glue or Hudu would, GFM with raw HTML
// allowed), every table keeps its columns, and neither format keeps a
// control or bidi character.
func TestRecordCarriesNoMarkup(t *testing.T) {
	const evil = "[Reset MFA](https://evil.example/mfa) <script>alert(1)</script> **x** | \x1b]52;c;eA==\a\u202e"
	r := testRecord()
	r.Profile = "Acme " + evil
	r.Form.CRMCompany = evil
	r.Check.Checks[0].Detail = "Application " + evil
	r.Check.Checks[1].Title = evil
	r.Steps[0].By, r.Steps[1].Title = evil, evil
	for i := range r.Users {
		r.Users[i].Name, r.Users[i].Email = evil, evil
	}
	r.Mappings[0].AgentName = evil
	r.Changes[0].Do, r.Changes[0].Why = evil, evil

	md := r.Markdown()
	var b bytes.Buffer
	gfm := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := gfm.Convert([]byte(md), &b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<script", `<a href="https://evil.example/mfa">Reset`, "<strong>x", "\x1b", "\a", "\u202e"} {
		if strings.Contains(md+out, bad) {
			t.Errorf("the record carries %q:\nMarkdown:\n%s\nrendered:\n%s", bad, md, out)
		}
	}
	// (GFM links the bare URL, showing it as it is.)
	if want := `<h1>1stream ↔ HaloPSA integration: Acme [Reset MFA](<a href="https://evil.example/mfa">https://evil.example/mfa</a>) &lt;script&gt;alert(1)&lt;/script&gt; **x** | ]52;c;eA==</h1>`; !strings.Contains(out, want) {
		t.Errorf("the heading does not show the profile name as text:\n%s", out)
	}
	// 6 form rows of 2 cells, 2 checks of 3, 3 users of 7.
	if cells := strings.Count(out, "<td>"); cells != 6*2+2*3+3*7 {
		t.Errorf("%d table cells, want %d:\n%s", cells, 6*2+2*3+3*7, out)
	}

	h, err := r.HTML()
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "\x1b", "\a", "\u202e"} {
		if bytes.Contains(h, []byte(bad)) {
			t.Errorf("the HTML record carries %q", bad)
		}
	}
	if r.Users[0].Name != evil || r.Steps[0].By != evil || r.Changes[0].Do != evil {
		t.Error("rendering changed the record")
	}
}
