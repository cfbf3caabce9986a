package textsafe

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// gfm renders GitHub-flavoured Markdown as a documentation tool would,
// raw HTML passed through (html.WithUnsafe), so that any tag Markdown
// let through would show. Linkify is left out here: a bare URL or email
// address becomes a link showing its own target, which the escaping does
// not prevent and which hides nothing (TestMarkdownLinkify).
var gfm = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList,
	extension.Footnote, extension.DefinitionList), goldmark.WithRendererOptions(html.WithUnsafe()))

func render(t *testing.T, md goldmark.Markdown, src string) string {
	t.Helper()
	var b bytes.Buffer
	if err := md.Convert([]byte(src), &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var htmlText = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// checkRendersAsText renders Markdown(s) at the start of a line, inside a
// line and in a table cell, and fails unless each shows exactly the text
// of s (one line, trimmed) with no markup of its own.
func checkRendersAsText(t *testing.T, s string) {
	t.Helper()
	text := htmlText.Replace(strings.Join(strings.Fields(Terminal(s)), " "))
	md := Markdown(s)
	if text == "" {
		return
	}
	for _, c := range []struct{ src, want string }{
		{md + "\n", "<p>" + text + "</p>\n"},
		{"- **Agent**: " + md + " (x)\n", "<ul>\n<li><strong>Agent</strong>: " + text + " (x)</li>\n</ul>\n"},
		{"| A | B |\n|---|---|\n| " + md + " | z |\n", "<table>\n<thead>\n<tr>\n<th>A</th>\n<th>B</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>" + text + "</td>\n<td>z</td>\n</tr>\n</tbody>\n</table>\n"},
	} {
		if got := render(t, gfm, c.src); got != c.want {
			t.Fatalf("Markdown(%q) = %q renders as\n%s\nwant\n%s", s, md, got, c.want)
		}
	}
}

func TestMarkdownRendersAsText(t *testing.T) {
	for _, s := range []string{
		"<script>alert(1)</script>", "[Reset MFA](https://evil.example/reset)", "![p](https://evil.example/p.png)",
		"<https://evil.example>", "**bold** __b__ *i* _i_ `code` ~~del~~ ~x~", "a | b", "[x]: https://evil.example",
		"[^1]", "&lt;b&gt; &copy; &#60;", "# Heading", "## x ##", "- list", "+ list", "* list", "1. list", "1) list",
		"> quote", "===", "---", "    code", "```go", "~~~", "Term\n: definition", "<!-- c -->", "<img src=x onerror=alert(1)>",
		"line\\", "trailing  ", "a\\*b", "[ ] task", "x\u202e\x1b[2J\x1b]52;c;eA==\ay", "Sales & Support <UK>", "José O'Brien (Tier 2.)",
	} {
		checkRendersAsText(t, s)
	}
}

func TestMarkdownLinkify(t *testing.T) {
	// With GFM's autolinks, a bare URL in a name is a link, but one that
	// shows its own target: nothing can be disguised as "Reset MFA".
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	got := render(t, md, Markdown("[Reset MFA](https://evil.example/reset)")+"\n")
	want := `<p>[Reset MFA](<a href="https://evil.example/reset">https://evil.example/reset</a>)</p>` + "\n"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func FuzzMarkdownRendersAsText(f *testing.F) {
	for _, s := range []string{"[a](b)", "<b>", "1. x", "*a*", "`c`", "&amp;", "| x", "\\", "# h #"} {
		f.Add(s)
	}
	f.Fuzz(checkRendersAsText)
}
