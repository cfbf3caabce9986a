package mapping

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/halo-assistant/halo-assistant/halo"
	"github.com/halo-assistant/halo-assistant/halo/textsafe"
)

// Record is the integration record an MSP files in its documentation (IT
// Glue, Hudu): how 1stream is connected to Halo, what the last check saw,
// the setup steps, the mappings and what 1stream still needs. It never
// holds the Client Secret: the API Private Key row only says where it is.
type Record struct {
	Profile   string
	Generated time.Time
	// Form is 1stream's Connected Account and CRM Settings form.
	Form halo.FormValues
	// Check is the latest systems check (nil when none); CheckAt its time.
	Check   *halo.Report
	CheckAt time.Time
	Steps   []RecordStep
	Users   []User
	// Mappings and Agents give each user's mapping and its status.
	Mappings []Mapping
	Agents   []halo.Agent
	// LastExport is when the mappings were last exported (zero: never);
	// Changes are what 1stream needs since then.
	LastExport time.Time
	Changes    []Change
}

// RecordStep is one setup-checklist step.
type RecordStep struct {
	Title string
	Done  bool
	By    string
	At    time.Time
}

// FormValuesFor are the 1stream form values of a connection: the same
// values the systems check reports, derived without contacting Halo.
func FormValuesFor(haloURL, clientID, tenant string) halo.FormValues {
	v := halo.FormValues{CRMPlatform: halo.CRMPlatform, CRMCompany: strings.TrimSpace(tenant), APIKey: strings.TrimSpace(clientID)}
	if inst, err := halo.ParseInstance(haloURL); err == nil {
		v.Endpoint, v.CRMDetailsLink = inst.APIURL, inst.DetailsURL
	}
	return v
}

// privateKeyNote stands in for the Client Secret wherever the form is shown.
const privateKeyNote = "(the Client Secret: kept in the system keyring, never written here)"

type recordField struct{ Name, Value string }

type recordCheck struct{ Title, Status, Detail string }

type recordRow struct {
	Extension, User, Email, Status, Agent, MatchedBy, MappedAt string
}

// recordView is Record prepared for the templates: every value a string.
type recordView struct {
	Profile, Generated      string
	Form                    []recordField
	CheckAt, CheckVerdict   string
	Application, APIAgent   string
	Checks                  []recordCheck
	Steps                   []RecordStep
	StepsDone               int
	Rows                    []recordRow
	Mapped, Unmapped, Stale int
	LastExport              string
	Changes                 []Change
}

func fmtRecordTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func (r *Record) view() recordView {
	v := recordView{Profile: r.Profile, Generated: fmtRecordTime(r.Generated), Steps: r.Steps, Changes: r.Changes,
		LastExport: "never", CheckAt: "never", CheckVerdict: "no systems check yet"}
	if !r.LastExport.IsZero() {
		v.LastExport = fmtRecordTime(r.LastExport)
	}
	company := r.Form.CRMCompany
	if company == "" {
		company = "(no tenant: on-premise Halo)"
	}
	v.Form = []recordField{
		{"CRM Platform", r.Form.CRMPlatform}, {"CRM Company", company}, {"API Key", r.Form.APIKey},
		{"API Private Key", privateKeyNote}, {"Endpoint", r.Form.Endpoint}, {"CRM Details link", r.Form.CRMDetailsLink},
	}
	if r.Check != nil {
		v.CheckAt = fmtRecordTime(r.CheckAt)
		v.CheckVerdict = "passed"
		if !r.Check.OK {
			v.CheckVerdict = "problems found"
		}
		v.Application = r.Check.Check(halo.CheckToken).Detail
		v.APIAgent = r.Check.Check(halo.CheckIdentity).Detail
		for _, c := range r.Check.Checks {
			v.Checks = append(v.Checks, recordCheck{c.Title, string(c.Status), strings.Join(strings.Fields(c.Detail), " ")})
		}
	}
	for _, s := range r.Steps {
		if s.Done {
			v.StepsDone++
		}
	}
	idx := IndexAgents(r.Agents)
	byUser := MappingsByUser(r.Mappings)
	v.Rows = make([]recordRow, len(r.Users))
	for i, u := range r.Users {
		m := byUser[u.ID]
		st := UserStatus(m, idx)
		row := recordRow{Extension: u.Extension, User: u.Name, Email: u.Email, Status: string(st)}
		switch st {
		case StatusMapped:
			v.Mapped++
		case StatusStale:
			v.Stale++
			row.Status += " (" + StaleReason(m, idx) + ")"
		default:
			v.Unmapped++
		}
		if m != nil {
			row.Agent, row.MatchedBy, row.MappedAt = m.AgentName, string(m.MatchedBy), fmtRecordTime(m.MappedAt)
		}
		v.Rows[i] = row
	}
	v.dropControls()
	return v
}

// dropControls removes from every text what textsafe.Terminal removes:
// html/template escapes markup but passes control and bidi characters
// through, and a document should not carry them either way. Steps and
// Changes are copied first, so the Record stays as it was.
func (v *recordView) dropControls() {
	c := textsafe.Terminal
	v.Profile, v.Application, v.APIAgent = c(v.Profile), c(v.Application), c(v.APIAgent)
	for i := range v.Form {
		v.Form[i].Value = c(v.Form[i].Value)
	}
	for i := range v.Checks {
		v.Checks[i].Title, v.Checks[i].Detail = c(v.Checks[i].Title), c(v.Checks[i].Detail)
	}
	v.Steps = slices.Clone(v.Steps)
	for i := range v.Steps {
		v.Steps[i].Title, v.Steps[i].By = c(v.Steps[i].Title), c(v.Steps[i].By)
	}
	for i := range v.Rows {
		r := &v.Rows[i]
		r.Extension, r.User, r.Email, r.Status = c(r.Extension), c(r.User), c(r.Email), c(r.Status)
		r.Agent, r.MatchedBy, r.MappedAt = c(r.Agent), c(r.MatchedBy), c(r.MappedAt)
	}
	v.Changes = slices.Clone(v.Changes)
	for i := range v.Changes {
		v.Changes[i].Do, v.Changes[i].Why = c(v.Changes[i].Do), c(v.Changes[i].Why)
	}
}

// mdCell is s as Markdown text that carries no markup (textsafe.Markdown),
// or "—" when empty, for a table cell or a line of the record.
func mdCell(s string) string {
	if s = textsafe.Markdown(s); s == "" {
		return "—"
	}
	return s
}

// Markdown renders the record as Markdown.
func (r *Record) Markdown() string {
	v := r.view()
	var b strings.Builder
	fmt.Fprintf(&b, "# 1stream ↔ HaloPSA integration: %s\n\nGenerated %s by Halo Integration Assistant.\n\n", mdCell(v.Profile), v.Generated)
	b.WriteString("## 1stream Connected Account and CRM Settings\n\n| Field | Value |\n|---|---|\n")
	for _, f := range v.Form {
		fmt.Fprintf(&b, "| %s | %s |\n", f.Name, mdCell(f.Value))
	}
	fmt.Fprintf(&b, "\n## Halo, as the last systems check saw it\n\nLast check: %s (%s).\n\n", v.CheckAt, v.CheckVerdict)
	if r.Check != nil {
		fmt.Fprintf(&b, "- Halo application: %s\n- API agent: %s\n\n| Check | Result | Details |\n|---|---|---|\n", mdCell(v.Application), mdCell(v.APIAgent))
		for _, c := range v.Checks {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCell(c.Title), c.Status, mdCell(c.Detail))
		}
	}
	fmt.Fprintf(&b, "\n## Setup checklist (%d of %d done)\n\n", v.StepsDone, len(v.Steps))
	for _, s := range v.Steps {
		mark := "[ ]"
		when := ""
		if s.Done {
			mark, when = "[x]", " — ticked "+fmtRecordTime(s.At)
			if s.By != "" {
				when += " by " + mdCell(s.By)
			}
		}
		fmt.Fprintf(&b, "- %s %s%s\n", mark, mdCell(s.Title), when)
	}
	fmt.Fprintf(&b, "\n## CRM User Mappings (%d users: %d mapped, %d unmapped, %d stale)\n\n", len(v.Rows), v.Mapped, v.Unmapped, v.Stale)
	b.WriteString("| Extension | 1stream user | Email | Status | Halo agent | Matched by | Mapped at |\n|---|---|---|---|---|---|---|\n")
	for _, row := range v.Rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", mdCell(row.Extension), mdCell(row.User), mdCell(row.Email),
			mdCell(row.Status), mdCell(row.Agent), mdCell(row.MatchedBy), mdCell(row.MappedAt))
	}
	fmt.Fprintf(&b, "\n## Changes since the last export (%s)\n\n", v.LastExport)
	if len(v.Changes) == 0 {
		b.WriteString("None: 1stream's CRM User Mappings match this record.\n")
	}
	for _, c := range v.Changes {
		fmt.Fprintf(&b, "- **%s**: %s (%s)\n", mdCell(string(c.Kind)), mdCell(c.Do), mdCell(c.Why))
	}
	return b.String()
}

var recordHTML = template.Must(template.New("record").Funcs(template.FuncMap{"tm": fmtRecordTime}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>1stream ↔ HaloPSA integration: {{.Profile}}</title>
<style>
body{font:10.5pt/1.4 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1a1a1a;max-width:60em;margin:2em auto;padding:0 1em}
h1{font-size:16pt;margin:0 0 .2em}h2{font-size:12.5pt;margin:1.6em 0 .5em;border-bottom:1px solid #ccc;padding-bottom:.15em}
.meta{color:#555}table{border-collapse:collapse;width:100%;margin:.3em 0}
th,td{border:1px solid #ccc;padding:.25em .45em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f0f0f0}tr{break-inside:avoid}thead{display:table-header-group}
.pass{color:#17692b}.warn{color:#8a5a00}.fail{color:#a3161b}.skip{color:#555}
ul.steps{list-style:none;padding-left:0}ul.steps li{margin:.15em 0}
@page{size:auto;margin:15mm}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}a{color:inherit;text-decoration:none}}
</style></head><body>
<h1>1stream ↔ HaloPSA integration: {{.Profile}}</h1>
<p class="meta">Generated {{.Generated}} by Halo Integration Assistant.</p>
<h2>1stream Connected Account and CRM Settings</h2>
<table><tbody>{{range .Form}}<tr><th scope="row">{{.Name}}</th><td>{{.Value}}</td></tr>{{end}}</tbody></table>
<h2>Halo, as the last systems check saw it</h2>
<p>Last check: {{.CheckAt}} ({{.CheckVerdict}}).</p>
{{if .Checks}}<table><tbody><tr><th scope="row">Halo application</th><td>{{.Application}}</td></tr>
<tr><th scope="row">API agent</th><td>{{.APIAgent}}</td></tr></tbody></table>
<table><thead><tr><th>Check</th><th>Result</th><th>Details</th></tr></thead><tbody>
{{range .Checks}}<tr><td>{{.Title}}</td><td class="{{.Status}}">{{.Status}}</td><td>{{.Detail}}</td></tr>
{{end}}</tbody></table>{{end}}
<h2>Setup checklist ({{.StepsDone}} of {{len .Steps}} done)</h2>
<ul class="steps">{{range .Steps}}<li>{{if .Done}}☑ {{.Title}} <span class="meta">— ticked {{tm .At}}{{if .By}} by {{.By}}{{end}}</span>{{else}}☐ {{.Title}}{{end}}</li>
{{end}}</ul>
<h2>CRM User Mappings ({{len .Rows}} users: {{.Mapped}} mapped, {{.Unmapped}} unmapped, {{.Stale}} stale)</h2>
<table><thead><tr><th>Extension</th><th>1stream user</th><th>Email</th><th>Status</th><th>Halo agent</th><th>Matched by</th><th>Mapped at</th></tr></thead><tbody>
{{range .Rows}}<tr><td>{{.Extension}}</td><td>{{.User}}</td><td>{{.Email}}</td><td>{{.Status}}</td><td>{{.Agent}}</td><td>{{.MatchedBy}}</td><td>{{.MappedAt}}</td></tr>
{{end}}</tbody></table>
<h2>Changes since the last export ({{.LastExport}})</h2>
{{if .Changes}}<ul>{{range .Changes}}<li><strong>{{.Kind}}</strong>: {{.Do}} <span class="meta">({{.Why}})</span></li>
{{end}}</ul>{{else}}<p>None: 1stream's CRM User Mappings match this record.</p>{{end}}
</body></html>
`))

// HTML renders the record as one self-contained HTML page (inline CSS, no
// external resources) that prints on A4 and Letter.
func (r *Record) HTML() ([]byte, error) {
	var b bytes.Buffer
	if err := recordHTML.Execute(&b, r.view()); err != nil {
		return nil, fmt.Errorf("rendering the record: %w", err)
	}
	return b.Bytes(), nil
}

// RecordIsHTML tells the record's format from the file name.
func RecordIsHTML(path string) (bool, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".md", ".markdown":
		return false, nil
	case ".html", ".htm":
		return true, nil
	}
	return false, fmt.Errorf("%s: the record is written as Markdown (.md) or HTML (.html); name the file with one of those extensions", filepath.Base(path))
}

// WriteRecordFile writes the record to path atomically, as HTML or
// Markdown.
func WriteRecordFile(path string, rec *Record, html bool) error {
	return WriteFileAtomic(path, func(w io.Writer) error {
		if !html {
			_, err := io.WriteString(w, rec.Markdown())
			return err
		}
		b, err := rec.HTML()
		if err != nil {
			return err
		}
		_, err = w.Write(b)
		return err
	})
}
