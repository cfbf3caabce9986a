package gui

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestDropDamagedPrefs(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		removed       bool
	}{
		{"empty", "", true},
		{"truncated", `{"fyne-theme":"da`, true},
		{"garbage", "\x00\x00\x00", true},
		{"not an object", `["a"]`, true},
		{"valid", `{"fyne-theme":"dark"}` + "\n", false},
		{"valid empty", "{}\n", false},
	} {
		path := filepath.Join(dir, tc.name+".json")
		if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := dropDamagedPrefs(path); got != tc.removed {
			t.Errorf("%s: removed %v, want %v", tc.name, got, tc.removed)
		}
		if _, err := os.Stat(path); (err == nil) == tc.removed {
			t.Errorf("%s: file there afterwards %v, removed %v", tc.name, err == nil, tc.removed)
		}
	}
	if dropDamagedPrefs(filepath.Join(dir, "missing.json")) {
		t.Error("a missing file counts as removed")
	}
}

// The path follows the desktop config directory as Fyne's does.
func TestFynePrefsFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("checked on Linux, where XDG_CONFIG_HOME sets it")
	}
	t.Setenv("XDG_CONFIG_HOME", "/cfg")
	p, err := fynePrefsFile("com.example.app")
	if err != nil || p != "/cfg/fyne/com.example.app/preferences.json" {
		t.Fatalf("path %q, %v", p, err)
	}
}
