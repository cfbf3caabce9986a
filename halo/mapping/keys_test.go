package mapping

import "testing"

// EmailKey and ExtensionKey are how users and agents are compared (and how
// storage keys users), so "x101" meets "101" and case never matters.
func TestEmailAndExtensionKeys(t *testing.T) {
	emails := []struct{ in, want string }{
		{" John.Smith@Example.COM ", "john.smith@example.com"},
		{"mailto:A@b.co", "a@b.co"},
		{"MAILTO: a@b.co", "a@b.co"},
		{"", ""},
	}
	for _, tt := range emails {
		if got := EmailKey(tt.in); got != tt.want {
			t.Errorf("EmailKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	exts := []struct{ in, want string }{
		{"101", "101"},
		{" 101 ", "101"},
		{"x101", "101"},
		{"X101", "101"},
		{"ext101", "101"},
		{"Ext. 101", "101"},
		{"1 01", "101"},
		{"0101", "0101"},
		{"x", "x"},
		{"ext", "ext"},
		{"*72", "*72"},
		{"", ""},
	}
	for _, tt := range exts {
		if got := ExtensionKey(tt.in); got != tt.want {
			t.Errorf("ExtensionKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
