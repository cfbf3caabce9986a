package halo

import (
	"fmt"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo/textsafe"
)

var statusMark = map[Status]string{
	StatusPass:    "✅ pass",
	StatusWarn:    "⚠️ warn",
	StatusFail:    "❌ fail",
	StatusSkip:    "⏭ skip",
	StatusRunning: "… running",
}

// Markdown renders the report for "Copy report" / "Save report…". It holds
// no secret: the Client Secret is never part of a Report. Every text in
// it that came from outside (names, server messages, the URL) passes
// through textsafe.Markdown, so pasted into IT Glue or Hudu it renders as
// text, never as a link, image or HTML.
func (r Report) Markdown() string {
	md := textsafe.Markdown
	var b strings.Builder
	verdict := "all checks passed"
	switch {
	case !r.OK:
		verdict = "problems found"
	case r.hasWarnings():
		verdict = "passed with warnings"
	}
	fmt.Fprintf(&b, "# Halo systems check: %s\n\n%s\n\n", verdict, md(r.Headline()))
	if r.Instance != "" {
		fmt.Fprintf(&b, "- Instance: %s\n", md(r.Instance))
	}
	if !r.Started.IsZero() {
		fmt.Fprintf(&b, "- Checked: %s (%s)\n", r.Started.Format("2006-01-02 15:04:05 MST"), r.Duration.Round(time.Millisecond))
	}
	b.WriteString("\n| Check | Result | Details | Time |\n|---|---|---|---|\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&b, "| %s | %s | %s | %d ms |\n", md(c.Title), statusMark[c.Status], md(c.Detail), c.Duration.Milliseconds())
	}
	var fixes []CheckResult
	for _, c := range r.Checks {
		if c.Fix != "" && (c.Status == StatusFail || c.Status == StatusWarn) {
			fixes = append(fixes, c)
		}
	}
	if len(fixes) > 0 {
		b.WriteString("\n## What to do\n\n")
		for _, c := range fixes {
			step := ""
			if c.Step != "" {
				step = " (checklist step " + md(c.Step) + ")"
			}
			fmt.Fprintf(&b, "- **%s**: %s%s\n", md(c.Title), md(c.Fix), step)
		}
	}
	b.WriteString("\n## 1stream connection form\n\n| Field | Value |\n|---|---|\n")
	company := r.OneStream.CRMCompany
	if company == "" {
		company = "(no tenant reported: on-premise Halo; 1stream's meaning of this field is not documented)"
	}
	rows := [][2]string{
		{"CRM Platform", r.OneStream.CRMPlatform},
		{"CRM Company", company},
		{"API Key", r.OneStream.APIKey},
		{"API Private Key", "(your Client Secret: not included in this report)"},
		{"Endpoint", r.OneStream.Endpoint},
		{"CRM Details link", r.OneStream.CRMDetailsLink},
	}
	for _, row := range rows {
		fmt.Fprintf(&b, "| %s | %s |\n", row[0], md(row[1]))
	}
	fmt.Fprintf(&b, "\n## What the API agent can see\n\n- Agents: %d (%d enabled, %d disabled, %d API-only)\n- Teams: %d\n- Departments: %d\n- Organisations: %d\n",
		r.Agents.Visible, r.Agents.Enabled, r.Agents.Disabled, r.Agents.APIOnly, r.Teams, r.Departments, r.Organisations)
	return b.String()
}

func (r Report) hasWarnings() bool {
	for _, c := range r.Checks {
		if c.Status == StatusWarn {
			return true
		}
	}
	return false
}
