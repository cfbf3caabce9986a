package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/halo-assistant/halo-assistant/halo/halotest"
)

// hostileName would act in a terminal if printed raw: OSC 52 sets the
// clipboard (ended by BEL), ESC[2J clears the screen, U+009B is a C1 CSI,
// U+202E reverses the rest of the line and U+200B hides itself.
const hostileName = "\x1b]52;c;cm0gLXJmIH4=\a\x1b[2J\u009b2J\u202eEve\u200b"

// markup is a name suffix that is a link in Markdown.
const markup = " [Reset MFA](https://evil.example/mfa) "

// shown is what a terminal shows of markup+hostileName.
const shown = "[Reset MFA](https://evil.example/mfa) ]52;c;cm0gLXJmIH4=[2J2JEve"

// assertTerminalSafe fails when out holds a character a terminal acts on
// (newline and tab are the CLI's own layout).
func assertTerminalSafe(t *testing.T, what, out string) {
	t.Helper()
	for i, c := range out {
		if c != '\n' && c != '\t' && (c == unicode.ReplacementChar || unicode.In(c, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp)) {
			t.Errorf("%s: %U at byte %d:\n%q", what, c, i, out)
			return
		}
	}
}

// TestNamesCannotActInTheTerminal runs the commands that print names from
// Halo (agents, teams, departments, organisations) and from a users file
// against a Halo whose every name carries escape sequences.
func TestNamesCannotActInTheTerminal(t *testing.T) {
	srv := startHalo(t, halotest.Scenario{Tenant: "contoso-msp", NameSuffix: markup + hostileName})
	h := newHarness(t)
	if r := h.run(srv.ClientSecret(), "profile", "add", "H", "--url", srv.URL(), "--client-id", srv.ClientID(), "--secret-stdin"); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	// The users' emails are the demo agents', so map auto matches them.
	users := "Extension,Name,Email\n" +
		"401,José " + hostileName + ",jose.alvarez@contoso-msp.com\n" +
		"402,Zoë " + hostileName + ",zoe.muller@contoso-msp.com\n" +
		"403,\u202eCat\x1b[8m,nobody@example.com\n"
	steps := []struct {
		stdin string
		args  []string
		code  int
		want  string // visible text that must survive the filter
	}{
		{"", []string{"check", "--profile", "H"}, 0, "Contoso MSP " + shown},
		{"", []string{"sync", "--profile", "H"}, 0, `Synced "H"`},
		{users, []string{"users", "import", "--profile", "H", "-"}, 0, "Imported 3 users"},
		{"", []string{"map", "auto", "--profile", "H"}, 0, "José Álvarez " + shown},
		{"", []string{"users", "list", "--profile", "H"}, 0, "José Álvarez " + shown},
		{"", []string{"changes", "--profile", "H"}, 0, "José Álvarez " + shown},
		{"", []string{"status", "--profile", "H"}, 1, "unmapped"},
	}
	for _, s := range steps {
		r := h.run(s.stdin, s.args...)
		what := strings.Join(s.args[:2], " ")
		if r.code != s.code {
			t.Fatalf("%s: exit %d, want %d: %+v", what, r.code, s.code, r)
		}
		assertTerminalSafe(t, what+" stdout", r.stdout)
		assertTerminalSafe(t, what+" stderr", r.stderr)
		if !strings.Contains(r.stdout, s.want) {
			t.Errorf("%s: stdout lacks %q:\n%s", what, s.want, r.stdout)
		}
	}

	// --json keeps the names as they are, spelled as \u escapes.
	r := h.run("", "users", "list", "--profile", "H", "--json")
	assertTerminalSafe(t, "users list --json", r.stdout)
	var list []userJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 3 {
		t.Fatalf("users list --json: %v\n%s", err, r.stdout)
	}
	// (users import already turns C0 controls in a name into spaces, but
	// keeps the bidi override.)
	if list[0].AgentName != "José Álvarez"+markup+hostileName || !strings.HasPrefix(list[2].Name, "\u202eCat") {
		t.Fatalf("--json changed the names: %q, %q", list[0].AgentName, list[2].Name)
	}
	r = h.run("", "check", "--profile", "H", "--json")
	assertTerminalSafe(t, "check --json", r.stdout)
	if !strings.Contains(r.stdout, `[Reset MFA](https://evil.example/mfa) \u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J\u009b2J\u202eEve\u200b`) {
		t.Errorf("check --json lacks the escaped name:\n%s", r.stdout)
	}

	// A piped export is data: the same bytes as --out FILE (BOM, CRLF and
	// the names as they are), not filtered text.
	file := filepath.Join(t.TempDir(), "x.csv")
	if r := h.run("", "export", "--profile", "H", "--bom", "--out", file); r.code != 0 {
		t.Fatalf("export --out: %+v", r)
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r = h.run("", "export", "--profile", "H", "--bom")
	if r.code != 0 || r.stdout != string(want) || !strings.HasPrefix(r.stdout, "\uFEFF") || !strings.Contains(r.stdout, hostileName) {
		t.Fatalf("export to standard output differs from the file:\n%q\n%q", r.stdout, want)
	}

	// The integration record, as Markdown and as HTML, shows the names as
	// text: no link, no control character.
	dir := t.TempDir()
	for _, name := range []string{"r.md", "r.html"} {
		if r := h.run("", "record", "--profile", "H", "--out", filepath.Join(dir, name)); r.code != 0 {
			t.Fatalf("record %s: %+v", name, r)
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		assertTerminalSafe(t, name, string(b))
		// In Markdown "[Reset MFA](" would be a link; HTML has tags for that.
		if live := map[string]string{"r.md": "[Reset MFA](", "r.html": "<a "}[name]; strings.Contains(string(b), live) {
			t.Errorf("%s carries a live link:\n%s", name, b)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "r.md"))
	if want := `| José Álvarez \[Reset MFA\](https://evil.example/mfa) \]52;c;cm0gLXJmIH4=\[2J2JEve |`; !strings.Contains(string(md), want) {
		t.Errorf("r.md lacks %q:\n%s", want, md)
	}
}
