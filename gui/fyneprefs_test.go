package gui

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/halo-assistant/halo-assistant/storage/applog"
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

// Every type round-trips through the file, read back as JSON decodes it;
// a stored int reads as a float and back, as in Fyne's own store.
func TestPrefsStoreRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fyne", "app", "preferences.json")
	p := loadPrefs(path, applog.Discard())
	p.SetBool("b", true)
	p.SetBoolList("bl", []bool{true, false})
	p.SetFloat("f", 1.5)
	p.SetFloatList("fl", []float64{1.5, 2})
	p.SetInt("i", 42)
	p.SetIntList("il", []int{1, 2, 3})
	p.SetString("s", "/home/alice/Documents")
	p.SetStringList("sl", []string{"a", "b"})
	p.SetString("gone", "x")
	p.RemoveValue("gone")

	for _, q := range []*prefsStore{p, loadPrefs(path, applog.Discard())} {
		if !q.Bool("b") || !slices.Equal(q.BoolList("bl"), []bool{true, false}) ||
			q.Float("f") != 1.5 || !slices.Equal(q.FloatList("fl"), []float64{1.5, 2}) ||
			q.Int("i") != 42 || q.Float("i") != 42 || !slices.Equal(q.IntList("il"), []int{1, 2, 3}) ||
			q.String("s") != "/home/alice/Documents" || !slices.Equal(q.StringList("sl"), []string{"a", "b"}) {
			t.Fatalf("values read back wrong: %#v", q.values)
		}
		if q.StringWithFallback("gone", "fb") != "fb" || q.IntWithFallback("s", 7) != 7 ||
			!slices.Equal(q.IntListWithFallback("sl", []int{9}), []int{9}) {
			t.Fatalf("a removed key or a value of another type does not give the fallback: %#v", q.values)
		}
	}
}

// A reader of the file (Fyne's watcher of the folder, the next start) never
// sees a partial one while values change: with the file rewritten in
// place, as Fyne's own store does at exit, it reads an empty one.
func TestPrefsStoreNeverPartial(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preferences.json")
	p := loadPrefs(path, applog.Discard())
	p.SetString("start", "x")
	stop := make(chan struct{})
	bad := make(chan string, 1)
	go func() {
		defer close(bad)
		for {
			select {
			case <-stop:
				return
			default:
			}
			b, err := os.ReadFile(path)
			var v map[string]any
			if err != nil || json.Unmarshal(b, &v) != nil {
				bad <- fmt.Sprintf("read %q, %v", b, err)
				return
			}
		}
	}()
	for i := range 300 {
		p.SetString(fmt.Sprintf("key%d", i%7), strings.Repeat("v", i))
	}
	close(stop)
	if msg, found := <-bad; found {
		t.Fatal("a reader saw a partial preferences file: " + msg)
	}
}

// A damaged file counts as empty and is replaced at the first change; a
// listener hears every change.
func TestPrefsStoreDamagedFileAndListeners(t *testing.T) {
	path := filepath.Join(t.TempDir(), "preferences.json")
	if err := os.WriteFile(path, []byte(`{"fyne-`), 0o600); err != nil {
		t.Fatal(err)
	}
	p := loadPrefs(path, applog.Discard())
	if len(p.values) != 0 {
		t.Fatalf("values from a damaged file: %#v", p.values)
	}
	heard := 0
	p.AddChangeListener(func() { heard++ })
	p.SetInt("n", 1)
	p.RemoveValue("n")
	if heard != 2 || len(p.ChangeListeners()) != 1 {
		t.Fatalf("listener heard %d changes, %d listeners", heard, len(p.ChangeListeners()))
	}
	b, err := os.ReadFile(path)
	if err != nil || strings.TrimSpace(string(b)) != "{}" {
		t.Fatalf("file after the changes: %q, %v", b, err)
	}
}

// usePrefsFile makes the store the app's preferences: what Fyne's dialogs
// set through fyne.CurrentApp().Preferences() lands in the file, and a
// value already in the file is read.
func TestUsePrefsFile(t *testing.T) {
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "preferences.json")
	if err := os.WriteFile(path, []byte(`{"fyne:fileDialogViewLayout":1}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := usePrefsFile(a, path, applog.Discard())
	if fyne.CurrentApp().Preferences() != fyne.Preferences(p) {
		t.Fatal("the app does not use the store")
	}
	if got := a.Preferences().Int("fyne:fileDialogViewLayout"); got != 1 {
		t.Fatalf("value from the file: %d", got)
	}
	a.Preferences().SetString("fyne:fileDialogLastFolder", "file:///home/alice")
	if got := loadPrefs(path, applog.Discard()).String("fyne:fileDialogLastFolder"); got != "file:///home/alice" {
		t.Fatalf("the file holds %q", got)
	}
}
