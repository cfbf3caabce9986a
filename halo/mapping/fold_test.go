package mapping

import (
	"testing"
	"unicode/utf8"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", ""},
		{"   ", ""},
		{"John Smith", "john smith"},
		{"  JOHN   smith ", "john smith"},
		{"John\tSmith\u00a0", "john smith"},
		{"Smith, John", "john smith"},
		{"Smith,John", "john smith"},
		{"  Smith ,  John ", "john smith"},
		{"van der Berg, Anna", "anna van der berg"},
		{"José Núñez", "jose nunez"},
		{"Zoë Ørsted", "zoe orsted"},
		{"Łukasz Żółć", "lukasz zolc"},
		{"Đorđe Ćosić", "dorde cosic"},
		{"Straße", "strasse"},
		{"Ætla Þórsdóttir", "aetla thorsdottir"},
		{"Œdipe", "oedipe"},
		{"Ștefan Țurcanu", "stefan turcanu"},
		{"Jose\u0301 Mu\u0308ller", "jose muller"}, // decomposed accents
		{"O'Brien, Seán", "sean obrien"},
		{"O’Brien", "obrien"},
		{"Mary-Jane Smith", "mary jane smith"},
		{"J. R. R. Tolkien", "j r r tolkien"},
		{"Jo Bloggs (Contractor)", "jo bloggs"},
		{"Jo [old] Bloggs", "jo bloggs"},
		{"John Smith, Jr.", "john smith jr"},
		{"Smith, John, Jr.", "john smith jr"},
		{"a, b, c", "a b c"},
		{",Smith", "smith"},
		{"Smith,", "smith"},
		{"Иван Петров", "иван петров"},
		{"李 小龍", "李 小龍"},
		{"Support 2", "support 2"},
		{"(only brackets)", ""},
		{"unclosed (bracket", "unclosed"},
	}
	for _, tt := range tests {
		if got := NormalizeName(tt.in); got != tt.want {
			t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeNameEquivalences(t *testing.T) {
	groups := [][]string{
		{"John Smith", "smith, john", "JOHN  SMITH", " John Smith (Sales)"},
		{"Renée Müller", "Renee Muller", "MÜLLER, RENÉE", "Rene\u0301e Mu\u0308ller"},
		{"Seán O'Brien", "Sean OBrien", "O’Brien, Seán"},
	}
	for _, g := range groups {
		want := NormalizeName(g[0])
		for _, s := range g[1:] {
			if got := NormalizeName(s); got != want {
				t.Errorf("NormalizeName(%q) = %q, want %q (same as %q)", s, got, want, g[0])
			}
		}
	}
}

func TestAppendSearchFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"José  Núñez", "jose nunez"},
		{"  JO@Example.com ", "jo@example.com"},
		{"O'Brien", "obrien"},
		{"a\x00b", "a b"},
		{"\t\n", ""},
	}
	for _, tt := range tests {
		if got := string(appendSearchFold(nil, tt.in)); got != tt.want {
			t.Errorf("appendSearchFold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"Smith, John", "José (x) Núñez", ",,", "a,b,c,d,e,f,g,h,i,j,k", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeName(s)
		if !utf8.ValidString(n) {
			t.Fatalf("NormalizeName(%q) = %q: invalid UTF-8", s, n)
		}
		if n != "" && (n[0] == ' ' || n[len(n)-1] == ' ') {
			t.Fatalf("NormalizeName(%q) = %q: not trimmed", s, n)
		}
		for i := 0; i+1 < len(n); i++ {
			if n[i] == ' ' && n[i+1] == ' ' || n[i] == ',' {
				t.Fatalf("NormalizeName(%q) = %q: double space or comma", s, n)
			}
		}
		if again := NormalizeName(n); again != n {
			t.Fatalf("NormalizeName not idempotent: %q -> %q -> %q", s, n, again)
		}
	})
}
