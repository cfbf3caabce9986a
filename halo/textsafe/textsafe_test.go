package textsafe

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestTerminal(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"José O'Brien", "José O'Brien"},
		{"名前 Ünïcødé 🙂", "名前 Ünïcødé 🙂"},
		{"line one\n\tline two\n", "line one\n\tline two\n"},
		{"\x1b]52;c;cm0gLXJmIH4=\aEve", "]52;c;cm0gLXJmIH4=Eve"}, // OSC 52: set the clipboard
		{"\x1b[2JEve", "[2JEve"},                                 // clear the screen
		{"Eve\rAdmin", "EveAdmin"},                               // overwrite the line
		{"a\u009b2Jb\u0085c\u009dd", "a2Jbcd"},                   // C1: CSI, NEL, OSC
		{"\u202eevil\u202c \u2066x\u2069", "evil x"},             // bidi override and isolate
		{"zero\u200bwidth\ufeff\u00ad", "zerowidth"},             // Cf: ZWSP, BOM, soft hyphen
		{"a\u2028b\u2029c", "abc"},                               // line and paragraph separators
		{"bad\x9b\xffbyte", "bad\ufffd\ufffdbyte"},               // invalid UTF-8: 0x9B is CSI to 8-bit terminals
		{"keep \ufffd", "keep \ufffd"},
		{"\x00\x7f", ""},
	} {
		if got := Terminal(tc.in); got != tc.want {
			t.Errorf("Terminal(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriterJoinsSplitRunes(t *testing.T) {
	in := "Zoë \x1b[2J→ 🙂\u202e!\n"
	for chunk := 1; chunk <= len(in); chunk++ {
		var out bytes.Buffer
		w := NewWriter(&out)
		for i := 0; i < len(in); i += chunk {
			p := []byte(in[i:min(i+chunk, len(in))])
			if n, err := w.Write(p); n != len(p) || err != nil {
				t.Fatalf("Write = %d, %v", n, err)
			}
		}
		if want := "Zoë [2J→ 🙂!\n"; out.String() != want {
			t.Fatalf("chunks of %d: %q, want %q", chunk, out.String(), want)
		}
	}
}

func TestMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"José O'Brien", "José O'Brien"},
		{"jane.doe+halo@example.com", "jane.doe+halo@example.com"},
		{"https://acme.halopsa.com/api/", "https://acme.halopsa.com/api/"},
		{"Smith (Sales) - Tier 2.", "Smith (Sales) - Tier 2."},
		{"<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"[Reset MFA](https://evil.example)", `\[Reset MFA\](https://evil.example)`},
		{"![x](https://evil.example/p.png)", `\!\[x\](https://evil.example/p.png)`},
		{"a | b \\ c", `a \| b \\ c`},
		{"**bold** _it_ `code` ~~del~~", `\*\*bold\*\* \_it\_ \` + "`code\\`" + ` \~\~del\~\~`},
		{"Tom & Jerry &amp; &#x3c;", `Tom &amp; Jerry &amp;amp; &amp;\#x3c;`},
		{"# Title #", `\# Title \#`},
		{"{: .x} $x$", `\{: .x\} \$x\$`},
		{"- item", `\- item`}, {"+ item", `\+ item`}, {"===", `\===`},
		{"1986. A year", `1986\. A year`}, {"2) b", `2\) b`}, {"v1.2", "v1.2"}, {"12a. x", "12a. x"},
		{"  four\n\tspaces  ", "four spaces"},
		{"a\nb\r\nc", "a b c"},
		{"\x1b]52;c;eA==\a\u202eEve", `\]52;c;eA==Eve`},
		{"", ""}, {" \t\n", ""},
	} {
		if got := Markdown(tc.in); got != tc.want {
			t.Errorf("Markdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJSON(t *testing.T) {
	in := map[string]string{"name": "a\x1b[2J\u009b2J\u202eb\u200b\U000E0041\tc\u2028"}
	raw, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got := JSON(raw)
	want := `{
  "name": "a\u001b[2J\u009b2J\u202eb\u200b\udb40\udc41\tc\u2028"
}`
	if string(got) != want {
		t.Fatalf("JSON:\n%s\nwant\n%s", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal(got, &back); err != nil || back["name"] != in["name"] {
		t.Fatalf("escaped JSON decodes to %q (%v), want %q", back["name"], err, in["name"])
	}
	plain := []byte(`{"name":"José 🙂"}`)
	if out := JSON(plain); !bytes.Equal(out, plain) {
		t.Fatalf("JSON changed clean input: %s", out)
	}
}

// checkTerminal fails when s has a character a terminal could act on.
func checkTerminal(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8 in %q", s)
	}
	for _, r := range s {
		if r != '\n' && r != '\t' && unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			t.Fatalf("%U left in %q", r, s)
		}
	}
}

func FuzzTerminal(f *testing.F) {
	for _, s := range []string{"Eve\x1b]52;c;eA==\a", "\u202eabc", "Zoë\r\n\t", "\xc3", "\x9b2J"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, chunk int) {
		got := Terminal(s)
		checkTerminal(t, got)
		if Terminal(got) != got {
			t.Fatalf("Terminal is not idempotent on %q", s)
		}
		if utf8.ValidString(s) && strings.Count(got, "\n") != strings.Count(s, "\n") {
			t.Fatalf("newlines of %q changed: %q", s, got)
		}
		// The Writer, fed in chunks, writes the same text for valid
		// input; for any input, nothing a terminal acts on.
		if chunk < 1 || chunk > 64 {
			chunk = 1 + (chunk&0x3f+64)%64
		}
		var out bytes.Buffer
		w := NewWriter(&out)
		for i := 0; i < len(s); i += chunk {
			w.Write([]byte(s[i:min(i+chunk, len(s))]))
		}
		checkTerminal(t, out.String())
		if utf8.ValidString(s) && out.String() != got {
			t.Fatalf("Writer in chunks of %d wrote %q, Terminal %q", chunk, out.String(), got)
		}
	})
}

// unescapeMarkdown reads Markdown's output back, failing on any markup
// character that is not escaped.
func unescapeMarkdown(t *testing.T, md string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(md); i++ {
		c := md[i]
		switch {
		case c == '\\':
			if i+1 == len(md) || !strings.ContainsRune(escapable, rune(md[i+1])) {
				t.Fatalf("stray backslash at %d in %q", i, md)
			}
			i++
			b.WriteByte(md[i])
		case c == '&':
			ent := false
			for e, v := range map[string]byte{"&amp;": '&', "&lt;": '<', "&gt;": '>'} {
				if strings.HasPrefix(md[i:], e) {
					b.WriteByte(v)
					i += len(e) - 1
					ent = true
				}
			}
			if !ent {
				t.Fatalf("bare & at %d in %q", i, md)
			}
		case c == '<' || c == '>' || c == '\n' || c == '\r' || c == '\t' || strings.IndexByte(inlineMarkup, c) >= 0:
			t.Fatalf("unescaped %q at %d in %q", c, i, md)
		case i == 0 && strings.IndexByte(lineStartMarkup, c) >= 0:
			t.Fatalf("unescaped %q at the start of %q", c, md)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"[Reset MFA](https://x)", "<script>", "1. x", "- x", " a\nb ", "&amp;", "a\\|b", "\u202e\x1b[2J"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		md := Markdown(s)
		checkTerminal(t, md)
		if md != strings.TrimSpace(md) {
			t.Fatalf("Markdown(%q) = %q has whitespace at an end", s, md)
		}
		// A leading digit run followed by "." or ")" is escaped.
		if n := len(md) - len(strings.TrimLeft(md, "0123456789")); n > 0 && n < len(md) && (md[n] == '.' || md[n] == ')') {
			t.Fatalf("ordered-list marker left in %q", md)
		}
		if back, want := unescapeMarkdown(t, md), strings.Join(strings.Fields(Terminal(s)), " "); back != want {
			t.Fatalf("Markdown(%q) = %q reads back as %q, want %q", s, md, back, want)
		}
	})
}

func FuzzJSON(f *testing.F) {
	f.Add("a\u009b\u202e\x1b\U000E0041")
	f.Fuzz(func(t *testing.T, s string) {
		raw, err := json.Marshal([]string{s})
		if err != nil {
			t.Fatal(err)
		}
		got := JSON(raw)
		checkTerminal(t, string(got))
		var back []string
		if err := json.Unmarshal(got, &back); err != nil || len(back) != 1 {
			t.Fatalf("escaped %q does not decode: %v", got, err)
		}
		var want []string
		json.Unmarshal(raw, &want)
		if back[0] != want[0] {
			t.Fatalf("escaping changed the value: %q, want %q", back[0], want[0])
		}
	})
}
